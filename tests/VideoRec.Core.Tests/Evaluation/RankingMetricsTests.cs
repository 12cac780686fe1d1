using VideoRec.Core.Evaluation;

namespace VideoRec.Core.Tests.Evaluation;

public sealed class RankingMetricsTests
{
    // Items A..E are 0..4; X, Y are 10, 11 (not relevant).
    private const int A = 0, B = 1, C = 2, D = 3, E = 4, X = 10, Y = 11;

    [Fact]
    public void Perfect_top3_with_five_relevant_gives_map_at_k_one_and_recommenders_ap_three_fifths()
    {
        int[] ranked = [A, B, C];
        var relevant = new HashSet<int> { A, B, C, D, E };

        Assert.Equal(1.0, RankingMetrics.AveragePrecisionAtK(ranked, relevant, 3), 12);
        Assert.Equal(0.6, RankingMetrics.AveragePrecision(ranked, relevant, 3), 12);
        Assert.Equal(1.0, RankingMetrics.PrecisionAtK(ranked, relevant, 3), 12);
        Assert.Equal(0.6, RankingMetrics.RecallAtK(ranked, relevant, 3), 12);
        Assert.Equal(1.0, RankingMetrics.NdcgAtK(ranked, relevant, 3), 12);
    }

    [Fact]
    public void Hits_at_ranks_one_and_three_match_hand_computed_values()
    {
        int[] ranked = [A, X, B];
        var relevant = new HashSet<int> { A, B };

        // DCG = 1/log2(2) + 1/log2(4) = 1.5; IDCG = 1 + 1/log2(3).
        Assert.Equal(1.5 / (1 + 1 / Math.Log2(3)), RankingMetrics.NdcgAtK(ranked, relevant, 3), 12);
        Assert.Equal(2.0 / 3.0, RankingMetrics.PrecisionAtK(ranked, relevant, 3), 12);
        Assert.Equal(1.0, RankingMetrics.RecallAtK(ranked, relevant, 3), 12);
        // Precision at hits: 1/1 and 2/3 → sum 5/3, over |relevant| = 2 and over min(3, 2) = 2.
        Assert.Equal(5.0 / 6.0, RankingMetrics.AveragePrecision(ranked, relevant, 3), 12);
        Assert.Equal(5.0 / 6.0, RankingMetrics.AveragePrecisionAtK(ranked, relevant, 3), 12);
        Assert.Equal(1.0, RankingMetrics.HitRateAtK(ranked, relevant, 3));
    }

    [Fact]
    public void Only_the_first_k_count_and_precision_divides_by_k_not_list_length()
    {
        int[] ranked = [X, A];
        var relevant = new HashSet<int> { A };

        Assert.Equal(0.0, RankingMetrics.PrecisionAtK(ranked, relevant, 1));
        Assert.Equal(0.0, RankingMetrics.HitRateAtK(ranked, relevant, 1));
        Assert.Equal(0.1, RankingMetrics.PrecisionAtK(ranked, relevant, 10), 12);
        // Hit at rank 2: DCG = 1/log2(3); IDCG = 1.
        Assert.Equal(1 / Math.Log2(3), RankingMetrics.NdcgAtK(ranked, relevant, 10), 12);
        Assert.Equal(0.5, RankingMetrics.AveragePrecision(ranked, relevant, 10), 12);
    }

    [Fact]
    public void No_hits_scores_zero_everywhere()
    {
        int[] ranked = [X, Y];
        var relevant = new HashSet<int> { A };

        Assert.Equal(0.0, RankingMetrics.PrecisionAtK(ranked, relevant, 2));
        Assert.Equal(0.0, RankingMetrics.RecallAtK(ranked, relevant, 2));
        Assert.Equal(0.0, RankingMetrics.NdcgAtK(ranked, relevant, 2));
        Assert.Equal(0.0, RankingMetrics.AveragePrecision(ranked, relevant, 2));
        Assert.Equal(0.0, RankingMetrics.AveragePrecisionAtK(ranked, relevant, 2));
        Assert.Equal(0.0, RankingMetrics.HitRateAtK(ranked, relevant, 2));
    }
}
