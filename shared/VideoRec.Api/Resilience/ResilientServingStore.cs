using Polly;
using VideoRec.Core.Domain;
using VideoRec.Core.Ingestion;

namespace VideoRec.Api.Resilience;

/// <summary>
/// The feature store as the recommend path sees it: every read runs through a timeout and circuit breaker
/// (<see cref="ServingResilienceOptions"/>), so a slow or failing store fails fast and the handler serves the user from
/// the bundle, saying so. Writes pass straight through (ingestion has its own retries and never uses this wrapper).
/// </summary>
/// <param name="inner">The store.</param>
/// <param name="pipeline">The read pipeline.</param>
public sealed class ResilientServingStore(IFeatureStore inner, ResiliencePipeline pipeline) : IFeatureStore
{
    /// <inheritdoc />
    public Task<ApplyResult> ApplyAsync(IReadOnlyList<IngestEvent> events, IngestionRules rules, CancellationToken cancellationToken) =>
        inner.ApplyAsync(events, rules, cancellationToken);

    /// <inheritdoc />
    public Task<int> RefreshVectorsAsync(IUserVectorRefresher refresher, int maxUsers, CancellationToken cancellationToken) =>
        inner.RefreshVectorsAsync(refresher, maxUsers, cancellationToken);

    /// <inheritdoc />
    public Task<UserServingState> GetServingStateAsync(string userId, CancellationToken cancellationToken) =>
        Read(t => inner.GetServingStateAsync(userId, t), cancellationToken);

    /// <inheritdoc />
    public Task<UserAggregates?> GetUserAggregatesAsync(string userId, CancellationToken cancellationToken) =>
        Read(t => inner.GetUserAggregatesAsync(userId, t), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<IngestEvent>> GetUserEventsAsync(string userId, CancellationToken cancellationToken) =>
        Read(t => inner.GetUserEventsAsync(userId, t), cancellationToken);

    /// <inheritdoc />
    public Task<UserVector?> GetUserVectorAsync(string userId, CancellationToken cancellationToken) =>
        Read(t => inner.GetUserVectorAsync(userId, t), cancellationToken);

    /// <inheritdoc />
    public Task<VideoStatistics?> GetVideoStatisticsAsync(string videoId, CancellationToken cancellationToken) =>
        Read(t => inner.GetVideoStatisticsAsync(videoId, t), cancellationToken);

    /// <inheritdoc />
    public Task<UpsertOutcome> UpsertVideoAsync(Video video, CancellationToken cancellationToken) => inner.UpsertVideoAsync(video, cancellationToken);

    /// <inheritdoc />
    public Task<Video?> GetVideoAsync(string videoId, CancellationToken cancellationToken) =>
        Read(t => inner.GetVideoAsync(videoId, t), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, double>> GetVideoDurationsAsync(IReadOnlyCollection<string> videoIds, CancellationToken cancellationToken) =>
        Read(t => inner.GetVideoDurationsAsync(videoIds, t), cancellationToken);

    /// <inheritdoc />
    public Task<UpsertOutcome> UpsertUserAsync(UserProfile profile, CancellationToken cancellationToken) => inner.UpsertUserAsync(profile, cancellationToken);

    /// <inheritdoc />
    public Task<UserProfile?> GetUserAsync(string userId, CancellationToken cancellationToken) =>
        Read(t => inner.GetUserAsync(userId, t), cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeleteUserAsync(string userId, DateTimeOffset deletedAt, CancellationToken cancellationToken) =>
        inner.DeleteUserAsync(userId, deletedAt, cancellationToken);

    private Task<T> Read<T>(Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken) =>
        pipeline.ExecuteAsync(async token => await read(token).ConfigureAwait(false), cancellationToken).AsTask();
}
