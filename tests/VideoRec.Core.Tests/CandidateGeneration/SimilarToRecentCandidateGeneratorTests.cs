using VideoRec.Core.CandidateGeneration;
using VideoRec.Core.CandidateGeneration.Generators;
using VideoRec.Core.CandidateGeneration.Index;
using VideoRec.Core.Matrix;

namespace VideoRec.Core.Tests.CandidateGeneration;

/// <summary>Item-to-item retrieval from the recent watches: Σ decayⁱ · similarity on a tiny cosine index.</summary>
public sealed class SimilarToRecentCandidateGeneratorTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 10, 0, 0, 0, TimeSpan.Zero);

    // s1 = (1, 0), s2 = (0, 1) are the seeds; a = (1, 1), b = (0.6, 0.8), c = (0.8, 0.6), d = (−1, 0).
    private static readonly string[] Ids = ["s1", "s2", "a", "b", "c", "d"];
    private static readonly float[] Rows = [1f, 0f, 0f, 1f, 1f, 1f, 0.6f, 0.8f, 0.8f, 0.6f, -1f, 0f];

    private static SimilarToRecentCandidateGenerator Generator(CandidateGenerationOptions options)
    {
        var table = new VideoVectorTable(new IdIndex(Ids), Rows, 2);
        var index = new ExactVectorIndex(2, VectorMetric.Cosine);
        index.Upsert(table.Entries().ToArray());
        return new SimilarToRecentCandidateGenerator(index, table, options);
    }

    private static CandidateRequest Request(string[] recent, params string[] excluded) => new()
    {
        UserId = "u",
        Now = Now,
        RecentWatches = recent,
        Excluded = new HashSet<string>(excluded),
    };

    [Fact]
    public async Task Scores_AreDecayWeightedSumsOfSimilarity_AndSeedsAreNeverReturned()
    {
        var generator = Generator(new CandidateGenerationOptions { SimilarRecencyDecay = 0.5 });

        // Seeds s1 (weight 1), s2 (weight 0.5); the repeated s1 is counted once (it would add 0.25 · sim).
        // c: 0.8 + 0.5 · 0.6 = 1.1; a: 0.70711 + 0.5 · 0.70711 = 1.06066; b: 0.6 + 0.5 · 0.8 = 1.0; d: −1 + 0.5 · 0 = −1.
        // s1 and s2 find each other (cosine 0) but, being seeds, are not proposed — not even with an empty exclusion set.
        var candidates = await generator.GenerateAsync(Request(["s1", "s2", "s1"]), 10, CancellationToken.None);

        Assert.Equal(["c", "a", "b", "d"], candidates.Select(c => c.VideoId));
        Assert.Equal([1.1, 1.06066, 1.0, -1.0], candidates.Select(c => Math.Round(c.Score, 5)));
        Assert.All(candidates, c => Assert.Equal(CandidateSources.Similar, c.Source));
    }

    [Fact]
    public async Task NewestSeedWeighsMost()
    {
        var generator = Generator(new CandidateGenerationOptions { SimilarRecencyDecay = 0.5 });

        // Seeds reversed: s2 weight 1, s1 weight 0.5.
        // b: 0.8 + 0.5 · 0.6 = 1.1; a: 1.06066; c: 0.6 + 0.5 · 0.8 = 1.0; d: 0 + 0.5 · (−1) = −0.5.
        var candidates = await generator.GenerateAsync(Request(["s2", "s1"]), 3, CancellationToken.None);

        Assert.Equal(["b", "a", "c"], candidates.Select(c => c.VideoId));
        Assert.Equal([1.1, 1.06066, 1.0], candidates.Select(c => Math.Round(c.Score, 5)));
    }

    [Fact]
    public async Task SeedLimit_ExclusionsAndUnknownSeeds()
    {
        var generator = Generator(new CandidateGenerationOptions { SimilarSeeds = 1 });

        // Only the newest known seed s1 is used ("gone" has no vector): c 0.8, a 0.70711, b 0.6, d −1; s2 is excluded
        // (watched) and c is excluded.
        var candidates = await generator.GenerateAsync(Request(["gone", "s1", "s2"], "s2", "c"), 10, CancellationToken.None);

        Assert.Equal(["a", "b", "d"], candidates.Select(c => c.VideoId));
        Assert.Equal([0.70711, 0.6, -1.0], candidates.Select(c => Math.Round(c.Score, 5)));
        Assert.Empty(await generator.GenerateAsync(Request([]), 10, CancellationToken.None));
        Assert.Empty(await generator.GenerateAsync(Request(["gone"]), 10, CancellationToken.None));
    }
}
