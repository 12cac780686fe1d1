using System.Collections.ObjectModel;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Azure.Cosmos;
using VideoRec.Core.Domain;
using VideoRec.Core.Ingestion;

namespace VideoRec.Azure.Cosmos;

/// <summary>A raw interaction in <c>userState</c> (partition <c>/userId</c>, id <c>event:{eventId}</c>), expiring after <c>ttl</c> seconds when set.</summary>
internal sealed record InteractionDocument(
    string Id, string UserId, string EventId, string? VideoId, string Type, string Timestamp,
    double? Seconds, string? Text, string? Device, GeoLocation? Location, int Version, int? Ttl, string? RequestId = null)
{
    /// <summary>Document kind, for queries and change-feed readers of the shared container.</summary>
    public string Kind => CosmosDocuments.InteractionKind;
}

/// <summary>
/// What a deletion leaves of a raw interaction in <c>userState</c>: the same id <c>event:{eventId}</c> in the same
/// partition, with no user data beyond the partition key, and the interaction's time to live (counted again from the
/// deletion). Creating the interaction again fails with 409, so a redelivered event stays a duplicate, even one timed
/// after the deletion (a client clock running ahead) that was applied before it. Not an interaction: reads skip it.
/// </summary>
internal sealed record ErasedInteractionDocument(string Id, string UserId, int? Ttl)
{
    /// <summary>Document kind.</summary>
    public string Kind => CosmosDocuments.ErasedKind;
}

/// <summary>
/// The user's aggregates in <c>userState</c> (id <c>aggregates</c>). After a deletion it stays as a tombstone:
/// <see cref="Aggregates"/> is <c>null</c> and <see cref="DeletedAt"/> set. Every batch for the user creates this
/// document or replaces it with its etag, so a batch racing a deletion fails, re-reads and sees the deletion.
/// <see cref="VectorPending"/> is the mark "waiting for a vector refresh": set by an apply batch whose new events change
/// the user's feedback (when a refresher is configured), found by the cross-partition query of
/// <see cref="CosmosFeatureStore.RefreshVectorsAsync"/>, and cleared in the batch that writes the refreshed vector, with
/// the etag read before the history, so a mark set again by a newer apply is never lost. A tombstone has no mark.
/// </summary>
internal sealed record UserAggregatesDocument(string Id, string UserId, UserAggregates? Aggregates, DateTimeOffset? DeletedAt, bool? VectorPending = null)
{
    /// <summary>Document kind.</summary>
    public string Kind => CosmosDocuments.AggregatesKind;
}

/// <summary>The user's WALS vector in <c>userState</c> (id <c>vector</c>).</summary>
internal sealed record UserVectorDocument(string Id, string UserId, string ModelVersion, float[] Vector, DateTimeOffset AsOf)
{
    /// <summary>Document kind.</summary>
    public string Kind => "vector";
}

/// <summary>The user's profile in <c>userState</c> (id <c>profile</c>).</summary>
internal sealed record UserProfileDocument(string Id, string UserId, UserProfile Profile)
{
    /// <summary>Document kind.</summary>
    public string Kind => "profile";
}

/// <summary>The video's statistics in <c>videoState</c> (partition <c>/videoId</c>, id <c>statistics</c>).</summary>
internal sealed record VideoStatisticsDocument(string Id, string VideoId, VideoStatistics Statistics)
{
    /// <summary>Document kind.</summary>
    public string Kind => "statistics";
}

/// <summary>"This event is counted in the video's statistics", in <c>videoState</c> (id <c>event:{eventId}</c>), expiring after <c>ttl</c> seconds.</summary>
internal sealed record EventMarkerDocument(string Id, string VideoId, string EventId, int Ttl)
{
    /// <summary>Document kind.</summary>
    public string Kind => "marker";
}

/// <summary>A catalogue entry in <c>catalogue</c> (partition <c>/videoId</c>, id = video id).</summary>
internal sealed record CatalogueDocument(string Id, string VideoId, Video Video)
{
    /// <summary>Document kind.</summary>
    public string Kind => "video";
}

/// <summary>The record of a user's deletion in <c>deletions</c> (partition <c>/userId</c>, id <c>deletion</c>).</summary>
internal sealed record DeletionDocument(string Id, string UserId, DateTimeOffset DeletedAt)
{
    /// <summary>Document kind.</summary>
    public string Kind => "deletion";
}

