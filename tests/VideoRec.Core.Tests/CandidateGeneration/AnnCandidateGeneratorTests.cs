using VideoRec.Core.CandidateGeneration;
using VideoRec.Core.CandidateGeneration.Generators;
using VideoRec.Core.CandidateGeneration.Index;

namespace VideoRec.Core.Tests.CandidateGeneration;

/// <summary>The two-tower and WALS generators: nothing without a user vector; the request's filter inside the search.</summary>
public sealed class AnnCandidateGeneratorTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 10, 0, 0, 0, TimeSpan.Zero);

    private static ExactVectorIndex Index()
    {
        var index = new ExactVectorIndex(2, VectorMetric.InnerProduct);
        index.Upsert(
        [
            new IndexedVideo("a", new float[] { 4f, 0f }, VideoIndexAttributes.Unrestricted),
            new IndexedVideo("b", new float[] { 3f, 1f }, VideoIndexAttributes.Unrestricted),
            new IndexedVideo("c", new float[] { 2f, 0f }, new VideoIndexAttributes { Language = "fr" }),
            new IndexedVideo("d", new float[] { 1f, 0f }, new VideoIndexAttributes { AllowedRegions = ["FR"] }),
            new IndexedVideo("e", new float[] { 0f, 1f }, VideoIndexAttributes.Unrestricted),
        ]);
        return index;
    }

    [Fact]
    public async Task NoUserVector_ProposesNothing()
    {
        var index = Index();
        var request = new CandidateRequest { UserId = "u", Now = Now };

        Assert.Empty(await AnnCandidateGenerator.Wals(index).GenerateAsync(request, 10, CancellationToken.None));
        Assert.Empty(await AnnCandidateGenerator.TwoTower(index).GenerateAsync(request, 10, CancellationToken.None));
    }

    [Fact]
    public async Task Wals_SearchesWithTheWalsVector_ByScore()
    {
        var generator = AnnCandidateGenerator.Wals(Index());
        var request = new CandidateRequest { UserId = "u", Now = Now, WalsVector = new float[] { 1f, 2f }, TwoTowerEmbedding = new float[] { 0f, 1f } };

        var candidates = await generator.GenerateAsync(request, 3, CancellationToken.None);

        // (1, 2)·a = 4, ·b = 3 + 2 = 5, ·c = 2, ·d = 1, ·e = 2 → b, a, then c and e tie at 2 (c inserted first).
        Assert.Equal([new Candidate("b", 5f, "wals"), new Candidate("a", 4f, "wals"), new Candidate("c", 2f, "wals")], candidates);
        Assert.Equal(CandidateSources.Wals, generator.Name);
    }

    [Fact]
    public async Task TwoTower_UsesTheTwoTowerEmbedding_AndPassesTheRequestFilter()
    {
        var generator = AnnCandidateGenerator.TwoTower(Index());
        var request = new CandidateRequest
        {
            UserId = "u",
            Now = Now,
            TwoTowerEmbedding = new float[] { 1f, 0f },
            WalsVector = new float[] { 0f, 1f },
            Language = "en",
            Country = "US",
            Excluded = new HashSet<string> { "a" },
        };

        var candidates = await generator.GenerateAsync(request, 10, CancellationToken.None);

        // (1, 0): a 4 (excluded), b 3, c 2 (French), d 1 (FR only), e 0 → b, e.
        Assert.Equal([new Candidate("b", 3f, "twotower"), new Candidate("e", 0f, "twotower")], candidates);
        Assert.Equal(CandidateSources.TwoTower, generator.Name);
    }

    [Fact]
    public async Task ExcludedVideos_AreNeverReturned_EvenWhenTheyScoreBest()
    {
        var generator = AnnCandidateGenerator.Wals(Index());
        var request = new CandidateRequest
        {
            UserId = "u",
            Now = Now,
            WalsVector = new float[] { 1f, 0f },
            Excluded = new HashSet<string> { "a", "b", "c" },
        };

        // Only d (1) and e (0) are left; k = 2 returns both.
        Assert.Equal(["d", "e"], (await generator.GenerateAsync(request, 2, CancellationToken.None)).Select(c => c.VideoId));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await generator.GenerateAsync(request, 0, CancellationToken.None));
    }
}
