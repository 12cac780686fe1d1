using VideoRec.Core.CandidateGeneration.Index;

namespace VideoRec.Core.CandidateGeneration.Generators;

/// <summary>
/// Retrieval by nearest-neighbour search: the user's query vector (two-tower user embedding, or WALS user factors)
/// against an index of video vectors trained in the same space, with the request's filter applied inside the search
/// (design, "Candidate generation" and "Approximate nearest neighbour"). Proposes nothing for a user without a vector.
/// </summary>
/// <param name="name">The source name, such as <see cref="CandidateSources.TwoTower"/>.</param>
/// <param name="index">The video index.</param>
/// <param name="query">Picks the request's query vector, or <c>null</c> when the user has none.</param>
public sealed class AnnCandidateGenerator(string name, IVideoVectorIndex index, Func<CandidateRequest, ReadOnlyMemory<float>?> query)
    : ICandidateGenerator
{
    /// <summary>Two-tower ANN over <paramref name="index"/> (video-tower embeddings).</summary>
    public static AnnCandidateGenerator TwoTower(IVideoVectorIndex index) =>
        new(CandidateSources.TwoTower, index, r => r.TwoTowerEmbedding);

    /// <summary>WALS ANN over <paramref name="index"/> (video factors, inner product).</summary>
    public static AnnCandidateGenerator Wals(IVideoVectorIndex index) =>
        new(CandidateSources.Wals, index, r => r.WalsVector);

    /// <inheritdoc />
    public string Name => name;

    /// <summary>The index searched.</summary>
    public IVideoVectorIndex Index => index;

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<Candidate>> GenerateAsync(CandidateRequest request, int count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (query(request) is not { } vector)
        {
            return [];
        }

        var matches = await index.SearchAsync(vector, count, request.Filter(), cancellationToken).ConfigureAwait(false);
        var candidates = new Candidate[matches.Count];
        for (var i = 0; i < candidates.Length; i++)
        {
            candidates[i] = new Candidate(matches[i].VideoId, matches[i].Score, name);
        }

        return candidates;
    }
}
