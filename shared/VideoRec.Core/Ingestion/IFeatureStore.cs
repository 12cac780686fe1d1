using VideoRec.Core.Domain;

namespace VideoRec.Core.Ingestion;

/// <summary>A user's WALS vector as fold-in last computed it.</summary>
/// <param name="ModelVersion">The model bundle whose video factors it was solved against.</param>
/// <param name="Vector">The factors, <c>[k]</c>.</param>
/// <param name="AsOf">Time of the latest event it reflects.</param>
public sealed record UserVector(string ModelVersion, float[] Vector, DateTimeOffset AsOf);

/// <summary>What serving reads about one user.</summary>
/// <param name="Vector">The stored fold-in vector, or <c>null</c>.</param>
/// <param name="ConsumedVideoIds">Videos the user clicked, watched, liked, disliked, shared or commented on (not merely saw).</param>
/// <param name="DeletedAt">When the user last deleted their data, or <c>null</c>: serving must not use what a model learned from them before.</param>
/// <param name="VectorStale">
/// Whether events that change the vector arrived since it was stored (the user waits for a refresh): serving then
/// computes the vector from the history itself, so the very next request reflects what the user just did.
/// </param>
public sealed record UserServingState(UserVector? Vector, IReadOnlyCollection<string> ConsumedVideoIds, DateTimeOffset? DeletedAt, bool VectorStale = false);

/// <summary>What happened to each event of an <see cref="IFeatureStore.ApplyAsync"/> call.</summary>
public enum EventOutcome
{
    /// <summary>Stored and folded into the aggregates.</summary>
    Applied,

    /// <summary>Its event id was applied before: nothing changed (redelivery or a client retry).</summary>
    Duplicate,

    /// <summary>Its user deleted their data after the event happened: not stored.</summary>
    UserDeleted,
}

/// <summary>The outcomes of one apply, aligned with its input.</summary>
/// <param name="Outcomes">One per event, in input order.</param>
public sealed record ApplyResult(IReadOnlyList<EventOutcome> Outcomes)
{
    /// <summary>Events newly applied.</summary>
    public int Applied => Outcomes.Count(o => o == EventOutcome.Applied);

    /// <summary>Events already applied before.</summary>
    public int Duplicates => Outcomes.Count(o => o == EventOutcome.Duplicate);
}

/// <summary>Whether an upsert created a new record or replaced one.</summary>
public enum UpsertOutcome
{
    /// <summary>No record had that id.</summary>
    Created,

    /// <summary>The record was replaced.</summary>
    Updated,
}

/// <summary>
/// The feature store behind ingestion and serving: raw interactions (idempotent by event id), user aggregates, video
/// statistics, user vectors, the catalogue and user profiles. Implementations: SQLite (embedded default) and Cosmos DB.
/// One contract test suite runs against every implementation.
/// </summary>
public interface IFeatureStore
{
    /// <summary>
    /// Stores <paramref name="events"/> and folds the new ones into the user aggregates and video statistics, and
    /// marks users whose new events change feedback as waiting for a vector refresh (when <see cref="IngestionRules.Vectors"/>
    /// is set). An event whose id was applied before changes nothing, so redelivery, duplicates and out-of-order
    /// arrival leave the store exactly as one in-order delivery would. Events of a user who deleted their data after
    /// the event's time are not stored.
    /// </summary>
    /// <param name="events">Validated events, any order.</param>
    /// <param name="rules">Aggregation limits; a non-null refresher turns on the vector-refresh marks.</param>
    /// <param name="cancellationToken">Cancels before commit.</param>
    Task<ApplyResult> ApplyAsync(IReadOnlyList<IngestEvent> events, IngestionRules rules, CancellationToken cancellationToken);

    /// <summary>
    /// Recomputes the vectors of up to <paramref name="maxUsers"/> users waiting for a refresh, each from their whole
    /// history, and clears their marks (a mark set by a newer apply meanwhile stays). Refreshing after a batch rather than
    /// inside it lets one refresh cover a user's events from many batches; a crash before it leaves the marks, so the
    /// next refresh catches up and the result is the same as without the crash.
    /// </summary>
    /// <returns>The number of users refreshed (0 when none was waiting).</returns>
    Task<int> RefreshVectorsAsync(IUserVectorRefresher refresher, int maxUsers, CancellationToken cancellationToken);

