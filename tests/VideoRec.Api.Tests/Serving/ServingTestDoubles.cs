using VideoRec.Core.CandidateGeneration.Index;
using VideoRec.Core.Domain;
using VideoRec.Core.Ingestion;
using VideoRec.Core.Serving.Recommend;

namespace VideoRec.Api.Tests.Serving;

/// <summary>A feature store whose serving reads fail or hang on demand (writes and other reads go to the real store).</summary>
public sealed class SickStore(IFeatureStore inner) : IFeatureStore
{
    /// <summary>Serving reads throw <see cref="StoreUnavailableException"/>.</summary>
    public bool Failing { get; set; }

    /// <summary>Serving reads wait this long (honouring cancellation) before answering.</summary>
    public TimeSpan Delay { get; set; }

    private async Task<T> Read<T>(Func<Task<T>> read, CancellationToken cancellationToken)
    {
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, cancellationToken);
        }

        return Failing ? throw new StoreUnavailableException("the feature store is down") : await read();
    }

    public Task<ApplyResult> ApplyAsync(IReadOnlyList<IngestEvent> events, IngestionRules rules, CancellationToken cancellationToken) => inner.ApplyAsync(events, rules, cancellationToken);
    public Task<int> RefreshVectorsAsync(IUserVectorRefresher refresher, int maxUsers, CancellationToken cancellationToken) => inner.RefreshVectorsAsync(refresher, maxUsers, cancellationToken);
    public Task<UserServingState> GetServingStateAsync(string userId, CancellationToken cancellationToken) => Read(() => inner.GetServingStateAsync(userId, cancellationToken), cancellationToken);
    public Task<UserAggregates?> GetUserAggregatesAsync(string userId, CancellationToken cancellationToken) => Read(() => inner.GetUserAggregatesAsync(userId, cancellationToken), cancellationToken);
    public Task<IReadOnlyList<IngestEvent>> GetUserEventsAsync(string userId, CancellationToken cancellationToken) => inner.GetUserEventsAsync(userId, cancellationToken);
    public Task<UserVector?> GetUserVectorAsync(string userId, CancellationToken cancellationToken) => inner.GetUserVectorAsync(userId, cancellationToken);
    public Task<VideoStatistics?> GetVideoStatisticsAsync(string videoId, CancellationToken cancellationToken) => inner.GetVideoStatisticsAsync(videoId, cancellationToken);
    public Task<UpsertOutcome> UpsertVideoAsync(Video video, CancellationToken cancellationToken) => inner.UpsertVideoAsync(video, cancellationToken);
    public Task<Video?> GetVideoAsync(string videoId, CancellationToken cancellationToken) => inner.GetVideoAsync(videoId, cancellationToken);
    public Task<IReadOnlyDictionary<string, double>> GetVideoDurationsAsync(IReadOnlyCollection<string> videoIds, CancellationToken cancellationToken) => inner.GetVideoDurationsAsync(videoIds, cancellationToken);
    public Task<UpsertOutcome> UpsertUserAsync(UserProfile profile, CancellationToken cancellationToken) => inner.UpsertUserAsync(profile, cancellationToken);
    public Task<UserProfile?> GetUserAsync(string userId, CancellationToken cancellationToken) => Read(() => inner.GetUserAsync(userId, cancellationToken), cancellationToken);
    public Task<bool> DeleteUserAsync(string userId, DateTimeOffset deletedAt, CancellationToken cancellationToken) => inner.DeleteUserAsync(userId, deletedAt, cancellationToken);
}

/// <summary>An index provider whose indexes for the named spaces throw on search (or whose build throws for a version).</summary>
public sealed class SickIndexes(IServingIndexProvider inner, params string[] failingSpaces) : IServingIndexProvider
{
    /// <summary>Building any index of this model version throws <see cref="InvalidDataException"/>.</summary>
    public string? BrokenVersion { get; set; }

    /// <summary>Indexes created, by space (in order).</summary>
    public List<string> Created { get; } = [];

    public IVideoVectorIndex Create(ServingIndexSpec spec)
    {
        if (spec.ModelVersion == BrokenVersion)
        {
            throw new InvalidDataException($"index of {spec.ModelVersion} is damaged");
        }

        Created.Add(spec.Space);
        var index = inner.Create(spec);
        return failingSpaces.Contains(spec.Space) ? new Throwing(index) : index;
    }

    private sealed class Throwing(IVideoVectorIndex inner) : DelegatingVectorIndex(inner)
    {
        public override ValueTask<IReadOnlyList<VectorMatch>> SearchAsync(ReadOnlyMemory<float> query, int k, VectorSearchFilter? filter = null, CancellationToken cancellationToken = default) =>
            throw new IOException("index shard unreachable");
    }
}