/// <summary>What one operation of a transactional batch does.</summary>
internal enum CosmosOperationKind
{
    /// <summary>Create; fails with 409 when the id exists.</summary>
    Create,

    /// <summary>Replace; fails with 412 when the etag no longer matches and 404 when the document is gone.</summary>
    Replace,

    /// <summary>Create or replace, unconditionally.</summary>
    Upsert,

    /// <summary>Delete; fails with 412 when the etag no longer matches and 404 when the document is gone.</summary>
    Delete,
}

/// <summary>One operation of a transactional batch.</summary>
/// <param name="Kind">Create, replace, upsert or delete.</param>
/// <param name="Id">The document id.</param>
/// <param name="Document">The document written, or for a delete the document as read.</param>
/// <param name="IfMatchEtag">For a replace or a delete: the etag the document must still have.</param>
internal sealed record CosmosOperation(CosmosOperationKind Kind, string Id, object Document, string? IfMatchEtag = null);

/// <summary>
/// A transactional batch in one partition of one container: one create per event (a raw interaction or a video
/// marker), or for a vector refresh the write or delete of the vector, then the create or etag-guarded replace of the
/// partition's state document, always the last operation. The service applies all of it or none.
/// </summary>
/// <param name="Container">The container.</param>
/// <param name="PartitionKey">The partition key value.</param>
/// <param name="Events">The events, aligned with the first operations.</param>
/// <param name="Operations">The operations.</param>
internal sealed record CosmosBatch(string Container, string PartitionKey, IReadOnlyList<IngestEvent> Events, IReadOnlyList<CosmosOperation> Operations)
{
    /// <summary>Index of the state document's operation.</summary>
    public int StateIndex => Operations.Count - 1;
}

/// <summary>
/// The document shapes of the Cosmos DB feature store, their ids, partition keys and containers, the container
/// definitions, and the transactional batches of an apply: pure functions, so unit tests check them without a service.
/// </summary>
internal static class CosmosDocuments
{
    /// <summary>Id of the aggregates document in a user's partition.</summary>
    public const string AggregatesId = "aggregates";

    /// <summary>Id of the vector document in a user's partition.</summary>
    public const string VectorId = "vector";

    /// <summary>Id of the profile document in a user's partition.</summary>
    public const string ProfileId = "profile";

    /// <summary>Id of the statistics document in a video's partition.</summary>
    public const string StatisticsId = "statistics";

    /// <summary>Id of the deletion record in a user's partition of <c>deletions</c>.</summary>
    public const string DeletionId = "deletion";

    /// <summary>The <c>kind</c> of raw interaction documents.</summary>
    public const string InteractionKind = "interaction";

    /// <summary>The <c>kind</c> of what a deletion leaves of a raw interaction (<see cref="ErasedInteractionDocument"/>).</summary>
    public const string ErasedKind = "erased";

    /// <summary>The <c>kind</c> of aggregates documents (and tombstones).</summary>
    public const string AggregatesKind = "aggregates";

    /// <summary>Most operations in one transactional batch (the service's limit).</summary>
    public const int MaxBatchOperations = 100;

    /// <summary>Events per batch: all operations but the state document's.</summary>
    public const int MaxEventsPerBatch = MaxBatchOperations - 1;

    /// <summary>Longest document id the service accepts.</summary>
    public const int MaxIdLength = 255;

    /// <summary>The JSON of every document: camelCase, nulls left out.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>
    /// A document id for an external id: the id itself when the service accepts it (1–255 characters, none of
    /// <c>/ \ ? #</c>, no control character, no trailing space, not starting with <c>~</c>), else <c>~</c> and the
    /// Base64url SHA-256 of it. The external id is always kept in its own field too.
    /// </summary>
    public static string SafeId(string raw)
    {
        if (raw.Length is > 0 and <= MaxIdLength && raw[0] != '~' && raw[^1] != ' ' && !raw.Any(c => c is '/' or '\\' or '?' or '#' || char.IsControl(c)))
        {
            return raw;
        }

        return "~" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(raw))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>Id of the raw interaction of <paramref name="eventId"/> in the user's partition (prefixed, so it never meets <c>aggregates</c>, <c>vector</c> or <c>profile</c>).</summary>
    public static string InteractionId(string eventId) => SafeId("event:" + eventId);

    /// <summary>Id of the marker that <paramref name="eventId"/> is counted in a video's statistics.</summary>
    public static string MarkerId(string eventId) => SafeId("event:" + eventId);

