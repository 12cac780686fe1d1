namespace VideoRec.Core.Online;

/// <summary>Online metrics of one group of served items (all of them when nothing is grouped).</summary>
/// <param name="Group">The group's value per dimension name (<c>{"arm": "treatment", "position": "0"}</c>); empty without grouping.</param>
/// <param name="Requests">Served lists with at least one item in the group.</param>
/// <param name="Impressions">Items shown (one per video per list).</param>
/// <param name="Clicks">Items clicked (a click or a watch; several clicks on one item count once).</param>
/// <param name="Ctr">Click-through rate, clicks / impressions (0 without impressions).</param>
/// <param name="CtrLow">Lower end of the 95% Wilson interval of the CTR.</param>
/// <param name="CtrHigh">Upper end of the 95% Wilson interval of the CTR.</param>
/// <param name="Completions">Items watched to at least the completion fraction of their duration (duration known).</param>
/// <param name="CompletionRate">Completions / clicks (0 without clicks).</param>
/// <param name="WatchSeconds">Total watch time, seconds.</param>
/// <param name="MeanWatchSeconds">Watch time per click, seconds (0 without clicks).</param>
/// <param name="Likes">Items liked.</param>
/// <param name="Dislikes">Items disliked.</param>
/// <param name="LikesPerThousand">Likes per 1,000 impressions.</param>
/// <param name="DislikesPerThousand">Dislikes per 1,000 impressions.</param>
/// <param name="DistinctVideos">Distinct videos served.</param>
/// <param name="Coverage">Distinct videos served / catalogue size, or <c>null</c> when the catalogue size is unknown.</param>
/// <param name="IntraListDiversity">
/// Mean over lists (with 2+ items in the group) of the mean pairwise dissimilarity of their items, in [0, 1]; <c>null</c>
/// when no list has two items in the group or no dissimilarity is known.
/// </param>
public sealed record OnlineMetricsRow(
    IReadOnlyDictionary<string, string> Group, long Requests, long Impressions, long Clicks, double Ctr, double CtrLow, double CtrHigh,
    long Completions, double CompletionRate, double WatchSeconds, double MeanWatchSeconds, long Likes, long Dislikes,
    double LikesPerThousand, double DislikesPerThousand, int DistinctVideos, double? Coverage, double? IntraListDiversity);

/// <summary>What online metrics need to know about the catalogue.</summary>
public sealed record MetricsContext
{
    /// <summary>Duration of a video in seconds, or <c>null</c> when unknown (its watches then never count as completions).</summary>
    public Func<string, double?> DurationSeconds { get; init; } = static _ => null;

    /// <summary>Share of the duration a watch must reach to count as a completion, in (0, 1]; default 0.9.</summary>
    public double CompletionFraction { get; init; } = 0.9;

    /// <summary>Videos in the catalogue (the coverage denominator), or <c>null</c> when unknown.</summary>
    public int? CatalogueSize { get; init; }

    /// <summary>Dissimilarity of two videos in [0, 1] (such as 1 − tag Jaccard, or 1 − cosine), or <c>null</c> to skip diversity.</summary>
    public Func<string, string, double>? Dissimilarity { get; init; }
}
