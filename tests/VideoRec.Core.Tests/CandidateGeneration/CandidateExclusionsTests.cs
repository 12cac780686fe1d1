using VideoRec.Core.CandidateGeneration;
using VideoRec.Core.Ingestion;

namespace VideoRec.Core.Tests.CandidateGeneration;

/// <summary>Which videos a user must not be offered again.</summary>
public sealed class CandidateExclusionsTests
{
    [Fact]
    public void WatchedLikedDisliked_AreExcluded_AndImpressionsAtTheLimit()
    {
        // Limit 3: i3 shown 3 times → out; i2 shown 2 times → stays.
        var excluded = CandidateExclusions.Build(["w", "l"], ["d"], ["i3", "i2", "i3", "i2", "i3"], 3);

        Assert.Equal(new HashSet<string> { "w", "l", "d", "i3" }, excluded);
    }

    [Fact]
    public void EngagedVideos_DoNotCountTowardsTheImpressionRule_AndAppearOnce()
    {
        // w was watched and shown 4 times (excluded once, for the watch); x shown 1 time and y 2 times, limit 2 → y only.
        var excluded = CandidateExclusions.Build(["w", "w"], ["w"], ["w", "w", "w", "w", "x", "y", "y"], 2);

        Assert.Equal(new HashSet<string> { "w", "y" }, excluded);
        Assert.Equal(2, excluded.Count);
    }

    [Fact]
    public void LimitZero_TurnsTheImpressionRuleOff()
    {
        var excluded = CandidateExclusions.Build([], ["d"], Enumerable.Repeat("i", 100), 0);

        Assert.Equal(new HashSet<string> { "d" }, excluded);
    }

    [Fact]
    public void FromAggregates_UsesWatchedLikedDislikedAndImpressed()
    {
        var t = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        RecentItem R(string video) => new($"e-{video}-{t.Ticks}", t, video);
        var aggregates = new UserAggregates
        {
            UserId = "u",
            Watched = [R("w")],
            Liked = [R("l")],
            Disliked = [R("d")],
            // l shown twice but liked (engaged); s shown twice; o once; a search entry without a video is ignored.
            Impressed = [R("l"), R("l"), R("s"), R("s"), R("o"), new RecentItem("q", t, Query: "cats")],
        };

        var excluded = CandidateExclusions.From(aggregates, new CandidateGenerationOptions { MaxImpressionsWithoutClick = 2 });

        Assert.Equal(new HashSet<string> { "w", "l", "d", "s" }, excluded);
        Assert.Empty(CandidateExclusions.From(null, new CandidateGenerationOptions()));
        // The same count feeds re-ranking's over-exposure rule: l was liked, so only s (twice) and o (once) count.
        Assert.Equal(new Dictionary<string, int> { ["s"] = 2, ["o"] = 1 }, CandidateExclusions.ShownWithoutClick(aggregates));
        Assert.Empty(CandidateExclusions.ShownWithoutClick(null));
    }
}
