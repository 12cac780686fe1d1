using VideoRec.Core.Ingestion;

namespace VideoRec.Core.Serving.Recommend;

/// <summary>
/// The bulk reads serving refreshes its popular, trending and fresh lists and its per-video statistics from (the
/// feature store's video statistics with their hourly view counts). Read every <see cref="ServingModelOptions.ActivityRefreshInterval"/>
/// in the background, never per request.
/// </summary>
public interface IActivityFeed
{
    /// <summary>Every video's statistics, with hourly views from <paramref name="hourlyFrom"/> on (earlier hours may be left out).</summary>
    /// <param name="hourlyFrom">The earliest hour the lists need (the longest of the popular and trending windows).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="StoreUnavailableException">The store cannot be reached.</exception>
    Task<IReadOnlyList<VideoStatistics>> ReadVideoStatisticsAsync(DateTimeOffset hourlyFrom, CancellationToken cancellationToken);

    /// <summary>
    /// The catalogue entries that carry an integrity flag now (hidden, misinformation) or a duplicate group, so that a
    /// takedown reaches serving within one refresh instead of waiting for the next model bundle.
    /// </summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="StoreUnavailableException">The store cannot be reached.</exception>
    Task<IReadOnlyList<Domain.Video>> ReadFlaggedVideosAsync(CancellationToken cancellationToken);
}
