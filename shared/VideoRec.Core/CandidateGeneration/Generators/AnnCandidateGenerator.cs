using VideoRec.Core.CandidateGeneration.Index;

namespace VideoRec.Core.CandidateGeneration.Generators;

/// <summary>
/// An additive per-video score term applied after the ANN search, s'(v) = s(v) + weight · bias(v) (the two-tower
/// model's popularity prior): the index holds the model's embeddings alone, which keeps its graph well shaped, and the
/// search fetches <paramref name="Oversample"/> × count neighbours so the re-scored top count is nearly the exact one.
/// </summary>
/// <param name="Bias">Per-video bias by video id; videos without one get 0.</param>
/// <param name="Weight">The request's weight of the bias (0 turns it off).</param>
/// <param name="Oversample">How many times count to fetch before re-scoring, at least 1.</param>
public sealed record ScoreBias(IReadOnlyDictionary<string, float> Bias, float Weight, int Oversample = 3);

/// <summary>
/// Retrieval by nearest-neighbour search: the user's query vector (two-tower user embedding, or WALS user factors)
/// against an index of video vectors trained in the same space, with the request's filter applied inside the search
/// (design, "Candidate generation" and "Approximate nearest neighbour"). Proposes nothing for a user without a vector.
/// </summary>
/// <param name="name">The source name, such as <see cref="CandidateSources.TwoTower"/>.</param>
/// <param name="index">The video index.</param>
/// <param name="query">Picks the request's query vector, or <c>null</c> when the user has none.</param>
/// <param name="bias">The request's additive score term, or <c>null</c> (no re-scoring).</param>
public sealed class AnnCandidateGenerator(string name, IVideoVectorIndex index, Func<CandidateRequest, ReadOnlyMemory<float>?> query,
    Func<CandidateRequest, ScoreBias?>? bias = null)
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

        var term = bias?.Invoke(request);
        if (term is null || term.Weight == 0)
        {
            var matches = await index.SearchAsync(vector, count, request.Filter(), cancellationToken).ConfigureAwait(false);
            var candidates = new Candidate[matches.Count];
            for (var i = 0; i < candidates.Length; i++)
            {
                candidates[i] = new Candidate(matches[i].VideoId, matches[i].Score, name);
            }

            return candidates;
        }

        var fetched = await index.SearchAsync(vector, (int)Math.Min(int.MaxValue, (long)count * Math.Max(1, term.Oversample)), request.Filter(), cancellationToken).ConfigureAwait(false);
        return fetched
            .Select(m => new Candidate(m.VideoId, m.Score + term.Weight * term.Bias.GetValueOrDefault(m.VideoId), name))
            .OrderByDescending(c => c.Score)
            .ThenBy(c => c.VideoId, StringComparer.Ordinal)
            .Take(count)
            .ToArray();
    }
}
