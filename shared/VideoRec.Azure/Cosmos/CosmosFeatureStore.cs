using Azure.Core;
using Microsoft.Azure.Cosmos;
using VideoRec.Core.Domain;
using VideoRec.Core.Ingestion;

namespace VideoRec.Azure.Cosmos;

/// <summary>
/// The feature store on Azure Cosmos DB (NoSQL API), with the semantics of the SQLite store: an event id is applied at
/// most once, and redelivery, duplicates and out-of-order arrival leave the store as one in-order delivery would.
/// <para>
/// Containers (see <see cref="EnsureCreatedAsync"/>): <c>userState</c> (partition <c>/userId</c>: raw interactions
/// <c>event:{eventId}</c> with a time to live, or what a deletion left of them, <c>aggregates</c>, <c>vector</c>,
/// <c>profile</c>), <c>videoState</c> (partition <c>/videoId</c>: <c>statistics</c> and per-event markers
/// <c>event:{eventId}</c> with a time to live), <c>catalogue</c> (partition <c>/videoId</c>) and <c>deletions</c>
/// (partition <c>/userId</c>).
/// </para>
/// <para>
/// An apply runs, per user, transactional batches in the user's partition that create each new raw interaction
/// (409 means the event was applied before: a duplicate) and replace the aggregates if their etag still matches (412
/// means another writer was first: re-read and retry); with a refresher in the rules, the aggregates of a user whose
/// new events change feedback are marked <c>vectorPending</c> in the same batch. Then, per video, batches in the
/// video's partition that create the marker of each event and replace the statistics the same way; every event not
/// refused for a deletion goes there, applied or duplicate, so an event whose user side landed before a crash is
/// counted exactly once on redelivery. An apply computes no vector.
/// </para>
/// <para>
/// <see cref="RefreshVectorsAsync"/> finds marked users with a cross-partition query, and for each reads the
/// aggregates (with their etag), then the whole history, asks the refresher, and in one batch writes (or deletes) the
/// vector and clears the mark if the aggregates' etag is unchanged. Otherwise an apply, another refresh or a deletion
/// got in between: nothing is written, and it reads again. The mark survives any crash before that batch, so the next
/// refresh catches up, and one refresh covers a user's events from every apply since the last.
/// </para>
/// </summary>
public sealed class CosmosFeatureStore : IFeatureStore
{
    private readonly ICosmosGateway _gateway;
    private readonly CosmosFeatureStoreOptions _options;

    /// <summary>A store in <paramref name="client"/>'s account (see <see cref="CreateClient(string)"/>).</summary>
    /// <param name="client">The Cosmos DB client; the store reads and writes its own JSON, whatever the client's serializer.</param>
    /// <param name="options">Database, containers, time to live and retries; <c>null</c> for the defaults.</param>
    public CosmosFeatureStore(CosmosClient client, CosmosFeatureStoreOptions? options = null)
        : this(new CosmosSdkGateway(client ?? throw new ArgumentNullException(nameof(client)), options ?? new CosmosFeatureStoreOptions()), options)
    {
    }

    internal CosmosFeatureStore(ICosmosGateway gateway, CosmosFeatureStoreOptions? options)
    {
        _gateway = gateway;
        _options = options ?? new CosmosFeatureStoreOptions();
    }

    /// <summary>A client for a connection string (account key), with System.Text.Json camelCase as its serializer.</summary>
    public static CosmosClient CreateClient(string connectionString) => new(connectionString, ClientOptions());

    /// <summary>A client for an account endpoint with a credential (managed identity through <c>DefaultAzureCredential</c>).</summary>
    /// <param name="endpoint">The account endpoint, such as <c>https://account.documents.azure.com:443/</c>.</param>
    /// <param name="credential">The identity.</param>
    public static CosmosClient CreateClient(Uri endpoint, TokenCredential credential) =>
        new((endpoint ?? throw new ArgumentNullException(nameof(endpoint))).ToString(), credential, ClientOptions());

    private static CosmosClientOptions ClientOptions() => new()
    {
        UseSystemTextJsonSerializerWithOptions = CosmosDocuments.Json,
        ApplicationName = "VideoRec",
        // The SDK retries throttling (429) itself, honouring the service's retry-after; our policy covers the rest.
        MaxRetryAttemptsOnRateLimitedRequests = 9,
        MaxRetryWaitTimeOnRateLimitedRequests = TimeSpan.FromSeconds(30),
    };

