using VideoRec.Core.Domain;

namespace VideoRec.Core.Ingestion;

/// <summary>One entry of a recent list: a video (or a query) and when.</summary>
/// <param name="EventId">The event it came from (breaks timestamp ties).</param>
/// <param name="At">When, UTC.</param>
/// <param name="VideoId">The video, for video lists.</param>
/// <param name="Query">The query, for the searches list.</param>
/// <param name="Seconds">Watch or dwell seconds, where the event had them.</param>
public sealed record RecentItem(string EventId, DateTimeOffset At, string? VideoId = null, string? Query = null, double? Seconds = null);

/// <summary>
/// What one user has done, folded from their events (design, "User historical interactions"): counts per interaction
/// type, total watch time, and the most recent watched, liked, disliked, impressed videos and search queries.
/// Every part is independent of the order events arrive in and of duplicates that are filtered before it: counts and
/// the watch time are integer sums, and each recent list keeps the newest N by (time, event id).
/// </summary>
public sealed class UserAggregates
{
    /// <summary>The user.</summary>
    public required string UserId { get; init; }

    /// <summary>Events applied, by type name (<c>impression</c>, <c>watch</c>, …).</summary>
    public SortedDictionary<string, long> Counts { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Total watch time in milliseconds (integer, so sums are exact in any order).</summary>
    public long WatchMilliseconds { get; set; }

    /// <summary>Most recent watches, newest first.</summary>
    public List<RecentItem> Watched { get; init; } = [];

    /// <summary>Most recent likes, newest first.</summary>
    public List<RecentItem> Liked { get; init; } = [];

    /// <summary>Most recent dislikes, newest first.</summary>
    public List<RecentItem> Disliked { get; init; } = [];

    /// <summary>Most recent impressions, newest first.</summary>
    public List<RecentItem> Impressed { get; init; } = [];

    /// <summary>Most recent searches (query text), newest first.</summary>
    public List<RecentItem> Searches { get; init; } = [];

    /// <summary>Time of the earliest event applied.</summary>
    public DateTimeOffset? FirstEventAt { get; set; }

    /// <summary>Time of the latest event applied.</summary>
    public DateTimeOffset? LastEventAt { get; set; }

    /// <summary>Total watch time in seconds.</summary>
    public double TotalWatchSeconds => WatchMilliseconds / 1000.0;

    /// <summary>Folds one event in (the event must be this user's and not applied before).</summary>
    /// <param name="e">The event.</param>
    /// <param name="recentLength">Length of each recent list.</param>
    public void Apply(IngestEvent e, int recentLength)
    {
        var name = EventBatchParser.TypeName(e.Type);
        Counts[name] = Counts.GetValueOrDefault(name) + 1;
        FirstEventAt = FirstEventAt is { } first && first <= e.Timestamp ? first : e.Timestamp;
        LastEventAt = LastEventAt is { } last && last >= e.Timestamp ? last : e.Timestamp;
        switch (e.Type)
        {
            case InteractionType.Watch:
                WatchMilliseconds += Milliseconds(e.Seconds);
                Recent.Insert(Watched, new RecentItem(e.EventId, e.Timestamp, e.VideoId, Seconds: e.Seconds), recentLength);
                break;
            case InteractionType.Like:
                Recent.Insert(Liked, new RecentItem(e.EventId, e.Timestamp, e.VideoId), recentLength);
                break;
            case InteractionType.Dislike:
                Recent.Insert(Disliked, new RecentItem(e.EventId, e.Timestamp, e.VideoId), recentLength);
                break;
            case InteractionType.Impression:
                Recent.Insert(Impressed, new RecentItem(e.EventId, e.Timestamp, e.VideoId, Seconds: e.Seconds), recentLength);
                break;
            case InteractionType.Search:
                Recent.Insert(Searches, new RecentItem(e.EventId, e.Timestamp, Query: e.Text), recentLength);
                break;
        }
    }

    /// <summary>Seconds as whole milliseconds, rounded half away from zero; 0 for none.</summary>
    public static long Milliseconds(double? seconds) => seconds is { } s ? (long)Math.Round(s * 1000, MidpointRounding.AwayFromZero) : 0;
}

/// <summary>Keeps a list of the newest N items by (time descending, event id ascending).</summary>
internal static class Recent
{
    public static void Insert(List<RecentItem> list, RecentItem item, int capacity)
    {
        var position = list.FindIndex(existing => Before(item, existing));
        if (position < 0)
        {
            if (list.Count < capacity)
            {
                list.Add(item);
            }

            return;
        }

        list.Insert(position, item);
        if (list.Count > capacity)
        {
            list.RemoveAt(list.Count - 1);
        }
    }

    private static bool Before(RecentItem a, RecentItem b) =>
        a.At > b.At || (a.At == b.At && string.CompareOrdinal(a.EventId, b.EventId) < 0);
}
