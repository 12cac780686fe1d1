namespace VideoRec.Core.Evaluation;

/// <summary>The offline metrics of one model on one split, averaged over evaluated users.</summary>
/// <param name="Precision">Precision@k.</param>
/// <param name="Recall">Recall@k.</param>
/// <param name="Ndcg">nDCG@k (binary relevance).</param>
/// <param name="Map">MAP as Microsoft Recommenders' <c>map</c>: precision summed at hits in the top k over |relevant|.</param>
/// <param name="MapAtK">MAP@k: the same sum over min(k, |relevant|).</param>
/// <param name="HitRate">HitRate@k: share of users with at least one hit.</param>
/// <param name="Coverage">Catalogue coverage: distinct videos recommended to anyone / videos in the catalogue.</param>
/// <param name="Diversity">Mean pairwise cosine similarity of each list's videos in the reference embedding (lower is more diverse); NaN without one.</param>
/// <param name="Users">Number of users evaluated.</param>
public sealed record MetricSet(double Precision, double Recall, double Ndcg, double Map, double MapAtK,
    double HitRate, double Coverage, double Diversity, int Users)
{
    /// <summary>The metric names in report order, as used for JSON keys.</summary>
    public static IReadOnlyList<string> Names { get; } = ["precision", "recall", "ndcg", "map", "map_at_k", "hit_rate", "coverage", "diversity"];

    /// <summary>The value of the metric called <paramref name="name"/> (one of <see cref="Names"/>).</summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public double this[string name] => name switch
    {
        "precision" => Precision,
        "recall" => Recall,
        "ndcg" => Ndcg,
        "map" => Map,
        "map_at_k" => MapAtK,
        "hit_rate" => HitRate,
        "coverage" => Coverage,
        "diversity" => Diversity,
        _ => throw new ArgumentException($"Unknown metric '{name}'.", nameof(name)),
    };
}
