namespace VideoRec.Core.Evaluation;

/// <summary>
/// Ranking metrics with binary relevance for one user's list, as the Microsoft Recommenders library defines them
/// (recommenders.evaluation.python_evaluation). Every function takes the ranked recommendation list (best first;
/// only its first k entries count) and the set of relevant items, which must not be empty.
/// </summary>
public static class RankingMetrics
{
    /// <summary>Precision@k = hits in the top k / k (k, not the list length, is the denominator).</summary>
    public static double PrecisionAtK(ReadOnlySpan<int> ranked, IReadOnlySet<int> relevant, int k) =>
        (double)Hits(ranked, relevant, k) / k;

    /// <summary>Recall@k = hits in the top k / |relevant|.</summary>
    public static double RecallAtK(ReadOnlySpan<int> ranked, IReadOnlySet<int> relevant, int k) =>
        (double)Hits(ranked, relevant, k) / relevant.Count;

    /// <summary>HitRate@k = 1 when any of the top k is relevant, else 0.</summary>
    public static double HitRateAtK(ReadOnlySpan<int> ranked, IReadOnlySet<int> relevant, int k) =>
        Hits(ranked, relevant, k) > 0 ? 1.0 : 0.0;

    /// <summary>
    /// nDCG@k with binary gains: DCG = Σ_{hits at rank i (1-based) ≤ k} 1/log₂(i + 1), divided by the ideal
    /// DCG of min(k, |relevant|) hits at the top.
    /// </summary>
    public static double NdcgAtK(ReadOnlySpan<int> ranked, IReadOnlySet<int> relevant, int k)
    {
        var n = Math.Min(k, ranked.Length);
        var dcg = 0.0;
        for (var i = 0; i < n; i++)
        {
            if (relevant.Contains(ranked[i]))
            {
                dcg += 1.0 / Math.Log2(i + 2);
            }
        }

        var ideal = 0.0;
        for (var i = 0; i < Math.Min(k, relevant.Count); i++)
        {
            ideal += 1.0 / Math.Log2(i + 2);
        }

        return dcg / ideal;
    }

    /// <summary>
    /// Average precision as Microsoft Recommenders' <c>map</c> computes it: the sum of precision at each hit within
    /// the top k, divided by the user's number of relevant items |relevant| (not capped at k).
    /// </summary>
    public static double AveragePrecision(ReadOnlySpan<int> ranked, IReadOnlySet<int> relevant, int k) =>
        SumPrecisionAtHits(ranked, relevant, k) / relevant.Count;

    /// <summary>
    /// AP@k: the same sum of precision at each hit within the top k, divided by min(k, |relevant|), so a list
    /// that is perfect as far as k can show scores 1 (Microsoft Recommenders' <c>map_at_k</c>).
    /// </summary>
    public static double AveragePrecisionAtK(ReadOnlySpan<int> ranked, IReadOnlySet<int> relevant, int k) =>
        SumPrecisionAtHits(ranked, relevant, k) / Math.Min(k, relevant.Count);

    /// <summary>Number of the first k recommendations that are relevant.</summary>
    public static int Hits(ReadOnlySpan<int> ranked, IReadOnlySet<int> relevant, int k)
    {
        var hits = 0;
        var n = Math.Min(k, ranked.Length);
        for (var i = 0; i < n; i++)
        {
            if (relevant.Contains(ranked[i]))
            {
                hits++;
            }
        }

        return hits;
    }

    private static double SumPrecisionAtHits(ReadOnlySpan<int> ranked, IReadOnlySet<int> relevant, int k)
    {
        var hits = 0;
        var sum = 0.0;
        var n = Math.Min(k, ranked.Length);
        for (var i = 0; i < n; i++)
        {
            if (relevant.Contains(ranked[i]))
            {
                hits++;
                sum += (double)hits / (i + 1);
            }
        }

        return sum;
    }
}
