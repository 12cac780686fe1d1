namespace VideoRec.Core.Reranking;

/// <summary>
/// A transparent clickbait heuristic (design, "Re-ranking: misinformation and clickbait"): clickbait draws clicks that
/// its content does not hold, so its click-through rate is high relative to how often viewers finish it. With rates
/// smoothed towards priors (20 pseudo-impressions, 10 pseudo-views) so that little data means "no evidence",
/// r = (CTR / prior CTR) / (completion rate / prior completion rate), and the score is (r − 1) / (r + 1) clamped to [0, 1]:
/// 0 when clicks are no more frequent than completions warrant, ⅓ when the click ratio is twice the completion ratio,
/// approaching 1 as the gap grows.
/// </summary>
public static class Clickbait
{
    /// <summary>Pseudo-impressions of the click-through prior.</summary>
    public const double ImpressionPrior = 20;

    /// <summary>Pseudo-views of the completion prior.</summary>
    public const double ViewPrior = 10;

    /// <summary>The clickbait score in [0, 1] of a video's statistics.</summary>
    /// <param name="impressions">Times shown.</param>
    /// <param name="clicks">Clicks.</param>
    /// <param name="views">Views.</param>
    /// <param name="completions">Views watched to at least 90%.</param>
    /// <param name="priorClickThroughRate">The platform's typical click-through rate.</param>
    /// <param name="priorCompletionRate">The platform's typical completion rate.</param>
    public static double Score(long impressions, long clicks, long views, long completions, double priorClickThroughRate, double priorCompletionRate)
    {
        var ctr = (Math.Max(0, clicks) + ImpressionPrior * priorClickThroughRate) / (Math.Max(0, impressions) + ImpressionPrior);
        var completion = (Math.Max(0, completions) + ViewPrior * priorCompletionRate) / (Math.Max(0, views) + ViewPrior);
        var r = ctr / priorClickThroughRate / Math.Max(1e-9, completion / priorCompletionRate);
        return Math.Clamp((r - 1) / (r + 1), 0, 1);
    }
}
