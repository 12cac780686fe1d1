using System.Globalization;
using VideoRec.Core.Ingestion;
using VideoRec.Core.Serving;

namespace VideoRec.Core.Online;

/// <summary>The body of <c>GET /api/metrics</c>.</summary>
/// <param name="From">Start of the range of served time (inclusive), UTC.</param>
/// <param name="To">End of the range (exclusive), UTC.</param>
/// <param name="GroupBy">The dimensions grouped by, in order (contract names).</param>
/// <param name="AttributionWindowSeconds">How long after an impression an event without a request id is still credited, seconds.</param>
/// <param name="Groups">One row per group (one overall row without grouping; none without impressions).</param>
public sealed record OnlineMetricsResponse(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<string> GroupBy, double AttributionWindowSeconds,
    IReadOnlyList<OnlineMetricsRow> Groups);

/// <summary>What <see cref="OnlineMetricsHandler.ComputeAsync"/> read and measured.</summary>
/// <param name="Impressions">The impressions of the range.</param>
/// <param name="Attribution">Their users' events, attributed.</param>
/// <param name="Rows">The metrics rows.</param>
public sealed record OnlineMetricsSnapshot(IReadOnlyList<Impression> Impressions, AttributionResult Attribution, IReadOnlyList<OnlineMetricsRow> Rows);

/// <summary>
/// The online metrics handler shared by the function and the local host: reads the impressions served in
/// [<c>from</c>, <c>to</c>), the events of their users up to one attribution window after <c>to</c>, attributes
/// (<see cref="Attributor"/>) and measures (<see cref="OnlineMetrics"/>) them. Completions use the catalogue's durations
/// and intra-list diversity the tag Jaccard distance; coverage needs the catalogue size, which the store does not count,
/// so it is left out (<see cref="OnlineMetricsRow.DistinctVideos"/> is given).
/// </summary>
/// <param name="log">The impression log.</param>
/// <param name="store">The feature store (events, durations, tags).</param>
/// <param name="attribution">The attribution window.</param>
/// <param name="time">The clock (the default range ends now).</param>
public sealed class OnlineMetricsHandler(IImpressionLog log, IFeatureStore store, AttributionOptions attribution, TimeProvider time)
{
    /// <summary>The range when <c>from</c> is absent: 7 days before <c>to</c>.</summary>
    public static readonly TimeSpan DefaultRange = TimeSpan.FromDays(7);

    /// <summary>The longest range accepted: 90 days.</summary>
    public static readonly TimeSpan MaxRange = TimeSpan.FromDays(90);

    /// <summary>Most distinct videos whose tags are read for diversity; above it diversity is left out.</summary>
    public const int MaxDiversityVideos = 20_000;

    /// <summary>
    /// Metrics of the impressions served in [<paramref name="from"/>, <paramref name="to"/>). Both are ISO 8601 with a
    /// time zone; <c>to</c> defaults to now and <c>from</c> to 7 days before <c>to</c>. Invalid input gives errors keyed
    /// <c>from</c>, <c>to</c> or <c>groupBy</c>.
    /// </summary>
    /// <param name="from">The raw <c>from</c> parameter, or <c>null</c>.</param>
    /// <param name="to">The raw <c>to</c> parameter, or <c>null</c>.</param>
    /// <param name="groupBy">The raw <c>groupBy</c> parameter (comma-separated <c>modelVersion</c>, <c>arm</c>, <c>source</c>, <c>position</c>), or <c>null</c>.</param>
    /// <param name="cancellationToken">Abandons the request.</param>
    public async Task<Outcome<OnlineMetricsResponse>> GetAsync(string? from, string? to, string? groupBy, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var end = Time(to, "to", errors) ?? time.GetUtcNow();
        var start = Time(from, "from", errors) ?? end - DefaultRange;
        if (!MetricsDimensions.TryParse(groupBy, out var dimensions, out var groupError))
        {
            errors["groupBy"] = [groupError!];
        }

        if (errors.Count == 0 && start >= end)
        {
            errors["from"] = [$"from must be before to ({start:O} is not before {end:O})."];
        }
        else if (errors.Count == 0 && end - start > MaxRange)
        {
            errors["from"] = [$"The range from {start:O} to {end:O} is longer than {MaxRange.TotalDays:G} days."];
        }

        if (errors.Count > 0)
        {
            return Outcome<OnlineMetricsResponse>.Invalid(errors);
        }

        var measured = await ComputeAsync(start, end, dimensions, cancellationToken).ConfigureAwait(false);
        return Outcome<OnlineMetricsResponse>.Ok(new OnlineMetricsResponse(start, end, dimensions.Select(MetricsDimensions.Name).ToArray(),
            attribution.Window.TotalSeconds, measured.Rows));
    }

