namespace VideoRec.Azure.Cosmos;

/// <summary>A parameterised query and the partition it runs in.</summary>
/// <param name="Text">The SQL text.</param>
/// <param name="Parameters">Its parameters by name (with the <c>@</c>).</param>
internal sealed record CosmosQuery(string Text, IReadOnlyList<KeyValuePair<string, object>> Parameters)
{
    /// <summary>The value of parameter <paramref name="name"/>.</summary>
    public object this[string name] => Parameters.First(p => p.Key == name).Value;
}

/// <summary>The query text of the Cosmos DB feature store: pure, so unit tests check it. Every query runs in one partition.</summary>
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

    /// <summary>The ids of every document in a user's partition (for deletion).</summary>
    public static CosmosQuery UserDocumentIds(string userId) => new(
        "SELECT VALUE c.id FROM c WHERE c.userId = @userId",
        [new("@userId", userId)]);

    private static string Field(string name) => name is "userId" or "videoId"
        ? name
        : throw new ArgumentOutOfRangeException(nameof(name), name, "The partition key field is userId or videoId.");
}
