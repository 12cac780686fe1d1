using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace VideoRec.Core.Serving.Recommend;

/// <summary>
/// Re-reads the activity feed into the served model (popular, trending and fresh lists; per-video statistics; the
/// catalogue's integrity flags). Hosts
/// call <see cref="RefreshAsync"/> every <see cref="ServingModelOptions.ActivityRefreshInterval"/> (the local host from
/// a background service, the function app from the same service on every instance). A failed read keeps the lists
/// already served.
/// </summary>
/// <param name="models">The served models.</param>
/// <param name="feed">The bulk statistics read.</param>
/// <param name="options">The windows (the earliest hour read is the longest of the popular and trending-baseline windows).</param>
/// <param name="time">The clock.</param>
/// <param name="logger">Failures.</param>
/// <param name="experiment">The experiment whose arms' models are refreshed too, or <c>null</c>.</param>
public sealed class ActivityRefresher(ServingModelHost models, IActivityFeed feed, ServingModelOptions options, TimeProvider? time = null, ILogger<ActivityRefresher>? logger = null,
    ExperimentServing? experiment = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;

    /// <summary>Reads the feed once and updates the served model.</summary>
    /// <returns>Whether the read succeeded.</returns>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var window = options.Candidates.PopularWindow > options.Candidates.TrendingBaseline ? options.Candidates.PopularWindow : options.Candidates.TrendingBaseline;
        var from = window.Ticks >= now.UtcTicks ? DateTimeOffset.MinValue : now - window;
        try
        {
            var statistics = await feed.ReadVideoStatisticsAsync(from, cancellationToken).ConfigureAwait(false);
            var flagged = await feed.ReadFlaggedVideosAsync(cancellationToken).ConfigureAwait(false);
            foreach (var model in (experiment?.Arms.Values ?? []).Prepend(models).Select(h => h.Current))
            {
                model.UpdateFlags(flagged);
                model.UpdateActivity(statistics, now);
            }
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning(e, "Activity refresh failed; the lists of {AsOf:O} stay served.", models.Current.ActivityAsOf);
            return false;
        }
    }

    /// <summary>Refreshes now and then every interval until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.ActivityRefreshInterval, _time);
        do
        {
            await RefreshAsync(cancellationToken).ConfigureAwait(false);
        }
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
    }
}
