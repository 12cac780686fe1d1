namespace VideoRec.Core.Ingestion;

/// <summary>Limits of the event contract and of processing (section <c>VideoRec:Ingestion</c> in configuration).</summary>
public sealed record IngestionOptions
{
    /// <summary>Most events in one POST. Default 1,000.</summary>
    public int MaxEventsPerRequest { get; init; } = 1000;

    /// <summary>Largest POST body in bytes. Default 1 MiB.</summary>
    public int MaxBodyBytes { get; init; } = 1 << 20;

    /// <summary>Longest search query or comment, in characters. Default 1,000.</summary>
    public int MaxTextLength { get; init; } = 1000;

    /// <summary>How far in the future a timestamp may be (clock skew). Default 5 minutes.</summary>
    public TimeSpan MaxFutureSkew { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Oldest timestamp accepted. Default 2000-01-01 UTC.</summary>
    public DateTimeOffset MinTimestamp { get; init; } = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A watch may report at most this many times the video's duration (replays). Default 10.</summary>
    public double MaxWatchToDurationRatio { get; init; } = 10;

    /// <summary>Longest watch of a video of unknown length, in seconds. Default 24 hours.</summary>
    public double MaxWatchSecondsUnknownDuration { get; init; } = 24 * 3600;

    /// <summary>Longest impression dwell time, in seconds. Default 1 hour.</summary>
    public double MaxDwellSeconds { get; init; } = 3600;

    /// <summary>Longest device string. Default 64.</summary>
    public int MaxDeviceLength { get; init; } = 64;

    /// <summary>Length of each recent list in the user aggregates (watched, liked, disliked, impressed, searches). Default 50.</summary>
    public int RecentListLength { get; init; } = 50;

    /// <summary>A watch of at least this share of the video counts as a completion in video statistics. Default 0.9.</summary>
    public double CompletionFraction { get; init; } = 0.9;

    /// <summary>Half-life of the trending score, in hours. Default 24.</summary>
    public double TrendingHalfLifeHours { get; init; } = 24;

    /// <summary>Hourly view buckets kept per video for the trending score. Default 14 days.</summary>
    public int TrendingWindowHours { get; init; } = 14 * 24;

    /// <summary>Attempts at a queue message before it goes to the poison queue with its reason. Default 5.</summary>
    public int MaxDeliveryAttempts { get; init; } = 5;
}
