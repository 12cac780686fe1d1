namespace VideoRec.Core.CandidateGeneration.Index;

/// <summary>
/// A nearest-neighbour index of video embeddings keyed by video id, with filtered search (design, "Candidate
/// generation" and "Serving: approximate nearest neighbour search"). Implementations: <see cref="ExactVectorIndex"/>
/// (brute force; the oracle and the engine for small catalogues), the embedded USearch HNSW index
/// (<c>VideoRec.Local</c>) and Azure AI Search (<c>VideoRec.Azure</c>).
/// </summary>
/// <remarks>
/// Contract, checked by one test suite against every engine: writing a video id again replaces it (it appears once);
/// a deleted video never comes back; k above the number of matching videos returns all of them; a filter with at least
/// k matching videos returns k; results are ordered by descending score. Implementations are safe for concurrent
/// searches; writes may be serialised.
/// </remarks>
public interface IVideoVectorIndex
{
    /// <summary>Engine name for reports, such as <c>exact</c>, <c>usearch-hnsw</c> or <c>azure-ai-search</c>.</summary>
    string Engine { get; }

    /// <summary>Vector length.</summary>
    int Dimensions { get; }

    /// <summary>How scores are computed.</summary>
    VectorMetric Metric { get; }

    /// <summary>Number of indexed videos.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    ValueTask<long> CountAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds or replaces videos by id.</summary>
    /// <param name="videos">The videos; an id repeated within the call keeps its last vector.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ArgumentException">A vector has another length than <see cref="Dimensions"/> or a non-finite value.</exception>
    ValueTask UpsertAsync(IReadOnlyList<IndexedVideo> videos, CancellationToken cancellationToken = default);

    /// <summary>Removes videos by id; unknown ids are ignored.</summary>
    /// <param name="videoIds">The videos.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many were indexed and are now removed.</returns>
    ValueTask<int> DeleteAsync(IReadOnlyCollection<string> videoIds, CancellationToken cancellationToken = default);

    /// <summary>The <paramref name="k"/> videos with the highest score for <paramref name="query"/> that pass <paramref name="filter"/>, best first.</summary>
    /// <param name="query">The query vector, <c>[dimensions]</c> (a user embedding or a video embedding).</param>
    /// <param name="k">How many, at least 1.</param>
    /// <param name="filter">Restrictions; <c>null</c> means <see cref="VectorSearchFilter.None"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ArgumentException">The query has another length or a non-finite value.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is below 1.</exception>
    ValueTask<IReadOnlyList<VectorMatch>> SearchAsync(ReadOnlyMemory<float> query, int k, VectorSearchFilter? filter = null,
        CancellationToken cancellationToken = default);
}
