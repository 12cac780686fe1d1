using VideoRec.Core.Domain;
using VideoRec.Core.Ingestion;

namespace VideoRec.Azure.Cosmos;

/// <summary>A parameterised query and the partition it runs in.</summary>
/// <param name="Text">The SQL text.</param>
/// <param name="Parameters">Its parameters by name (with the <c>@</c>).</param>
internal sealed record CosmosQuery(string Text, IReadOnlyList<KeyValuePair<string, object>> Parameters)
{
    /// <summary>The value of parameter <paramref name="name"/>.</summary>
    public object this[string name] => Parameters.First(p => p.Key == name).Value;
}

/// <summary>A row of <see cref="CosmosQueries.PendingVectorUsers"/>.</summary>
/// <param name="UserId">A user waiting for a vector refresh.</param>
internal sealed record PendingVectorRow(string UserId);

/// <summary>A row of <see cref="CosmosQueries.UserDocuments"/>: what a deletion needs to know of each document of the user.</summary>
/// <param name="Id">The document id.</param>
/// <param name="Kind">Its kind (<c>interaction</c>, <c>erased</c>, <c>aggregates</c>, <c>vector</c>, <c>profile</c>).</param>
/// <param name="Ttl">Its own time to live in seconds, when it has one.</param>
internal sealed record UserDocumentRow(string Id, string? Kind, int? Ttl);

/// <summary>
/// The query text of the Cosmos DB feature store: pure, so unit tests check it. Every query runs in one partition but
/// <see cref="PendingVectorUsers"/>, which looks across the users' partitions.
/// </summary>
internal static class CosmosQueries
{
    /// <summary>A user's raw interactions, oldest first, ties by event id (the composite index (timestamp, eventId) serves it).</summary>
    public static CosmosQuery UserInteractions(string userId) => new(
        "SELECT * FROM c WHERE c.userId = @userId AND c.kind = @kind ORDER BY c.timestamp, c.eventId",
        [new("@userId", userId), new("@kind", CosmosDocuments.InteractionKind)]);

    /// <summary>Which of <paramref name="ids"/> exist in the partition whose key field <paramref name="keyField"/> is <paramref name="key"/>.</summary>
    /// <param name="keyField"><c>userId</c> or <c>videoId</c>.</param>
    /// <param name="key">The partition key value.</param>
    /// <param name="ids">Document ids to look for.</param>
    public static CosmosQuery ExistingIds(string keyField, string key, IReadOnlyList<string> ids) => new(
        $"SELECT VALUE c.id FROM c WHERE c.{Field(keyField)} = @key AND ARRAY_CONTAINS(@ids, c.id)",
        [new("@key", key), new("@ids", ids.ToArray())]);

    /// <summary>The id, kind and time to live of every document in a user's partition (for deletion).</summary>
    public static CosmosQuery UserDocuments(string userId) => new(
        "SELECT c.id, c.kind, c.ttl FROM c WHERE c.userId = @userId",
        [new("@userId", userId)]);

    /// <summary>
    /// Up to <paramref name="maxUsers"/> users whose aggregates carry the vector-refresh mark, by user id (so rounds are
    /// deterministic): a cross-partition query of <c>userState</c>, with the limit as a parameterised <c>TOP</c>.
    /// </summary>
    public static CosmosQuery PendingVectorUsers(int maxUsers) => new(
        "SELECT TOP @max c.userId FROM c WHERE c.kind = @kind AND c.vectorPending = true ORDER BY c.userId",
        [new("@max", maxUsers), new("@kind", CosmosDocuments.AggregatesKind)]);

    /// <summary>
    /// The distinct videos of a user's raw interactions that consume them (every type but impressions and searches),
    /// for serving to leave out.
    /// </summary>
    public static CosmosQuery ConsumedVideoIds(string userId) => new(
        "SELECT DISTINCT VALUE c.videoId FROM c WHERE c.userId = @userId AND c.kind = @kind AND IS_STRING(c.videoId) AND NOT ARRAY_CONTAINS(@notConsumed, c.type)",
        [
            new("@userId", userId),
            new("@kind", CosmosDocuments.InteractionKind),
            new("@notConsumed", new[] { EventBatchParser.TypeName(InteractionType.Impression), EventBatchParser.TypeName(InteractionType.Search) }),
        ]);

    private static string Field(string name) => name is "userId" or "videoId"
        ? name
        : throw new ArgumentOutOfRangeException(nameof(name), name, "The partition key field is userId or videoId.");
}
