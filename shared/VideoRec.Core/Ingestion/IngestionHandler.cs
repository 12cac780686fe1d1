using VideoRec.Core.Domain;
using VideoRec.Core.Embeddings;
using VideoRec.Core.Serving;

namespace VideoRec.Core.Ingestion;

/// <summary>
/// The ingestion and catalogue handlers shared by the Azure Functions and the local host (ARCHITECTURE, "Ingest"):
/// validate events and enqueue the good ones durably before answering; upsert videos and profiles; read aggregates
/// and statistics; delete a user's data.
/// </summary>
/// <param name="store">The feature store.</param>
/// <param name="queue">The durable event queue.</param>
/// <param name="options">Contract limits.</param>
/// <param name="time">The clock (timestamps in the future, trending).</param>
/// <param name="refresher">Computes a user's vector when events changed it since it was stored; <c>null</c> shows the stored one.</param>
/// <param name="embeddings">
/// Text-embedding triggers: an upserted video is queued for a title and tag embedding refresh before the upsert is
/// acknowledged, and a deleted user's search-history embedding is removed; <c>null</c> when embeddings are not kept.
/// </param>
public sealed class IngestionHandler(IFeatureStore store, IEventQueue queue, IngestionOptions options, TimeProvider time, IUserVectorRefresher? refresher = null, EmbeddingTriggers? embeddings = null)
{
    /// <summary>
    /// Validates a <c>POST /api/events</c> body and queues the accepted events as one batch. The result is a
    /// request-level failure (malformed body, too large, too many events), or the accepted and refused events.
    /// </summary>
    public async Task<(RequestFailure? Failure, IngestResponse? Response)> AcceptEventsAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var parsed = EventBatchParser.Parse(body.Span, now, options);
        if (parsed.Failure is { } failure)
        {
            return (failure, null);
        }

        var watched = parsed.WatchedVideoIds;
        if (watched.Count > 0)
        {
            parsed.CheckWatchDurations(await store.GetVideoDurationsAsync(watched, cancellationToken), options);
        }

        string? batchId = null;
        if (parsed.Accepted.Count > 0)
        {
            batchId = Guid.NewGuid().ToString("N");
            await queue.EnqueueAsync(new EventBatch(batchId, now, parsed.Accepted.Select(a => a.Event).ToArray()), cancellationToken);
        }

        var accepted = parsed.Accepted.Select(a => new AcceptedEventRef(a.Index, a.Event.EventId)).ToArray();
        return (null, new IngestResponse(batchId, accepted, parsed.Rejected));
    }

    /// <summary><c>PUT /api/videos/{id}</c>: creates or replaces a catalogue entry.</summary>
    public async Task<Outcome<UpsertResponse<Video>>> UpsertVideoAsync(string? videoId, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var parsed = CatalogueParser.ParseVideo(videoId, body.Span);
        if (!parsed.IsSuccess)
        {
            return Outcome<UpsertResponse<Video>>.Invalid(parsed.Errors!);
        }

        var outcome = await store.UpsertVideoAsync(parsed.Value!, cancellationToken);
        if (embeddings is not null)
        {
            // Queued after the upsert and before the answer: a failure here fails the request, and the client's retry
            // (an idempotent upsert) queues it again. The refresh skips the model when the text did not change.
            await embeddings.Queue.EnqueueAsync(EmbeddingRefreshRequest.ForVideos(parsed.Value!.Id), cancellationToken);
        }

        return Outcome<UpsertResponse<Video>>.Ok(new UpsertResponse<Video>(outcome == UpsertOutcome.Created, parsed.Value!));
    }

    /// <summary><c>PUT /api/users/{id}</c>: creates or replaces a user profile.</summary>
    public async Task<Outcome<UpsertResponse<UserProfile>>> UpsertUserAsync(string? userId, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var parsed = CatalogueParser.ParseUser(userId, body.Span);
        if (!parsed.IsSuccess)
        {
            return Outcome<UpsertResponse<UserProfile>>.Invalid(parsed.Errors!);
        }

        var outcome = await store.UpsertUserAsync(parsed.Value!, cancellationToken);
        return Outcome<UpsertResponse<UserProfile>>.Ok(new UpsertResponse<UserProfile>(outcome == UpsertOutcome.Created, parsed.Value!));
    }

    /// <summary><c>GET /api/users/{id}/aggregates</c>: what was applied for the user; not found when nothing was.</summary>
    public async Task<Outcome<UserAggregatesResponse>> GetAggregatesAsync(string? userId, CancellationToken cancellationToken)
    {
        var problem = EntityIds.Check(userId);
        if (problem != IdProblem.None)
        {
            return Outcome<UserAggregatesResponse>.Invalid("userId", EntityIds.Describe(problem, "userId"));
        }

        var aggregates = await store.GetUserAggregatesAsync(userId!, cancellationToken);
        if (aggregates is null)
        {
            return Outcome<UserAggregatesResponse>.Missing($"No event of user '{userId}' has been applied.");
        }

        var state = await store.GetServingStateAsync(userId!, cancellationToken);
        var vector = await UserVectors.CurrentAsync(store, refresher, userId!, state.Vector, state.VectorStale, cancellationToken);
        var searchEmbedding = embeddings is null ? null : await embeddings.Store.GetUserSearchEmbeddingAsync(userId!, cancellationToken);
        return Outcome<UserAggregatesResponse>.Ok(UserAggregatesResponse.From(aggregates, vector, searchEmbedding));
    }

    /// <summary><c>GET /api/videos/{id}/statistics</c>: the video's running statistics; not found when no event about it was applied.</summary>
    public async Task<Outcome<VideoStatisticsResponse>> GetVideoStatisticsAsync(string? videoId, CancellationToken cancellationToken)
    {
        var problem = EntityIds.Check(videoId);
        if (problem != IdProblem.None)
        {
            return Outcome<VideoStatisticsResponse>.Invalid("videoId", EntityIds.Describe(problem, "videoId"));
        }

        var statistics = await store.GetVideoStatisticsAsync(videoId!, cancellationToken);
        return statistics is null
            ? Outcome<VideoStatisticsResponse>.Missing($"No event about video '{videoId}' has been applied.")
            : Outcome<VideoStatisticsResponse>.Ok(VideoStatisticsResponse.From(statistics, time.GetUtcNow(), options));
    }

    /// <summary><c>DELETE /api/users/{id}</c>: removes the user's interactions, aggregates, vector and profile.</summary>
    /// <returns><c>true</c> when something was deleted; not found when the user had nothing stored.</returns>
    public async Task<Outcome<bool>> DeleteUserAsync(string? userId, CancellationToken cancellationToken)
    {
        var problem = EntityIds.Check(userId);
        if (problem != IdProblem.None)
        {
            return Outcome<bool>.Invalid("userId", EntityIds.Describe(problem, "userId"));
        }

        var deleted = await store.DeleteUserAsync(userId!, time.GetUtcNow(), cancellationToken);
        if (embeddings is not null)
        {
            deleted |= await embeddings.Store.DeleteUserSearchEmbeddingAsync(userId!, cancellationToken);
        }

        return deleted
            ? Outcome<bool>.Ok(true)
            : Outcome<bool>.Missing($"User '{userId}' has no stored data.");
    }
}
