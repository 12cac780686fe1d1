using VideoRec.Core.CandidateGeneration;
using VideoRec.Core.CandidateGeneration.Activity;
using VideoRec.Core.CandidateGeneration.Generators;
using VideoRec.Core.CandidateGeneration.Index;
using VideoRec.Core.Matrix;
using static VideoRec.Core.Tests.CandidateGeneration.ActivitySnapshotTests;

namespace VideoRec.Core.Tests.CandidateGeneration;

/// <summary>The popular (country list first), trending and fresh generators over a hand-made snapshot.</summary>
public sealed class RankedListCandidateGeneratorTests
{
    private static CandidateRequest Request(string? country = null, string? language = null, params string[] excluded) => new()
    {
        UserId = "u",
        Now = AsOf,
        Country = country,
        Language = language,
        Excluded = new HashSet<string>(excluded),
    };

    /// <summary>
    /// Global: v0 10 (US), v3 4 (no country), v2 3 (FR), v1 2 (FR). FR list: v2 3, v1 2. US list: v0 10.
    /// v3 is German.
    /// </summary>
    private static ActivitySnapshot Snapshot()
    {
        var ids = new[] { "v0", "v1", "v2", "v3" };
        var catalogue = new CandidateCatalogue(new IdIndex(ids),
        [
            VideoIndexAttributes.Unrestricted, VideoIndexAttributes.Unrestricted, VideoIndexAttributes.Unrestricted,
            new VideoIndexAttributes { Language = "de" },
        ]);
        var views = new[]
        {
            Views("v0", 10, TimeSpan.FromHours(1), "US"), Views("v1", 2, TimeSpan.FromHours(1), "FR"),
            Views("v2", 3, TimeSpan.FromHours(1), "FR"), Views("v3", 4, TimeSpan.FromHours(1)),
        }.SelectMany(v => v);
        return ActivitySnapshot.Build(catalogue, views, AsOf, new CandidateGenerationOptions());
    }

    private static async Task<(string, float)[]> Run(ICandidateGenerator generator, CandidateRequest request, int count = 10)
    {
        var candidates = await generator.GenerateAsync(request, count, CancellationToken.None);
        Assert.All(candidates, c => Assert.Equal(generator.Name, c.Source));
        return candidates.Select(c => (c.VideoId, c.Score)).ToArray();
    }

    [Fact]
    public async Task Popular_WalksTheCountryListFirst_ThenGlobal_WithoutRepeats()
    {
        var snapshot = Snapshot();
        var popular = RankedListCandidateGenerator.Popular(() => snapshot);

        Assert.Equal(CandidateSources.Popular, popular.Name);
        // FR (lower-case in the request): v2, v1 from the FR list, then v0, v3 from the global one (v2, v1 not again).
        Assert.Equal([("v2", 3f), ("v1", 2f), ("v0", 10f), ("v3", 4f)], await Run(popular, Request("fr")));
        Assert.Equal([("v0", 10f), ("v3", 4f), ("v2", 3f), ("v1", 2f)], await Run(popular, Request("US")));
        Assert.Equal([("v0", 10f), ("v3", 4f), ("v2", 3f), ("v1", 2f)], await Run(popular, Request("DE"))); // no DE list
        Assert.Equal([("v0", 10f), ("v3", 4f), ("v2", 3f), ("v1", 2f)], await Run(popular, Request()));
        Assert.Equal([("v2", 3f), ("v1", 2f)], await Run(popular, Request("FR"), count: 2));
    }

    [Fact]
    public async Task Popular_SkipsVideosTheFilterRefuses()
    {
        var snapshot = Snapshot();
        var popular = RankedListCandidateGenerator.Popular(() => snapshot);

        // Excluded v2; English viewer → the German v3 is skipped.
        Assert.Equal([("v1", 2f), ("v0", 10f)], await Run(popular, Request("FR", "en", "v2")));
    }

    [Fact]
    public async Task TrendingAndFresh_WalkTheirLists_AndTheSnapshotIsReadPerCall()
    {
        var catalogue = Catalogue("old", "new", "newer");
        var first = ActivitySnapshot.Build(catalogue,
            [new ViewEvent("old", AsOf.AddDays(-40), null), new ViewEvent("new", AsOf.AddDays(-3), null), new ViewEvent("newer", AsOf.AddHours(-18), null)],
            AsOf, new CandidateGenerationOptions { FreshWindow = TimeSpan.FromDays(10) });
        var current = first;
        var fresh = RankedListCandidateGenerator.Fresh(() => current);
        var trending = RankedListCandidateGenerator.Trending(() => current);

        // Fresh from first views: newer 1 − 0.75/10 = 0.925, new 1 − 3/10 = 0.7; old is 40 days old.
        var freshList = await Run(fresh, Request());
        Assert.Equal(["newer", "new"], freshList.Select(c => c.Item1));
        Assert.Equal(0.925f, freshList[0].Item2, 5);
        Assert.Equal(0.7f, freshList[1].Item2, 5);
        Assert.Equal(CandidateSources.Fresh, fresh.Name);
        // Trending: only "newer" was viewed in the last day → r = 2^(−18/6) = 0.125 → ln(1.125) · 1.125 = 0.132506.
        var trendingList = await Run(trending, Request());
        Assert.Equal("newer", Assert.Single(trendingList).Item1);
        Assert.Equal(0.132506f, trendingList[0].Item2, 5);
        Assert.Equal(CandidateSources.Trending, trending.Name);

        // Swap the snapshot: the next call reads the new one.
        current = ActivitySnapshot.Build(catalogue, [new ViewEvent("old", AsOf, null)], AsOf, new CandidateGenerationOptions());
        Assert.Equal(["old"], (await Run(trending, Request())).Select(c => c.Item1));
        Assert.Empty(await Run(fresh, Request("US", null, "old")));
    }

    [Fact]
    public async Task BadArguments_Throw()
    {
        var snapshot = Snapshot();
        var popular = RankedListCandidateGenerator.Popular(() => snapshot);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await popular.GenerateAsync(Request(), 0, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await popular.GenerateAsync(null!, 1, CancellationToken.None));
        Assert.Throws<ArgumentNullException>(() => RankedListCandidateGenerator.Popular(null!));
    }
}
