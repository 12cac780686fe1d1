namespace VideoRec.Core.Embeddings;

/// <summary>The stored embedding of one text field of one video.</summary>
/// <param name="VideoId">The video.</param>
/// <param name="Field">Which text.</param>
/// <param name="ModelId">The embedding model that produced it.</param>
/// <param name="TextHash">
/// <see cref="EmbeddingText.Hash"/> of (model, text): a refresh whose text hashes the same skips the model.
/// </param>
/// <param name="Vector">The embedding, <c>[dimensions]</c>, unit length (all zeros for empty text).</param>
public sealed record VideoTextEmbedding(string VideoId, VideoTextField Field, string ModelId, string TextHash, float[] Vector);

/// <summary>A user's search-history embedding (design, "User features": the average of the query embeddings).</summary>
/// <param name="UserId">The user.</param>
/// <param name="ModelId">The embedding model of the queries.</param>
/// <param name="Vector">Mean of the embeddings of the last <paramref name="QueryCount"/> queries, <c>[dimensions]</c> (not re-normalised, so its length shows how focused the searches are).</param>
/// <param name="QueryCount">How many queries were averaged (at most <see cref="EmbeddingOptions.SearchHistoryLength"/>).</param>
/// <param name="QueriesHash">Hash of the model and the averaged queries, in order: an unchanged history is not recomputed.</param>
/// <param name="AsOf">Time of the newest query averaged, UTC.</param>
public sealed record UserSearchEmbedding(string UserId, string ModelId, float[] Vector, int QueryCount, string QueriesHash, DateTimeOffset AsOf);

/// <summary>
/// Where text embeddings live: video title and tag embeddings keyed by their text hash, a cache of search-query
/// embeddings keyed by <see cref="EmbeddingText.Hash"/> of the normalised query (no query text is stored), and each
/// user's search-history embedding. Implementations: SQLite (embedded default) and Cosmos DB. Writes are upserts, so a
/// refresh applied twice leaves the store as applying it once does.
/// </summary>
public interface IEmbeddingStore
{
    /// <summary>The stored text hashes of the listed videos' fields (fields never embedded are absent).</summary>
    /// <param name="videoIds">Videos to look up; unknown ids are ignored.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<IReadOnlyDictionary<(string VideoId, VideoTextField Field), string>> GetVideoTextHashesAsync(IReadOnlyCollection<string> videoIds, CancellationToken cancellationToken);

    /// <summary>Creates or replaces the listed embeddings (one write per call where the store allows).</summary>
    Task UpsertVideoEmbeddingsAsync(IReadOnlyList<VideoTextEmbedding> embeddings, CancellationToken cancellationToken);

    /// <summary>One video field's embedding, or <c>null</c>.</summary>
    Task<VideoTextEmbedding?> GetVideoEmbeddingAsync(string videoId, VideoTextField field, CancellationToken cancellationToken);

    /// <summary>Every stored embedding of <paramref name="field"/>, in video id order (for building indexes and brute-force search).</summary>
    IAsyncEnumerable<VideoTextEmbedding> ReadVideoEmbeddingsAsync(VideoTextField field, CancellationToken cancellationToken);

    /// <summary>Cached query embeddings for the listed keys (<see cref="EmbeddingText.Hash"/> of model and normalised query); misses are absent.</summary>
    Task<IReadOnlyDictionary<string, float[]>> GetQueryEmbeddingsAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken);

    /// <summary>Adds query embeddings to the cache (replacing equal keys).</summary>
    Task PutQueryEmbeddingsAsync(IReadOnlyDictionary<string, float[]> embeddings, CancellationToken cancellationToken);

    /// <summary>The user's search-history embedding, or <c>null</c>.</summary>
    Task<UserSearchEmbedding?> GetUserSearchEmbeddingAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Creates or replaces the user's search-history embedding.</summary>
    Task PutUserSearchEmbeddingAsync(UserSearchEmbedding embedding, CancellationToken cancellationToken);

    /// <summary>Removes the user's search-history embedding (user deletion, or no searches left).</summary>
    /// <returns>Whether one existed.</returns>
    Task<bool> DeleteUserSearchEmbeddingAsync(string userId, CancellationToken cancellationToken);
}
