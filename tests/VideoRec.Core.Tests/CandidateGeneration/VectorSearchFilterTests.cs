using VideoRec.Core.CandidateGeneration.Index;

namespace VideoRec.Core.Tests.CandidateGeneration;

/// <summary>VectorSearchFilter.Matches, one field at a time, on hand-made attribute sets.</summary>
public sealed class VectorSearchFilterTests
{
    private static readonly DateTimeOffset T = new(2026, 1, 10, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Language_IsCaseInsensitive_AndUnknownLanguagePasses()
    {
        var filter = new VectorSearchFilter { Language = "EN" };

        Assert.True(filter.Matches("v", new VideoIndexAttributes { Language = "en" }));
        Assert.True(filter.Matches("v", new VideoIndexAttributes { Language = "En" }));
        Assert.False(filter.Matches("v", new VideoIndexAttributes { Language = "fr" }));
        Assert.True(filter.Matches("v", new VideoIndexAttributes { Language = null })); // unknown language matches any
        Assert.True(VectorSearchFilter.None.Matches("v", new VideoIndexAttributes { Language = "fr" })); // no language filter
    }

    [Fact]
    public void Country_EmptyRegionsMeansEverywhere_OtherwiseMustBeListed()
    {
        var filter = new VectorSearchFilter { Country = "fr" };

        Assert.True(filter.Matches("v", new VideoIndexAttributes { AllowedRegions = [] }));
        Assert.True(filter.Matches("v", new VideoIndexAttributes { AllowedRegions = ["DE", "FR"] }));
        Assert.False(filter.Matches("v", new VideoIndexAttributes { AllowedRegions = ["DE", "US"] }));
        Assert.True(VectorSearchFilter.None.Matches("v", new VideoIndexAttributes { AllowedRegions = ["DE"] }));
    }

    [Fact]
    public void Hidden_FailsUnlessIncludeHidden()
    {
        var hidden = new VideoIndexAttributes { Hidden = true };

        Assert.False(VectorSearchFilter.None.Matches("v", hidden));
        Assert.False(new VectorSearchFilter { Language = "en" }.Matches("v", hidden));
        Assert.True(new VectorSearchFilter { IncludeHidden = true }.Matches("v", hidden));
        Assert.True(VectorSearchFilter.None.Matches("v", VideoIndexAttributes.Unrestricted));
    }

    [Fact]
    public void UploadWindow_StartInclusive_EndExclusive_UnknownUploadFails()
    {
        var from = T;
        var before = T.AddDays(1);
        var window = new VectorSearchFilter { UploadedFrom = from, UploadedBefore = before };

        Assert.True(window.Matches("v", new VideoIndexAttributes { UploadedAt = from }));              // start inclusive
        Assert.True(window.Matches("v", new VideoIndexAttributes { UploadedAt = before.AddTicks(-1) }));
        Assert.False(window.Matches("v", new VideoIndexAttributes { UploadedAt = before }));           // end exclusive
        Assert.False(window.Matches("v", new VideoIndexAttributes { UploadedAt = from.AddTicks(-1) }));
        Assert.False(window.Matches("v", new VideoIndexAttributes { UploadedAt = null }));             // unknown fails a window

        // Each bound alone also refuses an unknown upload time; no window accepts it.
        Assert.False(new VectorSearchFilter { UploadedFrom = from }.Matches("v", new VideoIndexAttributes()));
        Assert.False(new VectorSearchFilter { UploadedBefore = before }.Matches("v", new VideoIndexAttributes()));
        Assert.True(new VectorSearchFilter { UploadedBefore = before }.Matches("v", new VideoIndexAttributes { UploadedAt = from }));
        Assert.True(VectorSearchFilter.None.Matches("v", new VideoIndexAttributes()));
    }

    [Fact]
    public void ExcludedIds_Fail_OthersPass()
    {
        var filter = new VectorSearchFilter { ExcludedVideoIds = new HashSet<string>(StringComparer.Ordinal) { "a", "b" } };

        Assert.False(filter.Matches("a", VideoIndexAttributes.Unrestricted));
        Assert.False(filter.Matches("b", VideoIndexAttributes.Unrestricted));
        Assert.True(filter.Matches("c", VideoIndexAttributes.Unrestricted));
        Assert.True(filter.Matches("A", VideoIndexAttributes.Unrestricted)); // ids are ordinal
    }

    [Fact]
    public void AllFieldsCombine_AndIsSelectiveReflectsThem()
    {
        var filter = new VectorSearchFilter { Language = "en", Country = "US", ExcludedVideoIds = new HashSet<string> { "x" } };
        var ok = new VideoIndexAttributes { Language = "en", AllowedRegions = ["US"], UploadedAt = T };

        Assert.True(filter.Matches("v", ok));
        Assert.False(filter.Matches("x", ok));
        Assert.False(filter.Matches("v", ok with { Language = "de" }));
        Assert.False(filter.Matches("v", ok with { AllowedRegions = ["CA"] }));
        Assert.False(filter.Matches("v", ok with { Hidden = true }));

        Assert.False(VectorSearchFilter.None.IsSelective);
        Assert.False(new VectorSearchFilter { IncludeHidden = true, ExcludedVideoIds = new HashSet<string>() }.IsSelective);
        Assert.True(filter.IsSelective);
        Assert.True(new VectorSearchFilter { UploadedBefore = T }.IsSelective);
        Assert.Throws<ArgumentNullException>(() => filter.Matches("v", null!));
    }
}
