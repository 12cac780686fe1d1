using System.Collections.Concurrent;
using VideoRec.Core.CandidateGeneration.Index;

namespace VideoRec.Core.CandidateGeneration.Generators;

/// <summary>
/// Each seed video's nearest neighbours, searched once without the request's filter (hidden videos aside) and kept for
/// later requests: the similar source's seeds are recent watches, which follow popularity, so most requests find
/// their seeds here and pay a dictionary lookup and a filter pass instead of an ANN search per seed. Holds at most
/// <paramref name="capacity"/> seeds and starts afresh when full (a model version has its own cache). Thread-safe.
/// </summary>
/// <param name="index">The index searched on a miss.</param>
/// <param name="neighbours">Neighbours kept per seed, <c>[1, ∞)</c>.</param>
/// <param name="capacity">Seeds kept, at least 1.</param>
public sealed class NeighbourCache(IVideoVectorIndex index, int neighbours, int capacity)
{
    private ConcurrentDictionary<string, IReadOnlyList<VectorMatch>> _entries = new(StringComparer.Ordinal);
    private long _hits;
    private long _misses;

    /// <summary>Neighbours kept per seed.</summary>
    public int Neighbours { get; } = neighbours >= 1 ? neighbours : throw new ArgumentOutOfRangeException(nameof(neighbours), neighbours, "Keep at least one neighbour.");

    /// <summary>Seeds kept before the cache starts afresh.</summary>
    public int Capacity { get; } = capacity >= 1 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "Keep at least one seed.");

    /// <summary>Lookups answered from the cache.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Lookups that searched the index.</summary>
    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>The seed's <see cref="Neighbours"/> nearest videos (unfiltered but for hidden ones), best first.</summary>
    /// <param name="seed">The seed video id.</param>
    /// <param name="vector">Its vector in the index's space.</param>
    /// <param name="cancellationToken">Cancels a search on a miss.</param>
    public async ValueTask<IReadOnlyList<VectorMatch>> GetAsync(string seed, ReadOnlyMemory<float> vector, CancellationToken cancellationToken)
    {
        var entries = Volatile.Read(ref _entries);
        if (entries.TryGetValue(seed, out var found))
        {
            Interlocked.Increment(ref _hits);
            return found;
        }

        Interlocked.Increment(ref _misses);
        var matches = await index.SearchAsync(vector, Neighbours, VectorSearchFilter.None, cancellationToken).ConfigureAwait(false);
        if (entries.Count >= Capacity)
        {
            Interlocked.CompareExchange(ref _entries, new ConcurrentDictionary<string, IReadOnlyList<VectorMatch>>(StringComparer.Ordinal), entries);
            entries = Volatile.Read(ref _entries);
        }

        entries[seed] = matches;
        return matches;
    }
}
