using VideoRec.Core.Domain;

namespace VideoRec.Core.Ingestion;

/// <summary>
/// Running statistics of one video (design, "Video features"): impressions, clicks, views, likes, dislikes, shares,
/// comments, watch time and completions, with click-through and completion rates, and a time-decayed trending score
/// from hourly view counts. All integer sums, and the hourly window is pruned against the latest hour seen, so the
/// result does not depend on the order events arrive in.
/// </summary>
public sealed class VideoStatistics
{
    /// <summary>The video.</summary>
    public required string VideoId { get; init; }

    /// <summary>Times shown.</summary>
    public long Impressions { get; set; }

    /// <summary>Times opened.</summary>
    public long Clicks { get; set; }

    /// <summary>Watch events.</summary>
    public long Views { get; set; }

    /// <summary>Likes.</summary>
    public long Likes { get; set; }

    /// <summary>Dislikes.</summary>
    public long Dislikes { get; set; }

    /// <summary>Shares.</summary>
    public long Shares { get; set; }

    /// <summary>Comments.</summary>
    public long Comments { get; set; }

    /// <summary>Total watch time in milliseconds.</summary>
    public long WatchMilliseconds { get; set; }

    /// <summary>Watches of at least the completion share of the video (counted when its duration is known).</summary>
    public long Completions { get; set; }

    /// <summary>Views per hour (hours since the Unix epoch, UTC) within the trending window.</summary>
    public SortedDictionary<long, long> HourlyViews { get; init; } = [];

    /// <summary>Clicks per impression; 0 without impressions.</summary>
    public double ClickThroughRate => Impressions > 0 ? (double)Clicks / Impressions : 0;

    /// <summary>Completions per view; 0 without views.</summary>
    public double CompletionRate => Views > 0 ? (double)Completions / Views : 0;

    /// <summary>Total watch time in seconds.</summary>
    public double TotalWatchSeconds => WatchMilliseconds / 1000.0;

    /// <summary>
    /// Trending score at <paramref name="at"/>: Σ views in hour h · 2^(−(at − h) / half-life), over the hours kept.
    /// A video watched n times just now scores n; the same views a half-life ago score n/2.
    /// </summary>
    public double TrendingScore(DateTimeOffset at, double halfLifeHours)
    {
        var now = at.ToUnixTimeMilliseconds() / 3_600_000.0;
        var score = 0.0;
        foreach (var (hour, views) in HourlyViews)
        {
            score += views * Math.Pow(2, -Math.Max(0, now - (hour + 0.5)) / halfLifeHours);
        }

        return score;
    }

    /// <summary>Folds one event in (the event must be about this video and not applied before).</summary>
    /// <param name="e">The event.</param>
    /// <param name="durationSeconds">The video's duration, when the catalogue knows it.</param>
    /// <param name="options">Completion share and trending window.</param>
    public void Apply(IngestEvent e, double? durationSeconds, IngestionOptions options)
    {
        switch (e.Type)
        {
            case InteractionType.Impression: Impressions++; break;
            case InteractionType.Click: Clicks++; break;
            case InteractionType.Like: Likes++; break;
            case InteractionType.Dislike: Dislikes++; break;
            case InteractionType.Share: Shares++; break;
            case InteractionType.Comment: Comments++; break;
            case InteractionType.Watch:
                Views++;
                WatchMilliseconds += UserAggregates.Milliseconds(e.Seconds);
                if (durationSeconds is > 0 && e.Seconds >= options.CompletionFraction * durationSeconds)
                {
                    Completions++;
                }

                AddView(e.Timestamp.ToUnixTimeMilliseconds() / 3_600_000, options.TrendingWindowHours);
                break;
        }
    }

    private void AddView(long hour, int windowHours)
    {
        var latest = HourlyViews.Count > 0 ? Math.Max(HourlyViews.Keys.Last(), hour) : hour;
        if (hour <= latest - windowHours)
        {
            return;
        }

        HourlyViews[hour] = HourlyViews.GetValueOrDefault(hour) + 1;
        while (HourlyViews.Count > 0 && HourlyViews.Keys.First() <= latest - windowHours)
        {
            HourlyViews.Remove(HourlyViews.Keys.First());
        }
    }
}