    /// <summary>What serving needs about a user in one read: the vector, the videos consumed, and a deletion time.</summary>
    Task<UserServingState> GetServingStateAsync(string userId, CancellationToken cancellationToken);

    /// <summary>The user's aggregates, or <c>null</c> when no event of theirs was applied.</summary>
    Task<UserAggregates?> GetUserAggregatesAsync(string userId, CancellationToken cancellationToken);

    /// <summary>The user's stored events, ordered by (timestamp, event id).</summary>
    Task<IReadOnlyList<IngestEvent>> GetUserEventsAsync(string userId, CancellationToken cancellationToken);

    /// <summary>The user's vector, or <c>null</c> when none was computed.</summary>
    Task<UserVector?> GetUserVectorAsync(string userId, CancellationToken cancellationToken);

    /// <summary>The video's statistics, or <c>null</c> when no event about it was applied.</summary>
    Task<VideoStatistics?> GetVideoStatisticsAsync(string videoId, CancellationToken cancellationToken);

    /// <summary>Creates or replaces a catalogue entry.</summary>
    Task<UpsertOutcome> UpsertVideoAsync(Video video, CancellationToken cancellationToken);

    /// <summary>A catalogue entry, or <c>null</c>.</summary>
    Task<Video?> GetVideoAsync(string videoId, CancellationToken cancellationToken);

    /// <summary>Durations in seconds of the listed videos whose duration is known.</summary>
    Task<IReadOnlyDictionary<string, double>> GetVideoDurationsAsync(IReadOnlyCollection<string> videoIds, CancellationToken cancellationToken);

    /// <summary>Creates or replaces a user profile.</summary>
    Task<UpsertOutcome> UpsertUserAsync(UserProfile profile, CancellationToken cancellationToken);

    /// <summary>A user profile, or <c>null</c>.</summary>
    Task<UserProfile?> GetUserAsync(string userId, CancellationToken cancellationToken);

    /// <summary>
    /// Removes the user's events, aggregates, vector and profile, and remembers <paramref name="deletedAt"/> so that
    /// events from before it that arrive later are not stored. Video statistics keep their (anonymous) counts, and the
    /// ids of the removed events are kept without any user data so that a redelivered one is still a duplicate.
    /// </summary>
    /// <returns>Whether anything of the user existed.</returns>
    Task<bool> DeleteUserAsync(string userId, DateTimeOffset deletedAt, CancellationToken cancellationToken);
}

/// <summary>
/// Computes a user's vector from their full history; <c>null</c> when it cannot (no model, no known video). The result
/// must depend only on the events that change feedback (<see cref="IngestionRules.ChangesFeedback"/>): the store
/// refreshes vectors only when such events arrive, so anything else would make vectors depend on arrival order.
/// </summary>
public interface IUserVectorRefresher
{
    /// <summary>The vector for <paramref name="history"/> (the user's events ordered by time and event id).</summary>
    /// <param name="userId">The user.</param>
    /// <param name="history">All of the user's stored events, ordered by (timestamp, event id).</param>
    /// <param name="durationSeconds">Known durations of the videos in the history, for watch fractions.</param>
    UserVector? Refresh(string userId, IReadOnlyList<IngestEvent> history, IReadOnlyDictionary<string, double> durationSeconds);
}

/// <summary>What <see cref="IFeatureStore.ApplyAsync"/> needs besides the events.</summary>
/// <param name="Options">Recent list length, completion share, trending window.</param>
/// <param name="Vectors">Refreshes the vectors of users whose feedback changed (see <see cref="IFeatureStore.RefreshVectorsAsync"/>); <c>null</c> to keep no vectors.</param>
public sealed record IngestionRules(IngestionOptions Options, IUserVectorRefresher? Vectors)
{
    /// <summary>Whether an event changes the user's WALS feedback (impressions and searches do not).</summary>
    public static bool ChangesFeedback(IngestEvent e) => e.Type is not InteractionType.Impression and not InteractionType.Search;
}
