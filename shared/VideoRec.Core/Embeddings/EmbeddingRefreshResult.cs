namespace VideoRec.Core.Embeddings;

/// <summary>What one refresh did.</summary>
/// <param name="TextsEmbedded">Video field texts sent to the model (new or changed text).</param>
/// <param name="TextsUnchanged">Video field texts whose stored hash matched: not recomputed.</param>
/// <param name="VideosMissing">Requested videos not in the catalogue.</param>
/// <param name="UsersUpdated">Users whose search-history embedding was (re)written.</param>
/// <param name="UsersUnchanged">Users whose last queries were already averaged.</param>
/// <param name="UsersCleared">Users without searches (or deleted) whose search-history embedding was removed or absent.</param>
/// <param name="QueriesEmbedded">Distinct queries sent to the model (cache misses).</param>
/// <param name="QueryCacheHits">Distinct queries found in the cache.</param>
public sealed record EmbeddingRefreshResult(
    int TextsEmbedded = 0,
    int TextsUnchanged = 0,
    int VideosMissing = 0,
    int UsersUpdated = 0,
    int UsersUnchanged = 0,
    int UsersCleared = 0,
    int QueriesEmbedded = 0,
    int QueryCacheHits = 0)
{
    /// <summary>The sum of two results.</summary>
    public static EmbeddingRefreshResult operator +(EmbeddingRefreshResult a, EmbeddingRefreshResult b) => new(
        a.TextsEmbedded + b.TextsEmbedded,
        a.TextsUnchanged + b.TextsUnchanged,
        a.VideosMissing + b.VideosMissing,
        a.UsersUpdated + b.UsersUpdated,
        a.UsersUnchanged + b.UsersUnchanged,
        a.UsersCleared + b.UsersCleared,
        a.QueriesEmbedded + b.QueriesEmbedded,
        a.QueryCacheHits + b.QueryCacheHits);
}