    /// <summary>Id of a catalogue entry.</summary>
    public static string CatalogueId(string videoId) => SafeId(videoId);

    /// <summary>Timestamps as fixed-width UTC text (<c>2024-05-01T12:00:00.0000000Z</c>), so string order is time order.</summary>
    public static string FormatTimestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Reads <see cref="FormatTimestamp"/>.</summary>
    public static DateTimeOffset ParseTimestamp(string text) =>
        new(DateTime.SpecifyKind(DateTime.ParseExact(text, "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal), DateTimeKind.Utc));

    /// <summary>The raw interaction document of <paramref name="e"/>, expiring after <paramref name="timeToLive"/> when set.</summary>
    public static InteractionDocument Interaction(IngestEvent e, TimeSpan? timeToLive) => new(
        InteractionId(e.EventId), e.UserId, e.EventId, e.VideoId, EventBatchParser.TypeName(e.Type), FormatTimestamp(e.Timestamp),
        e.Seconds, e.Text, e.Device, e.Location, e.Version, timeToLive is { } ttl ? TtlSeconds(ttl) : null, e.RequestId);

    /// <summary>The event a raw interaction document holds.</summary>
    public static IngestEvent ToEvent(InteractionDocument d) => new(d.EventId, d.UserId, d.VideoId, ParseType(d.Type), ParseTimestamp(d.Timestamp))
    {
        Version = d.Version,
        Seconds = d.Seconds,
        Text = d.Text,
        Device = d.Device,
        Location = d.Location,
        RequestId = d.RequestId,
    };

    private static InteractionType ParseType(string name) =>
        Enum.TryParse<InteractionType>(name, ignoreCase: true, out var type) && EventBatchParser.TypeName(type) == name
            ? type
            : throw new InvalidDataException($"Unknown interaction type '{name}' in a stored interaction.");

    /// <summary>What a deletion leaves of the raw interaction <paramref name="id"/> of <paramref name="userId"/>: its id, partition key and time to live.</summary>
    public static ErasedInteractionDocument Erased(string userId, string id, int? ttl) => new(id, userId, ttl);

    /// <summary>The marker document of <paramref name="e"/> in its video's partition.</summary>
    public static EventMarkerDocument Marker(IngestEvent e, TimeSpan timeToLive) =>
        new(MarkerId(e.EventId), e.VideoId ?? throw new ArgumentException("The event has no video.", nameof(e)), e.EventId, TtlSeconds(timeToLive));

    /// <summary>The tombstone left by a deletion: no aggregates, the deletion time.</summary>
    public static UserAggregatesDocument Tombstone(string userId, DateTimeOffset deletedAt) => new(AggregatesId, userId, null, deletedAt);

    /// <summary>The vector document of a user.</summary>
    public static UserVectorDocument VectorDocument(string userId, UserVector vector) => new(VectorId, userId, vector.ModelVersion, vector.Vector, vector.AsOf);

    /// <summary>The profile document of a user.</summary>
    public static UserProfileDocument ProfileDocument(UserProfile profile) => new(ProfileId, profile.Id, profile);

    /// <summary>The catalogue document of a video.</summary>
    public static CatalogueDocument CatalogueDocument(Video video) => new(CatalogueId(video.Id), video.Id, video);

    /// <summary>The deletion record of a user.</summary>
    public static DeletionDocument Deletion(string userId, DateTimeOffset deletedAt) => new(DeletionId, userId, deletedAt);

    /// <summary>A time to live in whole seconds (the service's unit), at least 1.</summary>
    public static int TtlSeconds(TimeSpan timeToLive) => (int)Math.Clamp(Math.Ceiling(timeToLive.TotalSeconds), 1, int.MaxValue);

    /// <summary>A document as JSON.</summary>
    public static string Serialize(object document) => JsonSerializer.Serialize(document, document.GetType(), Json);

    /// <summary>A document from JSON.</summary>
    public static T Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Json) ?? throw new InvalidDataException($"A stored {typeof(T).Name} is null.");

    /// <summary>
    /// The batch that applies <paramref name="events"/> (new to the store, at most <see cref="MaxEventsPerBatch"/>) in
    /// <paramref name="userId"/>'s partition of <c>userState</c>: a create per raw interaction (409 if the event was
    /// applied before, or erased by a deletion after it was applied), then the aggregates with the events folded in,
    /// created when <paramref name="current"/> is <c>null</c> and otherwise replaced if its etag is still
    /// <paramref name="etag"/> (412 if another writer was first). When <paramref name="vectors"/> is set and an event
    /// changes feedback, the aggregates are marked <see cref="UserAggregatesDocument.VectorPending"/>; a mark already
    /// there stays. Nothing here refreshes the vector: <see cref="VectorRefreshBatch"/> does, later.
    /// </summary>
    public static CosmosBatch UserBatch(CosmosFeatureStoreOptions store, string userId, UserAggregatesDocument? current, string? etag,
        IReadOnlyList<IngestEvent> events, IngestionOptions options, bool vectors)
    {
        CheckBatch(events, e => e.UserId == userId, "user", userId);
        var aggregates = current?.Aggregates is { } existing ? Clone(existing) : new UserAggregates { UserId = userId };
        var operations = new List<CosmosOperation>(events.Count + 1);
        foreach (var e in events)
        {
            aggregates.Apply(e, options.RecentListLength);
            var document = Interaction(e, store.InteractionTimeToLive);
            operations.Add(new CosmosOperation(CosmosOperationKind.Create, document.Id, document));
        }

        var pending = current?.VectorPending == true || (vectors && events.Any(IngestionRules.ChangesFeedback));
        operations.Add(State(AggregatesId, new UserAggregatesDocument(AggregatesId, userId, aggregates, current?.DeletedAt, pending ? true : null), current is null, etag));
        return new CosmosBatch(store.UserStateContainer, userId, events, operations.AsReadOnly());
    }

    /// <summary>
    /// The batch that counts <paramref name="events"/> (not yet counted, at most <see cref="MaxEventsPerBatch"/>) in
    /// <paramref name="videoId"/>'s partition of <c>videoState</c>: a create per marker <c>event:{eventId}</c> (409 if
    /// the event was counted before), then the statistics, created or replaced with <paramref name="etag"/>.
    /// </summary>
    public static CosmosBatch VideoBatch(CosmosFeatureStoreOptions store, string videoId, VideoStatisticsDocument? current, string? etag,
        IReadOnlyList<IngestEvent> events, IReadOnlyDictionary<string, double> durations, IngestionOptions options)
    {
        CheckBatch(events, e => e.VideoId == videoId, "video", videoId);
        var statistics = current is null ? new VideoStatistics { VideoId = videoId } : Clone(current.Statistics);
        var duration = durations.TryGetValue(videoId, out var d) ? d : (double?)null;
        var operations = new List<CosmosOperation>(events.Count + 1);
        foreach (var e in events)
        {
            statistics.Apply(e, duration, options);
            var marker = Marker(e, store.EventMarkerTimeToLive);
            operations.Add(new CosmosOperation(CosmosOperationKind.Create, marker.Id, marker));
        }

        operations.Add(State(StatisticsId, new VideoStatisticsDocument(StatisticsId, videoId, statistics), current is null, etag));
        return new CosmosBatch(store.VideoStateContainer, videoId, events, operations.AsReadOnly());
    }

    /// <summary>A one-operation batch writing the deletion tombstone over <paramref name="current"/> (created when absent).</summary>
    public static CosmosBatch TombstoneBatch(CosmosFeatureStoreOptions store, string userId, UserAggregatesDocument? current, string? etag, DateTimeOffset deletedAt)
    {
        var at = current?.DeletedAt is { } earlier && earlier > deletedAt ? earlier : deletedAt;
        return new CosmosBatch(store.UserStateContainer, userId, [], [State(AggregatesId, Tombstone(userId, at), current is null, etag)]);
    }

    /// <summary>
    /// The batch that stores a refreshed vector and clears the refresh mark, in the user's partition of <c>userState</c>:
    /// the upsert of <paramref name="vector"/>, or when it is <c>null</c> the delete of <paramref name="stored"/> (if
    /// there was one) with its etag, then the replace of the aggregates <paramref name="current"/> without
    /// <see cref="UserAggregatesDocument.VectorPending"/> if they still have <paramref name="etag"/>. A 412 (or 404)
    /// means an apply, another refresh or a deletion got in between: nothing is written, and the mark stays.
    /// </summary>
    /// <param name="store">Containers.</param>
    /// <param name="current">The aggregates as read before the history the vector was computed from.</param>
    /// <param name="etag">Their etag.</param>
    /// <param name="stored">The vector document as read after them, with its etag, or <c>null</c>.</param>
    /// <param name="vector">The refreshed vector, or <c>null</c> to have none.</param>
    public static CosmosBatch VectorRefreshBatch(CosmosFeatureStoreOptions store, UserAggregatesDocument current, string etag, Stored<UserVectorDocument>? stored,
        UserVector? vector)
    {
        var operations = new List<CosmosOperation>(2);
        if (vector is not null)
        {
            operations.Add(new CosmosOperation(CosmosOperationKind.Upsert, VectorId, VectorDocument(current.UserId, vector)));
        }
        else if (stored is not null)
        {
            operations.Add(new CosmosOperation(CosmosOperationKind.Delete, VectorId, stored.Document, stored.ETag));
        }

        operations.Add(State(AggregatesId, current with { VectorPending = null }, create: false, etag));
        return new CosmosBatch(store.UserStateContainer, current.UserId, [], operations.AsReadOnly());
    }

    private static CosmosOperation State(string id, object document, bool create, string? etag) => create
        ? new CosmosOperation(CosmosOperationKind.Create, id, document)
        : new CosmosOperation(CosmosOperationKind.Replace, id, document, etag ?? throw new ArgumentException("Replacing a document needs its etag.", nameof(etag)));

    private static void CheckBatch(IReadOnlyList<IngestEvent> events, Func<IngestEvent, bool> belongs, string what, string key)
    {
        if (events.Count is 0 or > MaxEventsPerBatch)
        {
            throw new ArgumentOutOfRangeException(nameof(events), events.Count, $"A batch holds 1 to {MaxEventsPerBatch} events.");
        }

        if (events.FirstOrDefault(e => !belongs(e)) is { } stranger)
        {
            throw new ArgumentException($"Event '{stranger.EventId}' is not about {what} '{key}'.", nameof(events));
        }
    }

    private static T Clone<T>(T value) => JsonSerializer.Deserialize<T>(JsonSerializer.SerializeToUtf8Bytes(value, Json), Json)!;

    /// <summary>
    /// The containers: <c>userState</c> and <c>videoState</c> with time to live on (−1: items expire only by their own
    /// <c>ttl</c>), <c>catalogue</c> and <c>deletions</c> without. Every partition key is hashed (version 2, so long
    /// ids keep their own partitions). Large values nobody filters on are not indexed: the vector (<c>/vector/*</c>),
    /// the aggregates with their recent lists (<c>/aggregates/*</c>), comment and query text (<c>/text/?</c>), the
    /// statistics' hourly buckets (<c>/statistics/*</c>) and profiles. A composite index (timestamp, eventId) serves
    /// the ordered read of a user's interactions; <c>kind</c>, <c>vectorPending</c> and <c>userId</c> stay indexed for
    /// the cross-partition query of the users waiting for a vector refresh.
    /// </summary>
    public static IReadOnlyList<ContainerProperties> Containers(CosmosFeatureStoreOptions store) =>
    [
        Container(store.UserStateContainer, "/userId", -1,
            ["/vector/*", "/aggregates/*", "/profile/*", "/text/?", "/location/*", "/device/?"],
            [["/timestamp", "/eventId"]]),
        Container(store.VideoStateContainer, "/videoId", -1, ["/statistics/*"], []),
        Container(store.CatalogueContainer, "/videoId", null, [], []),
        Container(store.DeletionsContainer, "/userId", null, [], []),
    ];

    /// <summary>A container definition: hashed partition key (version 2), consistent indexing of everything but <paramref name="excluded"/> (and the etag), and the given ascending composite indexes.</summary>
    internal static ContainerProperties Container(string name, string partitionKeyPath, int? defaultTtl, string[] excluded, string[][] composites)
    {
        var properties = new ContainerProperties(name, partitionKeyPath)
        {
            DefaultTimeToLive = defaultTtl,
            PartitionKeyDefinitionVersion = PartitionKeyDefinitionVersion.V2,
            IndexingPolicy = new IndexingPolicy { Automatic = true, IndexingMode = IndexingMode.Consistent },
        };
        properties.IndexingPolicy.IncludedPaths.Add(new IncludedPath { Path = "/*" });
        foreach (var path in excluded.Append("/\"_etag\"/?"))
        {
            properties.IndexingPolicy.ExcludedPaths.Add(new ExcludedPath { Path = path });
        }

        foreach (var composite in composites)
        {
            properties.IndexingPolicy.CompositeIndexes.Add(new Collection<CompositePath>(
                composite.Select(p => new CompositePath { Path = p, Order = CompositePathSortOrder.Ascending }).ToList()));
        }

        return properties;
    }
}
