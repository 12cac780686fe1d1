using VideoRec.Core.Scoring;

namespace VideoRec.Core.Tests.Scoring;

public sealed class ScoringMetricsTests
{
    [Fact]
    public void Auc_counts_correctly_ordered_pairs_and_half_of_ties()
    {
        // Positives 0.35 and 0.8 against negatives 0.1 and 0.4: 3 of 4 pairs ordered.
        Assert.Equal(0.75, ScoringMetrics.Auc([0.1f, 0.4f, 0.35f, 0.8f], [0, 0, 1, 1]), 10);
        Assert.Equal(0.5, ScoringMetrics.Auc([1f, 1f], [0, 1]), 10);
        Assert.Equal(0.5, ScoringMetrics.Auc([1f, 2f], [1, 1]), 10);
    }

    [Fact]
    public void Log_loss_is_the_weighted_mean_cross_entropy()
    {
        var loss = ScoringMetrics.LogLoss([0.8f, 0.4f], [1, 0], [1, 3]);

        Assert.Equal(-(Math.Log(0.8f) + 3 * Math.Log(1 - 0.4f)) / 4, loss, 6);
    }

    [Fact]
    public void Calibration_buckets_by_prediction_and_reports_the_observed_rate()
    {
        var buckets = ScoringMetrics.Calibration([0.05f, 0.15f, 0.12f, 0.95f, 1f, float.NaN], [0, 1, 0, 1, 1, 0]);

        Assert.Equal(10, buckets.Length);
        Assert.Equal(2, buckets[0].Rows); // 0.05 and the NaN (as 0)
        Assert.Equal(2, buckets[1].Rows);
        Assert.Equal(0.5, buckets[1].ObservedRate, 10);
        Assert.Equal(0.135, buckets[1].MeanPredicted, 6);
        Assert.Equal(2, buckets[9].Rows); // 0.95 and 1
        Assert.Equal(1.0, buckets[9].ObservedRate);
        Assert.True(double.IsNaN(buckets[5].ObservedRate));
    }

    [Fact]
    public void Group_ndcg_ranks_each_group_by_score_and_skips_groups_without_positives()
    {
        // Group 0: the positive is second (1 / log2 3); group 1: no positive; group 2: the positive is first.
        var ndcg = ScoringMetrics.GroupNdcg([0.9f, 0.5f, 0.1f, 0.3f, 0.2f, 0.7f, 0.6f], [0, 1, 0, 0, 0, 1, 0], [0, 3, 5, 7], 10);

        Assert.Equal((1 / Math.Log2(3) + 1) / 2, ndcg, 10);
    }
}