    /// <summary>Creates the database and the containers, with their partition keys, time to live and indexing policies, when missing.</summary>
    public Task EnsureCreatedAsync(CancellationToken cancellationToken) => _gateway.EnsureCreatedAsync(CosmosDocuments.Containers(_options), cancellationToken);

    /// <inheritdoc />
    public async Task<ApplyResult> ApplyAsync(IReadOnlyList<IngestEvent> events, IngestionRules rules, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(rules);
        var outcomes = new EventOutcome[events.Count];
        var firstIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var repeats = new List<(int Index, int First)>();
        for (var i = 0; i < events.Count; i++)
        {
            if (!firstIndex.TryAdd(events[i].EventId, i))
            {
                repeats.Add((i, firstIndex[events[i].EventId]));
            }
        }

        var unique = firstIndex.Values.Order().ToList();
        foreach (var user in unique.GroupBy(i => events[i].UserId, StringComparer.Ordinal))
        {
            await ApplyUserAsync(user.Key, user.ToList(), events, outcomes, rules, cancellationToken);
        }

        foreach (var (index, first) in repeats)
        {
            outcomes[index] = outcomes[first] == EventOutcome.UserDeleted ? EventOutcome.UserDeleted : EventOutcome.Duplicate;
        }

        var counted = unique.Where(i => events[i].VideoId is not null && outcomes[i] != EventOutcome.UserDeleted).ToList();
        var durations = await DurationsAsync(counted.Where(i => events[i].Type == InteractionType.Watch).Select(i => events[i].VideoId!), cancellationToken);
        foreach (var video in counted.GroupBy(i => events[i].VideoId!, StringComparer.Ordinal))
        {
            await ApplyVideoAsync(video.Key, video.Select(i => (events[i], MaybeCounted: outcomes[i] == EventOutcome.Duplicate)).ToList(), durations, rules.Options, cancellationToken);
        }

        return new ApplyResult(outcomes);
    }

