using VideoRec.Core.CandidateGeneration;
using VideoRec.Core.CandidateGeneration.Activity;

namespace VideoRec.Core.Tests.CandidateGeneration;

/// <summary>Odd settings and events for activity snapshots and the generation options.</summary>
public sealed class CandidateGenerationEdgeCaseTests
{
    private static readonly DateTimeOffset AsOf = ActivitySnapshotTests.AsOf;

    [Fact]
    public void Windows_longer_than_the_calendar_count_every_view_instead_of_throwing()
    {
        // asOf − TimeSpan.MaxValue is before year 1: DateTimeOffset threw ArgumentOutOfRangeException although the
        // validator accepts any positive window. A window reaching past year 1 now means "all history".
        var options = new CandidateGenerationOptions
        {
            PopularWindow = TimeSpan.MaxValue,
            TrendingBaseline = TimeSpan.MaxValue,
            FreshWindow = TimeSpan.MaxValue,
        };
        var views = new[] { new ViewEvent("v0", default, null), new ViewEvent("v1", AsOf.AddYears(-500), null), new ViewEvent("v1", AsOf, null) };

        var snapshot = ActivitySnapshot.Build(ActivitySnapshotTests.Catalogue("v0", "v1"), views, AsOf, options);

        Assert.Equal([(1, 2f), (0, 1f)], snapshot.Popular.Select(p => (p.Index, p.Score)));
        Assert.Equal([1, 0], snapshot.Fresh.Select(p => p.Index));
    }

    [Fact]
    public void Missing_sources_are_a_validation_error_not_a_crash()
    {
        // Validate skipped a null Sources (Sources ?? []) and reported nothing; the pipeline then threw
        // NullReferenceException reading EnabledSources.
        var options = new CandidateGenerationOptions { Sources = null! };

        Assert.Equal(["Sources is missing."], options.Validate());
        var e = Assert.Throws<ArgumentException>(() => new CandidateGenerationPipeline([], options));
        Assert.Equal("Invalid candidate generation settings:" + Environment.NewLine + "Sources is missing.", e.Message);
    }

    [Fact]
    public void A_view_without_a_video_id_is_ignored_like_an_unknown_video()
    {
        // The id went straight into the catalogue's dictionary lookup: ArgumentNullException, and no snapshot at all
        // because of one bad event.
        var views = new[] { new ViewEvent(null!, AsOf.AddHours(-1), "US"), new ViewEvent("v1", AsOf.AddHours(-1), "US") };

        var snapshot = ActivitySnapshot.Build(ActivitySnapshotTests.Catalogue("v0", "v1"), views, AsOf, new CandidateGenerationOptions());

        Assert.Equal([(1, 1f)], snapshot.Popular.Select(p => (p.Index, p.Score)));
    }
}
