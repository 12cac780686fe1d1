namespace VideoRec.Core.Embeddings;

/// <summary>What the ingestion handlers need to keep text embeddings current.</summary>
/// <param name="Queue">Where refresh requests go (video upserts, search events).</param>
/// <param name="Store">The embedding store (a deleted user's search-history embedding is removed).</param>
public sealed record EmbeddingTriggers(IEmbeddingRefreshQueue Queue, IEmbeddingStore Store);
