using VideoRec.Core.CandidateGeneration;

namespace VideoRec.Core.Tests.CandidateGeneration;

/// <summary>Defaults are valid; Validate names every bad setting.</summary>
public sealed class CandidateGenerationOptionsTests
{
    [Fact]
    public void Defaults_AreValid_AndSourcesRunInPriorityOrder()
    {
        var options = new CandidateGenerationOptions();

        Assert.Empty(options.Validate());
        Assert.Same(options, options.EnsureValid());
        // Default reserved quotas: 0.10 + 0.10 + 0.03 + 0.03 + 0.02 + 0.02 = 0.30 ≤ 1; the rest goes by fusion.
        Assert.Equal(0.30, options.Sources.Values.Sum(s => s.Quota), 9);
        Assert.Equal(CandidateSources.All, options.EnabledSources.Select(s => s.Key));

        options.Sources["zeta"] = new CandidateSourceOptions();
        options.Sources["alpha"] = new CandidateSourceOptions();
        options.Sources[CandidateSources.Wals].Enabled = false;
        Assert.Equal(["twotower", "similar", "popular", "trending", "fresh", "alpha", "zeta"], options.EnabledSources.Select(s => s.Key));
    }

    public static TheoryData<string, string> Invalid() => new()
    {
        { "MergedCount=0", "MergedCount" },
        { "MergedCount=100001", "MergedCount" },
        { "Count=0", "Sources:wals:Count" },
        { "Quota=-0.1", "Sources:wals:Quota" },
        { "Quota=1.5", "Sources:wals:Quota" },
        { "Quota=NaN", "Sources:wals:Quota" },
        { "BudgetMs=0", "Sources:wals:BudgetMs" },
        { "Source=null", "Sources:wals is empty" },
        { "PopularWindow=0", "PopularWindow" },
        { "TrendingWindow=-1h", "TrendingWindow" },
        { "TrendingHalfLife=0", "TrendingHalfLife" },
        { "FreshWindow=0", "FreshWindow" },
        { "TrendingBaseline=TrendingWindow", "TrendingBaseline" },
        { "SimilarSeeds=0", "SimilarSeeds" },
        { "SimilarPerSeed=0", "SimilarPerSeed" },
        { "SimilarRecencyDecay=0", "SimilarRecencyDecay" },
        { "SimilarRecencyDecay=1.5", "SimilarRecencyDecay" },
        { "RankedListLength=0", "RankedListLength" },
        { "MaxImpressionsWithoutClick=-1", "MaxImpressionsWithoutClick" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void EachInvalidSetting_IsNamed(string change, string named)
    {
        var options = new CandidateGenerationOptions();
        var wals = options.Sources[CandidateSources.Wals];
        Action apply = change switch
        {
            "MergedCount=0" => () => options.MergedCount = 0,
            "MergedCount=100001" => () => options.MergedCount = 100_001,
            "Count=0" => () => wals.Count = 0,
            "Quota=-0.1" => () => wals.Quota = -0.1,
            "Quota=1.5" => () => wals.Quota = 1.5,
            "Quota=NaN" => () => wals.Quota = double.NaN,
            "BudgetMs=0" => () => wals.BudgetMs = 0,
            "Source=null" => () => options.Sources[CandidateSources.Wals] = null!,
            "PopularWindow=0" => () => options.PopularWindow = TimeSpan.Zero,
            "TrendingWindow=-1h" => () => options.TrendingWindow = TimeSpan.FromHours(-1),
            "TrendingHalfLife=0" => () => options.TrendingHalfLife = TimeSpan.Zero,
            "FreshWindow=0" => () => options.FreshWindow = TimeSpan.Zero,
            "TrendingBaseline=TrendingWindow" => () => options.TrendingBaseline = options.TrendingWindow,
            "SimilarSeeds=0" => () => options.SimilarSeeds = 0,
            "SimilarPerSeed=0" => () => options.SimilarPerSeed = 0,
            "SimilarRecencyDecay=0" => () => options.SimilarRecencyDecay = 0,
            "SimilarRecencyDecay=1.5" => () => options.SimilarRecencyDecay = 1.5,
            "RankedListLength=0" => () => options.RankedListLength = 0,
            "MaxImpressionsWithoutClick=-1" => () => options.MaxImpressionsWithoutClick = -1,
            _ => throw new ArgumentOutOfRangeException(nameof(change)),
        };
        apply();

        var errors = options.Validate();

        var error = Assert.Single(errors);
        Assert.Contains(named, error);
        var thrown = Assert.Throws<ArgumentException>(() => options.EnsureValid());
        Assert.Contains(named, thrown.Message);
    }

    [Fact]
    public void QuotasAboveOne_AreRefused_CountingOnlyEnabledSources()
    {
        var options = new CandidateGenerationOptions();
        options.Sources[CandidateSources.TwoTower].Quota = 0.95;

        // 0.95 + 0.10 + 0.03 + 0.03 + 0.02 + 0.02 = 1.15.
        Assert.Contains("add up to 1.15", Assert.Single(options.Validate()));

        // Disabling wals (0.10) and similar (0.03) leaves 0.95 + 0.03 + 0.02 + 0.02 = 1.02: still refused.
        options.Sources[CandidateSources.Wals].Enabled = false;
        options.Sources[CandidateSources.Similar].Enabled = false;
        Assert.Contains("add up to 1.02", Assert.Single(options.Validate()));

        // Disabling popular too leaves 0.99: accepted.
        options.Sources[CandidateSources.Popular].Enabled = false;
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void SeveralProblems_AreAllReported()
    {
        var options = new CandidateGenerationOptions { MergedCount = 0, SimilarSeeds = 0, RankedListLength = -5 };

        var errors = options.Validate();

        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.Contains("MergedCount", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("SimilarSeeds", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("RankedListLength", StringComparison.Ordinal));
    }
}
