using VideoRec.Core.CandidateGeneration.Activity;
using VideoRec.Core.Ranking;

namespace VideoRec.Core.CandidateGeneration.Generators;

/// <summary>
/// The popular, trending and fresh sources: each walks a list precomputed in the current
/// <see cref="ActivitySnapshot"/>, skipping videos the request's filter refuses (other language, not allowed in
/// the viewer's country, hidden, already watched or disliked). Popular walks the viewer's country's list first and
/// fills from the global list. The snapshot is read through a delegate so it can be swapped while serving.
/// </summary>
public sealed class RankedListCandidateGenerator : ICandidateGenerator
{
    private readonly Func<ActivitySnapshot> _snapshot;
    private readonly Func<ActivitySnapshot, CandidateRequest, IEnumerable<IReadOnlyList<ScoredIndex>>> _lists;

    private RankedListCandidateGenerator(string name, Func<ActivitySnapshot> snapshot,
        Func<ActivitySnapshot, CandidateRequest, IEnumerable<IReadOnlyList<ScoredIndex>>> lists)
    {
        Name = name;
        _snapshot = snapshot ?? throw new ArgumentNullException(nameof(snapshot));
        _lists = lists;
    }

    /// <summary>Most viewed over the popular window in the viewer's country, then everywhere.</summary>
    public static RankedListCandidateGenerator Popular(Func<ActivitySnapshot> snapshot) =>
        new(CandidateSources.Popular, snapshot, static (s, r) => r.Country is { } c && s.PopularByCountry.TryGetValue(c.ToUpperInvariant(), out var local)
            ? [local, s.Popular]
            : [s.Popular]);

    /// <summary>Fastest-growing views (<see cref="ActivitySnapshot.TrendingScore"/>).</summary>
    public static RankedListCandidateGenerator Trending(Func<ActivitySnapshot> snapshot) =>
        new(CandidateSources.Trending, snapshot, static (s, _) => [s.Trending]);

    /// <summary>Newest uploads within the fresh window.</summary>
    public static RankedListCandidateGenerator Fresh(Func<ActivitySnapshot> snapshot) =>
        new(CandidateSources.Fresh, snapshot, static (s, _) => [s.Fresh]);

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<Candidate>> GenerateAsync(CandidateRequest request, int count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var snapshot = _snapshot();
        var filter = request.Filter();
        var catalogue = snapshot.Catalogue;
        var taken = new HashSet<int>();
        var result = new List<Candidate>(Math.Min(count, 1024));
        foreach (var list in _lists(snapshot, request))
        {
            for (var i = 0; i < list.Count && result.Count < count; i++)
            {
                var (video, score) = (list[i].Index, list[i].Score);
                if (catalogue.Matches(video, filter) && taken.Add(video))
                {
                    result.Add(new Candidate(catalogue.VideoIds[video], score, Name));
                }
            }

            cancellationToken.ThrowIfCancellationRequested();
        }

        return ValueTask.FromResult<IReadOnlyList<Candidate>>(result);
    }
}
