using VideoRec.Core.CandidateGeneration;
using VideoRec.Core.CandidateGeneration.Activity;
using VideoRec.Core.CandidateGeneration.Index;
using VideoRec.Core.Matrix;

namespace VideoRec.Core.Tests.CandidateGeneration;

/// <summary>Popular, per-country popular, trending and fresh lists built from hand-made view events.</summary>
public sealed class ActivitySnapshotTests
{
    internal static readonly DateTimeOffset AsOf = new(2026, 1, 10, 0, 0, 0, TimeSpan.Zero);

    internal static CandidateCatalogue Catalogue(params string[] ids) =>
        new(new IdIndex(ids), ids.Select(_ => VideoIndexAttributes.Unrestricted).ToArray());

    internal static IEnumerable<ViewEvent> Views(string video, int count, TimeSpan age, string? country = null) =>
        Enumerable.Repeat(new ViewEvent(video, AsOf - age, country), count);

    private static readonly CandidateGenerationOptions TwoDayPopular = new() { PopularWindow = TimeSpan.FromDays(2) };

    [Fact]
    public void Popular_CountsOnlyViewsInTheWindow_IgnoringFutureAndUnknownVideos()
    {
        var catalogue = Catalogue("v0", "v1", "v2", "v3");
        var views = new[]
        {
            // v0: 3 in the window (one exactly at its start, one exactly at AsOf) + 10 five days ago (outside) → 3.
            Views("v0", 1, TimeSpan.FromDays(2)), Views("v0", 1, TimeSpan.Zero), Views("v0", 1, TimeSpan.FromHours(5)),
            Views("v0", 10, TimeSpan.FromDays(5)),
            // v1: 4 in the window → 4 (ranks first although v0 has 13 all-time).
            Views("v1", 4, TimeSpan.FromHours(1)),
            // v2: 1 in the window + 5 after AsOf (ignored) → 1.
            Views("v2", 1, TimeSpan.FromHours(1)), Views("v2", 5, TimeSpan.FromHours(-1)),
            // v3: one view just outside the window → not listed. Unknown videos are ignored.
            Views("v3", 1, TimeSpan.FromDays(2) + TimeSpan.FromTicks(1)), Views("nope", 50, TimeSpan.FromHours(1)),
        }.SelectMany(v => v);

        var snapshot = ActivitySnapshot.Build(catalogue, views, AsOf, TwoDayPopular);

        Assert.Equal([(1, 4f), (0, 3f), (2, 1f)], snapshot.Popular.Select(p => (p.Index, p.Score)));
        Assert.Equal(AsOf, snapshot.AsOf);
        Assert.Same(catalogue, snapshot.Catalogue);
    }

    [Fact]
    public void PopularByCountry_UsesUpperCaseKeys_AndOnlyViewsWithACountry()
    {
        var views = new[]
        {
            Views("v0", 2, TimeSpan.FromHours(1), "fr"), Views("v0", 1, TimeSpan.FromHours(1), "FR"),
            Views("v1", 4, TimeSpan.FromHours(1), "Fr"), Views("v1", 1, TimeSpan.FromHours(1), "us"),
            Views("v2", 7, TimeSpan.FromHours(1)), Views("v2", 1, TimeSpan.FromHours(1), ""), // no country: global only
            Views("v0", 9, TimeSpan.FromDays(3), "FR"),                                         // outside the window
        }.SelectMany(v => v);

        var snapshot = ActivitySnapshot.Build(Catalogue("v0", "v1", "v2"), views, AsOf, TwoDayPopular);

        Assert.Equal(["FR", "US"], snapshot.PopularByCountry.Keys.Order());
        Assert.Equal([(1, 4f), (0, 3f)], snapshot.PopularByCountry["FR"].Select(p => (p.Index, p.Score)));
        Assert.Equal([(1, 1f)], snapshot.PopularByCountry["US"].Select(p => (p.Index, p.Score)));
        // Global: v2 = 7 + 1 = 8, v1 = 4 + 1 = 5, v0 = 2 + 1 = 3.
        Assert.Equal([(2, 8f), (1, 5f), (0, 3f)], snapshot.Popular.Select(p => (p.Index, p.Score)));
    }

    [Fact]
    public void TrendingScore_MatchesTheDocumentedFormula()
    {
        // Defaults: W = 24 h, h = 6 h, baseline window 7 d → 144 h before the recent window.
        // r = 1.75, baseline = 144 views → rate = 1 / h.
        // e = 1 · 6 / ln 2 · (1 − 2^(−24/6)) = 8.656170 · 0.9375 = 8.115160.
        // score = ln(2.75) · 2.75 / (8.115160 + 1) = 1.011601 · 2.75 / 9.115160 = 0.305195.
        var options = new CandidateGenerationOptions();
        Assert.Equal(0.305195, ActivitySnapshot.TrendingScore(1.75, 144, options), 6);
        // No baseline: e = 0 → ln(2.75) · 2.75 = 2.781903.
        Assert.Equal(2.781903, ActivitySnapshot.TrendingScore(1.75, 0, options), 6);
        Assert.Equal(0, ActivitySnapshot.TrendingScore(0, 144, options));
    }

