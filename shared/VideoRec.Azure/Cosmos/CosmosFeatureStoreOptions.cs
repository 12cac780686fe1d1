namespace VideoRec.Azure.Cosmos;

/// <summary>Settings of <see cref="CosmosFeatureStore"/> (section <c>VideoRec:Cosmos</c> in configuration).</summary>
public sealed record CosmosFeatureStoreOptions
{
    /// <summary>The database. Default <c>videorec</c>.</summary>
    public string DatabaseName { get; init; } = "videorec";

    /// <summary>
    /// Per-user documents, partitioned by <c>/userId</c>: the raw interactions (id <c>event:{eventId}</c>), the
    /// aggregates, the vector and the profile. Raw interactions and aggregates must share a container, because a
    /// transactional batch spans one partition of one container. Default <c>userState</c>.
    /// </summary>
    public string UserStateContainer { get; init; } = "userState";

    /// <summary>Per-video documents (statistics and per-event markers), partitioned by <c>/videoId</c>. Default <c>videoState</c>.</summary>
    public string VideoStateContainer { get; init; } = "videoState";

    /// <summary>The catalogue, partitioned by <c>/videoId</c>, id = video id. Default <c>catalogue</c>.</summary>
    public string CatalogueContainer { get; init; } = "catalogue";

    /// <summary>Records of user deletions, partitioned by <c>/userId</c>. Default <c>deletions</c>.</summary>
    public string DeletionsContainer { get; init; } = "deletions";

    /// <summary>
    /// How long raw interactions are kept (their per-item time to live; the user's other documents never expire);
    /// <c>null</c> keeps them forever. Default 180 days. Fold-in (the vector refresh) sees only the interactions still
    /// kept, and a redelivery of an event whose raw interaction has expired would apply it again. What a user deletion
    /// leaves of an interaction (its id only) keeps this time to live, counted again from the deletion.
    /// </summary>
    public TimeSpan? InteractionTimeToLive { get; init; } = TimeSpan.FromDays(180);

    /// <summary>
    /// How long a video's "event applied" markers are kept. A redelivery of an event older than this would count it
    /// again in the video statistics, so keep it at least as long as a message can be redelivered. Default 180 days.
    /// </summary>
    public TimeSpan EventMarkerTimeToLive { get; init; } = TimeSpan.FromDays(180);

    /// <summary>
    /// The video text embeddings of <see cref="CosmosEmbeddingStore"/>, partitioned by <c>/videoId</c>: one document per
    /// (video, field), id = the field name (<c>title</c>, <c>tags</c>), so a video's fields share a partition and are
    /// written in one transactional batch. Default <c>videoEmbeddings</c>.
    /// </summary>
    public string VideoEmbeddingsContainer { get; init; } = "videoEmbeddings";

    /// <summary>
    /// The search-query embedding cache of <see cref="CosmosEmbeddingStore"/>, partitioned by <c>/id</c> (the cache key,
    /// a hash: point reads and writes only, spread evenly). Default <c>queryEmbeddings</c>.
    /// </summary>
    public string QueryEmbeddingsContainer { get; init; } = "queryEmbeddings";

    /// <summary>
    /// How long a cached query embedding is kept after it was last written (its per-item time to live); <c>null</c>
    /// keeps it forever. An expired entry is recomputed once on its next miss. Default 180 days, like raw interactions.
    /// </summary>
    public TimeSpan? QueryEmbeddingTimeToLive { get; init; } = TimeSpan.FromDays(180);

    /// <summary>Writes of embeddings (one per video partition or cached query) in flight at once. Default 16.</summary>
    public int EmbeddingWriteConcurrency { get; init; } = 16;

    /// <summary>Embeddings per page of the ordered cross-partition read of one field (keyset paging by video id). Default 1,000.</summary>
    public int EmbeddingReadPageSize { get; init; } = 1000;

    /// <summary>Retries of a call that failed transiently (408, 429 after the SDK's own retries, 449, 5xx, network). Default 4.</summary>
    public int MaxRetryAttempts { get; init; } = 4;

    /// <summary>Base delay of the exponential, jittered retry back-off. Default 200 ms.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Re-reads after an optimistic-concurrency conflict (another writer changed the same aggregates) before giving up. Default 20.</summary>
    public int MaxConflictRetries { get; init; } = 20;
}