    /// <summary>
    /// Reads, attributes and measures the impressions served in [<paramref name="start"/>, <paramref name="end"/>)
    /// without the parameter checks of <see cref="GetAsync"/> (for reports over a whole log).
    /// </summary>
    /// <param name="start">Start of the served-time range (inclusive).</param>
    /// <param name="end">End of the range (exclusive).</param>
    /// <param name="dimensions">Dimensions to group by.</param>
    /// <param name="cancellationToken">Abandons the work.</param>
    public async Task<OnlineMetricsSnapshot> ComputeAsync(DateTimeOffset start, DateTimeOffset end, IReadOnlyList<MetricsDimension> dimensions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        var impressions = await log.ListAsync(start, end, cancellationToken).ConfigureAwait(false);
        var horizon = end + attribution.Window;
        var events = new List<IngestEvent>();
        foreach (var user in impressions.Select(i => i.UserId).Distinct(StringComparer.Ordinal))
        {
            var history = await store.GetUserEventsAsync(user, cancellationToken).ConfigureAwait(false);
            events.AddRange(history.Where(e => e.Timestamp >= start && e.Timestamp <= horizon));
        }

        var videos = impressions.SelectMany(i => i.Items).Select(i => i.VideoId).Distinct(StringComparer.Ordinal).ToArray();
        var durations = await store.GetVideoDurationsAsync(videos, cancellationToken).ConfigureAwait(false);
        Func<string, string, double>? dissimilarity = null;
        if (videos.Length <= MaxDiversityVideos)
        {
            var tags = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
            foreach (var id in videos)
            {
                var video = await store.GetVideoAsync(id, cancellationToken).ConfigureAwait(false);
                tags[id] = (video?.Tags ?? []).Select(t => t.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
            }

            dissimilarity = (a, b) => JaccardDistance(tags[a], tags[b]);
        }

        var joined = Attributor.Attribute(impressions, events, attribution);
        var rows = OnlineMetrics.Compute(impressions, joined.Attributed, dimensions, new MetricsContext
        {
            DurationSeconds = id => durations.TryGetValue(id, out var d) ? d : null,
            Dissimilarity = dissimilarity,
        });
        return new OnlineMetricsSnapshot(impressions, joined, rows);
    }

    /// <summary>1 − |A ∩ B| / |A ∪ B|; two videos without tags are 0 apart (nothing tells them apart).</summary>
    public static double JaccardDistance(IReadOnlySet<string> a, IReadOnlySet<string> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var union = a.Count + b.Count - a.Count(b.Contains);
        return union == 0 ? 0 : 1 - (double)(a.Count + b.Count - union) / union;
    }

    private static DateTimeOffset? Time(string? text, string field, Dictionary<string, string[]> errors)
    {
        if (text is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd"],
                CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
        {
            return value.ToUniversalTime();
        }

        errors[field] = [$"{field} must be ISO 8601 with a time zone (such as 2026-11-29T14:00:00Z) or a date (2026-11-29), found '{(text.Length > 40 ? text[..40] + "…" : text)}'."];
        return null;
    }
}