    /// <summary>Applies one user's events (and marks the user for a vector refresh when they change feedback and the rules have a refresher).</summary>
    private async Task ApplyUserAsync(string userId, List<int> indices, IReadOnlyList<IngestEvent> events, EventOutcome[] outcomes, IngestionRules rules,
        CancellationToken cancellationToken)
    {
        var pending = indices;
        var checkExisting = true;
        var conflicts = 0;
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var stored = await _gateway.ReadAsync<UserAggregatesDocument>(_options.UserStateContainer, userId, CosmosDocuments.AggregatesId, cancellationToken);
            if (stored?.Document.DeletedAt is { } deletedAt)
            {
                pending = Settle(pending, i => events[i].Timestamp <= deletedAt, outcomes, EventOutcome.UserDeleted);
            }

            if (checkExisting && stored is not null && pending.Count > 0)
            {
                // Without an aggregates document the user has no interactions (they are written together, and a deletion
                // leaves the aggregates as a tombstone beside what it erased), so only then ask; once asked, a later
                // collision shows as a 409 in the batch.
                checkExisting = false;
                var existing = await ExistingAsync(_options.UserStateContainer, "userId", userId, pending.Select(i => CosmosDocuments.InteractionId(events[i].EventId)).ToList(), cancellationToken);
                pending = Settle(pending, i => existing.Contains(CosmosDocuments.InteractionId(events[i].EventId)), outcomes, EventOutcome.Duplicate);
            }

            if (pending.Count == 0)
            {
                break;
            }

            var chunk = pending.Take(CosmosDocuments.MaxEventsPerBatch).ToList();
            var batch = CosmosDocuments.UserBatch(_options, userId, stored?.Document, stored?.ETag, chunk.Select(i => events[i]).ToList(), rules.Options, rules.Vectors is not null);
            var result = await _gateway.ExecuteAsync(batch, cancellationToken);
            if (result.Succeeded)
            {
                pending = Settle(pending, chunk.Contains, outcomes, EventOutcome.Applied);
                conflicts = 0;
            }
            else if (result.FailedIndex < batch.StateIndex && result.FailedStatus == 409)
            {
                // Applied by someone else between our check and our batch.
                var duplicate = chunk[result.FailedIndex];
                pending = Settle(pending, i => i == duplicate, outcomes, EventOutcome.Duplicate);
            }
            else
            {
                Conflict(result, batch, $"user '{userId}'", ref conflicts);
            }
        }
    }

    private async Task ApplyVideoAsync(string videoId, List<(IngestEvent Event, bool MaybeCounted)> items, IReadOnlyDictionary<string, double> durations,
        IngestionOptions options, CancellationToken cancellationToken)
    {
        var pending = items;
        var checkMarkers = true;
        var conflicts = 0;
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var stored = await _gateway.ReadAsync<VideoStatisticsDocument>(_options.VideoStateContainer, videoId, CosmosDocuments.StatisticsId, cancellationToken);
            if (checkMarkers && stored is not null && pending.Any(p => p.MaybeCounted))
            {
                // Markers and statistics are written together, so without statistics there is no marker to look for.
                var existing = await ExistingAsync(_options.VideoStateContainer, "videoId", videoId,
                    pending.Where(p => p.MaybeCounted).Select(p => CosmosDocuments.MarkerId(p.Event.EventId)).ToList(), cancellationToken);
                pending = pending.Where(p => !existing.Contains(CosmosDocuments.MarkerId(p.Event.EventId))).ToList();
                checkMarkers = false;
                if (pending.Count == 0)
                {
                    return;
                }
            }

            var chunk = pending.Take(CosmosDocuments.MaxEventsPerBatch).ToList();
            var batch = CosmosDocuments.VideoBatch(_options, videoId, stored?.Document, stored?.ETag, chunk.Select(p => p.Event).ToList(), durations, options);
            var result = await _gateway.ExecuteAsync(batch, cancellationToken);
            if (result.Succeeded)
            {
                pending = pending.Skip(chunk.Count).ToList();
                conflicts = 0;
            }
            else if (result.FailedIndex < batch.StateIndex && result.FailedStatus == 409)
            {
                pending.RemoveAt(result.FailedIndex); // counted by someone else meanwhile
            }
            else
            {
                Conflict(result, batch, $"video '{videoId}'", ref conflicts);
            }
        }
    }

    /// <summary>Handles a failed batch whose state document lost an optimistic-concurrency race; anything else is an error.</summary>
    private void Conflict(CosmosBatchResult result, CosmosBatch batch, string what, ref int conflicts)
    {
        // 412: replaced meanwhile; 409: created meanwhile; 404: deleted meanwhile (a user deletion).
        if (result.FailedIndex != batch.StateIndex || result.FailedStatus is not (409 or 412 or 404))
        {
            throw new InvalidOperationException(
                $"Cosmos DB refused the batch for {what}: operation {result.FailedIndex} ({batch.Operations[result.FailedIndex].Id}) failed with HTTP {result.FailedStatus}.");
        }

        if (++conflicts > _options.MaxConflictRetries)
        {
            throw new StoreUnavailableException($"Cosmos DB: the state of {what} kept changing under {conflicts} attempts (contention).");
        }
    }

    /// <summary>Sets the outcome of the pending events matching <paramref name="match"/> and returns the others.</summary>
    private static List<int> Settle(List<int> pending, Func<int, bool> match, EventOutcome[] outcomes, EventOutcome outcome)
    {
        var rest = new List<int>(pending.Count);
        foreach (var i in pending)
        {
            if (match(i))
            {
                outcomes[i] = outcome;
            }
            else
            {
                rest.Add(i);
            }
        }

        return rest;
    }

    private async Task<HashSet<string>> ExistingAsync(string container, string keyField, string key, List<string> ids, CancellationToken cancellationToken)
    {
        var existing = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in ids.Chunk(256))
        {
            existing.UnionWith(await _gateway.QueryAsync<string>(container, key, CosmosQueries.ExistingIds(keyField, key, chunk), cancellationToken));
        }

        return existing;
    }

    /// <inheritdoc />
    /// <remarks>
    /// The marked users come from a cross-partition query of <c>userState</c> (aggregates with <c>vectorPending</c>,
    /// by user id, <c>TOP</c> <paramref name="maxUsers"/>). A user whose mark is gone when read (another worker refreshed
    /// them, or they deleted their data) is skipped and not counted.
    /// </remarks>
    public async Task<int> RefreshVectorsAsync(IUserVectorRefresher refresher, int maxUsers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(refresher);
        ArgumentOutOfRangeException.ThrowIfNegative(maxUsers);
        cancellationToken.ThrowIfCancellationRequested();
        if (maxUsers == 0)
        {
            return 0;
        }

        var users = await _gateway.QueryAcrossPartitionsAsync<PendingVectorRow>(_options.UserStateContainer, CosmosQueries.PendingVectorUsers(maxUsers), cancellationToken);
        var refreshed = 0;
        foreach (var user in users.Select(u => u.UserId).Distinct(StringComparer.Ordinal).Take(maxUsers))
        {
            if (await RefreshVectorAsync(user, refresher, cancellationToken))
            {
                refreshed++;
            }
        }

        return refreshed;
    }

    /// <summary>Refreshes one marked user's vector; <c>false</c> when the mark was gone.</summary>
    private async Task<bool> RefreshVectorAsync(string userId, IUserVectorRefresher refresher, CancellationToken cancellationToken)
    {
        var conflicts = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // The aggregates before the history: every apply batch replaces them, so if their etag is unchanged when the
            // refresh batch commits, the history read covers every event the mark stood for.
            var state = await _gateway.ReadAsync<UserAggregatesDocument>(_options.UserStateContainer, userId, CosmosDocuments.AggregatesId, cancellationToken);
            if (state?.Document.VectorPending != true)
            {
                return false;
            }

            var stored = await _gateway.ReadAsync<UserVectorDocument>(_options.UserStateContainer, userId, CosmosDocuments.VectorId, cancellationToken);
            var history = await GetUserEventsAsync(userId, cancellationToken);
            var vector = history.Count == 0
                ? null
                : refresher.Refresh(userId, history, await DurationsAsync(history.Where(e => e.VideoId is not null).Select(e => e.VideoId!), cancellationToken));
            var batch = CosmosDocuments.VectorRefreshBatch(_options, state.Document, state.ETag, stored, vector);
            var result = await _gateway.ExecuteAsync(batch, cancellationToken);
            if (result.Succeeded)
            {
                return true;
            }

            // 412 or 404 on the vector or the aggregates: an apply (a newer mark), another refresh or a deletion got in
            // between. Nothing was written and the mark is as that writer left it: read again.
            if (result.FailedStatus is not (412 or 404))
            {
                throw new InvalidOperationException(
                    $"Cosmos DB refused the vector refresh of user '{userId}': operation {result.FailedIndex} ({batch.Operations[result.FailedIndex].Id}) failed with HTTP {result.FailedStatus}.");
            }

            if (++conflicts > _options.MaxConflictRetries)
            {
                throw new StoreUnavailableException($"Cosmos DB: the state of user '{userId}' kept changing under {conflicts} vector refreshes (contention).");
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>The vector and aggregates (for the deletion time) are point reads and the consumed videos one query in the user's partition, run together.</remarks>
    public async Task<UserServingState> GetServingStateAsync(string userId, CancellationToken cancellationToken)
    {
        var vector = GetUserVectorAsync(userId, cancellationToken);
        var state = _gateway.ReadAsync<UserAggregatesDocument>(_options.UserStateContainer, userId, CosmosDocuments.AggregatesId, cancellationToken);
        var consumed = _gateway.QueryAsync<string>(_options.UserStateContainer, userId, CosmosQueries.ConsumedVideoIds(userId), cancellationToken);
        await Task.WhenAll(vector, state, consumed);
        var aggregates = (await state)?.Document;
        return new UserServingState(await vector, (await consumed).Distinct(StringComparer.Ordinal).ToList(), aggregates?.DeletedAt, aggregates?.VectorPending == true);
    }

    private async Task<IReadOnlyDictionary<string, double>> DurationsAsync(IEnumerable<string> videoIds, CancellationToken cancellationToken)
    {
        var items = videoIds.Distinct(StringComparer.Ordinal).Select(id => (CosmosDocuments.CatalogueId(id), id)).ToList();
        var durations = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var document in await _gateway.ReadManyAsync<CatalogueDocument>(_options.CatalogueContainer, items, cancellationToken))
        {
            if (document.Video.DurationSeconds is { } duration)
            {
                durations[document.VideoId] = duration;
            }
        }

        return durations;
    }

    /// <inheritdoc />
    public async Task<UserAggregates?> GetUserAggregatesAsync(string userId, CancellationToken cancellationToken) =>
        (await _gateway.ReadAsync<UserAggregatesDocument>(_options.UserStateContainer, userId, CosmosDocuments.AggregatesId, cancellationToken))?.Document.Aggregates;

    /// <inheritdoc />
    public async Task<IReadOnlyList<IngestEvent>> GetUserEventsAsync(string userId, CancellationToken cancellationToken) =>
        (await _gateway.QueryAsync<InteractionDocument>(_options.UserStateContainer, userId, CosmosQueries.UserInteractions(userId), cancellationToken))
            .Select(CosmosDocuments.ToEvent)
            .ToList();

    /// <inheritdoc />
    public async Task<UserVector?> GetUserVectorAsync(string userId, CancellationToken cancellationToken) =>
        (await _gateway.ReadAsync<UserVectorDocument>(_options.UserStateContainer, userId, CosmosDocuments.VectorId, cancellationToken))?.Document is { } d
            ? new UserVector(d.ModelVersion, d.Vector, d.AsOf)
            : null;

    /// <inheritdoc />
    public async Task<VideoStatistics?> GetVideoStatisticsAsync(string videoId, CancellationToken cancellationToken) =>
        (await _gateway.ReadAsync<VideoStatisticsDocument>(_options.VideoStateContainer, videoId, CosmosDocuments.StatisticsId, cancellationToken))?.Document.Statistics;

    /// <inheritdoc />
    public async Task<UpsertOutcome> UpsertVideoAsync(Video video, CancellationToken cancellationToken) =>
        await _gateway.UpsertAsync(_options.CatalogueContainer, video.Id, CosmosDocuments.CatalogueDocument(video), cancellationToken) ? UpsertOutcome.Created : UpsertOutcome.Updated;

    /// <inheritdoc />
    public async Task<Video?> GetVideoAsync(string videoId, CancellationToken cancellationToken) =>
        (await _gateway.ReadAsync<CatalogueDocument>(_options.CatalogueContainer, videoId, CosmosDocuments.CatalogueId(videoId), cancellationToken))?.Document.Video;

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, double>> GetVideoDurationsAsync(IReadOnlyCollection<string> videoIds, CancellationToken cancellationToken) =>
        DurationsAsync(videoIds, cancellationToken);

    /// <inheritdoc />
    public async Task<UpsertOutcome> UpsertUserAsync(UserProfile profile, CancellationToken cancellationToken) =>
        await _gateway.UpsertAsync(_options.UserStateContainer, profile.Id, CosmosDocuments.ProfileDocument(profile), cancellationToken) ? UpsertOutcome.Created : UpsertOutcome.Updated;

    /// <inheritdoc />
    public async Task<UserProfile?> GetUserAsync(string userId, CancellationToken cancellationToken) =>
        (await _gateway.ReadAsync<UserProfileDocument>(_options.UserStateContainer, userId, CosmosDocuments.ProfileId, cancellationToken))?.Document.Profile;

    /// <inheritdoc />
    /// <remarks>
    /// First the aggregates become a tombstone holding the deletion time and no refresh mark (with the etag, so a batch
    /// or a vector refresh racing the deletion fails and re-reads it), then the deletion is recorded in
    /// <c>deletions</c>, then each raw interaction of the user's partition is replaced by what
    /// <see cref="CosmosDocuments.Erased"/> leaves of it (its id, so a redelivered event stays a duplicate) and every
    /// other document is deleted. Each step can be repeated, so a deletion that failed half-way is completed by calling
    /// it again.
    /// </remarks>
    public async Task<bool> DeleteUserAsync(string userId, DateTimeOffset deletedAt, CancellationToken cancellationToken)
    {
        var existed = false;
        var conflicts = 0;
        DateTimeOffset recorded;
        while (true)
        {
            var stored = await _gateway.ReadAsync<UserAggregatesDocument>(_options.UserStateContainer, userId, CosmosDocuments.AggregatesId, cancellationToken);
            existed = stored?.Document.Aggregates is not null;
            var batch = CosmosDocuments.TombstoneBatch(_options, userId, stored?.Document, stored?.ETag, deletedAt);
            var result = await _gateway.ExecuteAsync(batch, cancellationToken);
            if (result.Succeeded)
            {
                recorded = ((UserAggregatesDocument)batch.Operations[0].Document).DeletedAt!.Value;
                break;
            }

            Conflict(result, batch, $"user '{userId}'", ref conflicts);
        }

        await _gateway.UpsertAsync(_options.DeletionsContainer, userId, CosmosDocuments.Deletion(userId, recorded), cancellationToken);
        foreach (var document in await _gateway.QueryAsync<UserDocumentRow>(_options.UserStateContainer, userId, CosmosQueries.UserDocuments(userId), cancellationToken))
        {
            switch (document.Kind)
            {
                case CosmosDocuments.AggregatesKind or CosmosDocuments.ErasedKind:
                    break;
                case CosmosDocuments.InteractionKind:
                    await _gateway.UpsertAsync(_options.UserStateContainer, userId, CosmosDocuments.Erased(userId, document.Id, document.Ttl), cancellationToken);
                    existed = true;
                    break;
                default:
                    existed |= await _gateway.DeleteAsync(_options.UserStateContainer, userId, document.Id, cancellationToken);
                    break;
            }
        }

        return existed;
    }
}
