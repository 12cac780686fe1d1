using VideoRec.Core.CandidateGeneration;
using VideoRec.Core.CandidateGeneration.Generators;
using VideoRec.Core.CandidateGeneration.Index;
using VideoRec.Core.Matrix;

namespace VideoRec.Core.Tests.CandidateGeneration;

/// <summary>The similar source with cached per-seed neighbours: same scores as searching, the filter applied afterwards, one search per seed.</summary>
public sealed class NeighbourCacheTests
{
    // s1 = (1, 0), s2 = (0, 1) are the seeds; a = (1, 1), b = (0.6, 0.8), c = (0.8, 0.6) in Spanish, d = (−1, 0).
    private static readonly string[] Ids = ["s1", "s2", "a", "b", "c", "d"];
    private static readonly float[] Rows = [1f, 0f, 0f, 1f, 1f, 1f, 0.6f, 0.8f, 0.8f, 0.6f, -1f, 0f];

    private static VideoIndexAttributes Attributes(string id) => VideoIndexAttributes.Normalised(id == "c" ? "es" : "en", [], null);

    private static (SimilarToRecentCandidateGenerator Cached, SimilarToRecentCandidateGenerator Searched, NeighbourCache Cache) Generators(int capacity = 10)
    {
        var table = new VideoVectorTable(new IdIndex(Ids), Rows, 2);
        var index = new ExactVectorIndex(2, VectorMetric.Cosine);
        index.Upsert(table.Entries(Attributes).ToArray());
        var options = new CandidateGenerationOptions { SimilarRecencyDecay = 0.5, SimilarPerSeed = 2 };
        var cache = new NeighbourCache(index, 6, capacity);
        return (new SimilarToRecentCandidateGenerator(index, table, options, cache, Attributes), new SimilarToRecentCandidateGenerator(index, table, options), cache);
    }

    private static CandidateRequest Request(string? language = null) => new() { UserId = "u", Now = DateTimeOffset.UnixEpoch, RecentWatches = ["s1", "s2"], Language = language };

    [Fact]
    public async Task Cached_neighbours_give_the_searched_scores_and_each_seed_is_searched_once()
    {
        var (cached, searched, cache) = Generators();

        var first = await cached.GenerateAsync(Request(), 10, CancellationToken.None);
        var second = await cached.GenerateAsync(Request(), 10, CancellationToken.None);
        var reference = await searched.GenerateAsync(Request(), 10, CancellationToken.None);

        // Two neighbours per seed: s1's are itself and c (0.8), s2's itself and b (0.8); seeds are never proposed.
        Assert.Equal(reference, first);
        Assert.Equal(first, second);
        Assert.Equal(2, cache.Misses);
        Assert.Equal(2, cache.Hits);
    }

    [Fact]
    public async Task The_request_filter_applies_to_cached_neighbours()
    {
        var (cached, searched, _) = Generators();

        var english = await cached.GenerateAsync(Request("en"), 10, CancellationToken.None);
        var reference = await searched.GenerateAsync(Request("en"), 10, CancellationToken.None);

        Assert.DoesNotContain(english, c => c.VideoId == "c");
        Assert.Equal(reference, english);
    }

    [Fact]
    public async Task A_full_cache_starts_afresh()
    {
        var (cached, _, cache) = Generators(capacity: 1);

        await cached.GenerateAsync(Request(), 10, CancellationToken.None);
        await cached.GenerateAsync(Request(), 10, CancellationToken.None);

        // Capacity 1: s1 is stored, then s2 clears it and is stored; the second request misses s1 (clearing s2), then s2.
        Assert.Equal(4, cache.Misses);
        Assert.Equal(0, cache.Hits);
    }

    [Fact]
    public void Sizes_below_one_are_refused()
    {
        var index = new ExactVectorIndex(2, VectorMetric.Cosine);

        Assert.Throws<ArgumentOutOfRangeException>(() => new NeighbourCache(index, 0, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NeighbourCache(index, 10, 0));
    }
}