    [Fact]
    public void Trending_BuildsTheSameScoreFromViews()
    {
        // Recent views aged 0 h, 6 h, 12 h weigh 1 + 0.5 + 0.25 = 1.75; 144 baseline views spread over the 6 days before
        // the recent window (one per hour, ages 24.5 h … 167.5 h) → the 0.305195 of the formula example.
        var views = new[] { 0, 6, 12 }.Select(h => new ViewEvent("t", AsOf.AddHours(-h), null))
            .Concat(Enumerable.Range(0, 144).Select(i => new ViewEvent("t", AsOf.AddHours(-24.5 - i), null)))
            .Append(new ViewEvent("t", AsOf.AddDays(-8), null)); // before the baseline window: ignored

        var snapshot = ActivitySnapshot.Build(Catalogue("t", "idle"), views, AsOf, new CandidateGenerationOptions());

        var only = Assert.Single(snapshot.Trending); // "idle" has no recent views → score 0 → not listed
        Assert.Equal(0, only.Index);
        Assert.Equal(0.305195, only.Score, 5);
    }

    [Fact]
    public void Trending_AGrowingVideoOutranksASteadyPopularOne()
    {
        // Growing g: 3 views now, none before: r = 3, e = 0 → ln 4 · 4 = 5.545.
        // Steady s: one view an hour for 7 days (168 views): baseline 144 → e = 8.1152; recent ages 0.5 … 23.5 h →
        // r = Σ 2^(−(k + 0.5)/6), k = 0..23 = 8.1106 → ln(9.1106) · 9.1106 / 9.1152 = 2.2084.
        var views = Enumerable.Range(0, 168).Select(k => new ViewEvent("s", AsOf.AddHours(-0.5 - k), null))
            .Concat(Enumerable.Repeat(new ViewEvent("g", AsOf, null), 3));

        var snapshot = ActivitySnapshot.Build(Catalogue("s", "g"), views, AsOf, new CandidateGenerationOptions());

        Assert.Equal([1, 0], snapshot.Trending.Select(t => t.Index));
        Assert.Equal(5.545177, snapshot.Trending[0].Score, 4);
        Assert.Equal(2.208351, snapshot.Trending[1].Score, 4);
        Assert.Equal([0, 1], snapshot.Popular.Select(p => p.Index)); // while popular ranks the steady one first (168 vs 3)
    }

    [Fact]
    public void Fresh_UsesUploadTime_FallsBackToFirstView_NewestFirst_WithinTheWindow()
    {
        var ids = new[] { "f0", "f1", "f2", "f3", "f4", "f5", "f6" };
        VideoIndexAttributes Up(double daysAgo) => new() { UploadedAt = AsOf.AddDays(-daysAgo) };
        var catalogue = new CandidateCatalogue(new IdIndex(ids),
        [
            Up(1),  // f0: score 1 − 1/10 = 0.9
            Up(5),  // f1: 1 − 5/10 = 0.5
            Up(20), // f2: outside the 10-day window
            new(),  // f3: unknown upload, first view 2 days ago → 1 − 2/10 = 0.8
            new(),  // f4: unknown upload, never viewed → not fresh
            Up(-1), // f5: uploaded after AsOf → not listed
            new(),  // f6: unknown upload, first view 30 days ago (recent views do not make it new)
        ]);
        var views = new[]
        {
            new ViewEvent("f3", AsOf.AddHours(-1), null), new ViewEvent("f3", AsOf.AddDays(-2), null),
            new ViewEvent("f6", AsOf.AddHours(-1), null), new ViewEvent("f6", AsOf.AddDays(-30), null),
            new ViewEvent("f1", AsOf.AddDays(-9.5), null), // a view before f1's upload does not move it
            new ViewEvent("f4", AsOf.AddDays(1), null),    // a future view is ignored
        };

        var snapshot = ActivitySnapshot.Build(catalogue, views, AsOf, new CandidateGenerationOptions { FreshWindow = TimeSpan.FromDays(10) });

        Assert.Equal([0, 3, 1], snapshot.Fresh.Select(f => f.Index));
        Assert.Equal(0.9, snapshot.Fresh[0].Score, 6);
        Assert.Equal(0.8, snapshot.Fresh[1].Score, 6);
        Assert.Equal(0.5, snapshot.Fresh[2].Score, 6);
    }

    [Fact]
    public void Lists_AreTruncatedToRankedListLength_AndInvalidOptionsThrow()
    {
        var views = new[] { Views("a", 3, TimeSpan.FromHours(1)), Views("b", 2, TimeSpan.FromHours(1)), Views("c", 1, TimeSpan.FromHours(1)) }
            .SelectMany(v => v);

        var snapshot = ActivitySnapshot.Build(Catalogue("a", "b", "c"), views, AsOf, new CandidateGenerationOptions { RankedListLength = 2 });

        Assert.Equal([0, 1], snapshot.Popular.Select(p => p.Index));
        Assert.Throws<ArgumentException>(() => ActivitySnapshot.Build(Catalogue("a"), [], AsOf, new CandidateGenerationOptions { RankedListLength = 0 }));
        Assert.Throws<ArgumentException>(() => new CandidateCatalogue(new IdIndex(["a", "b"]), [VideoIndexAttributes.Unrestricted]));
    }
}
