namespace VideoRec.Core.CandidateGeneration;

/// <summary>One candidate source's settings.</summary>
public sealed class CandidateSourceOptions
{
    /// <summary>Whether the source runs.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How many videos to ask the source for; <c>null</c> asks for <see cref="CandidateGenerationOptions.MergedCount"/>.</summary>
    public int? Count { get; set; }

    /// <summary>
    /// The share of the merged list reserved for this source, in [0, 1]: the merger first takes its best
    /// ⌊quota · merged count⌋ videos not yet taken (see <see cref="CandidateMerger"/>).
    /// </summary>
    public double Quota { get; set; }

    /// <summary>The source's weight in reciprocal-rank fusion, at least 0 (default 1).</summary>
    public double Weight { get; set; } = 1;

    /// <summary>Time budget in milliseconds; the source is skipped and reported when it overruns.</summary>
    public int BudgetMs { get; set; } = 50;
}

/// <summary>
/// Settings of candidate generation (configuration section <c>VideoRec:Candidates</c>). The defaults work on the
/// shipped data; <see cref="Validate"/> names every bad setting.
/// </summary>
public sealed class CandidateGenerationOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "VideoRec:Candidates";

    /// <summary>Size of the merged candidate list handed to scoring (design: "thousands").</summary>
    public int MergedCount { get; set; } = 1000;

    /// <summary>Per-source settings by source name (<see cref="CandidateSources"/>); a source absent here is off.</summary>
    public Dictionary<string, CandidateSourceOptions> Sources { get; set; } = new(StringComparer.Ordinal)
    {
        [CandidateSources.TwoTower] = new() { Count = 400, Quota = 0.10, Weight = 1 },
        [CandidateSources.Wals] = new() { Count = 400, Quota = 0.10, Weight = 1 },
        [CandidateSources.Similar] = new() { Count = 300, Quota = 0.03, Weight = 0.5 },
        [CandidateSources.Popular] = new() { Count = 300, Quota = 0.03, Weight = 0.3 },
        [CandidateSources.Trending] = new() { Count = 200, Quota = 0.02, Weight = 0.1 },
        [CandidateSources.Fresh] = new() { Count = 200, Quota = 0.02, Weight = 0.1 },
    };

    /// <summary>The window popular counts views over (not all-time), default 30 days.</summary>
    public TimeSpan PopularWindow { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The recent window trending measures growth in, default 1 day.</summary>
    public TimeSpan TrendingWindow { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The window before <see cref="TrendingWindow"/> that sets each video's baseline view rate, default 7 days (it includes the recent window's span).</summary>
    public TimeSpan TrendingBaseline { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Half-life of a view's weight in the trending score, default 6 hours.</summary>
    public TimeSpan TrendingHalfLife { get; set; } = TimeSpan.FromHours(6);

    /// <summary>How recent an upload must be for the fresh source, default 30 days.</summary>
    public TimeSpan FreshWindow { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How many recently watched videos seed the similar source, default 10.</summary>
    public int SimilarSeeds { get; set; } = 10;

    /// <summary>Neighbours fetched per seed video, default 50.</summary>
    public int SimilarPerSeed { get; set; } = 50;

    /// <summary>Weight of the i-th most recent seed is decay^i, in (0, 1]; default 0.85.</summary>
    public double SimilarRecencyDecay { get; set; } = 0.85;

    /// <summary>Length of the precomputed popular, trending and fresh lists (filters skip through them), default 10,000.</summary>
    public int RankedListLength { get; set; } = 10_000;

    /// <summary>A video shown this many times without a click is excluded from candidates, default 5 (0 turns the rule off).</summary>
    public int MaxImpressionsWithoutClick { get; set; } = 5;

    /// <summary>The enabled sources with their settings, in <see cref="CandidateSources.All"/> order, then any others by name.</summary>
    public IEnumerable<KeyValuePair<string, CandidateSourceOptions>> EnabledSources =>
        (Sources ?? []).Where(s => s.Value is { Enabled: true })
            .OrderBy(s => CandidateSources.Priority(s.Key))
            .ThenBy(s => s.Key, StringComparer.Ordinal);

    /// <summary>Every problem with the settings, each naming the setting; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MergedCount is < 1 or > 100_000)
        {
            errors.Add($"{nameof(MergedCount)} must be 1–100000 (found {MergedCount}).");
        }

        if (Sources is null)
        {
            errors.Add($"{nameof(Sources)} is missing.");
        }

        var quotaSum = 0.0;
        foreach (var (name, source) in Sources ?? [])
        {
            if (source is null)
            {
                errors.Add($"{nameof(Sources)}:{name} is empty.");
                continue;
            }

            if (source.Count is < 1)
            {
                errors.Add($"{nameof(Sources)}:{name}:{nameof(source.Count)} must be at least 1 (found {source.Count}).");
            }

            if (!(source.Quota is >= 0 and <= 1))
            {
                errors.Add($"{nameof(Sources)}:{name}:{nameof(source.Quota)} must be in [0, 1] (found {source.Quota}).");
            }

            if (!(source.Weight is >= 0 and <= 1000))
            {
                errors.Add($"{nameof(Sources)}:{name}:{nameof(source.Weight)} must be in [0, 1000] (found {source.Weight}).");
            }

            if (source.BudgetMs < 1)
            {
                errors.Add($"{nameof(Sources)}:{name}:{nameof(source.BudgetMs)} must be at least 1 ms (found {source.BudgetMs}).");
            }

            quotaSum += source.Enabled && source.Quota is >= 0 and <= 1 ? source.Quota : 0;
        }

        if (quotaSum > 1 + 1e-9)
        {
            errors.Add($"The quotas of the enabled {nameof(Sources)} add up to {quotaSum:0.###}; they must not exceed 1.");
        }

        CheckPositive(errors, nameof(PopularWindow), PopularWindow);
        CheckPositive(errors, nameof(TrendingWindow), TrendingWindow);
        CheckPositive(errors, nameof(TrendingHalfLife), TrendingHalfLife);
        CheckPositive(errors, nameof(FreshWindow), FreshWindow);
        if (TrendingBaseline <= TrendingWindow)
        {
            errors.Add($"{nameof(TrendingBaseline)} ({TrendingBaseline}) must be longer than {nameof(TrendingWindow)} ({TrendingWindow}).");
        }

        if (SimilarSeeds < 1)
        {
            errors.Add($"{nameof(SimilarSeeds)} must be at least 1 (found {SimilarSeeds}).");
        }

        if (SimilarPerSeed < 1)
        {
            errors.Add($"{nameof(SimilarPerSeed)} must be at least 1 (found {SimilarPerSeed}).");
        }

        if (!(SimilarRecencyDecay is > 0 and <= 1))
        {
            errors.Add($"{nameof(SimilarRecencyDecay)} must be in (0, 1] (found {SimilarRecencyDecay}).");
        }

        if (RankedListLength < 1)
        {
            errors.Add($"{nameof(RankedListLength)} must be at least 1 (found {RankedListLength}).");
        }

        if (MaxImpressionsWithoutClick < 0)
        {
            errors.Add($"{nameof(MaxImpressionsWithoutClick)} must be 0 (off) or more (found {MaxImpressionsWithoutClick}).");
        }

        return errors;
    }

    /// <summary>Throws when <see cref="Validate"/> finds a problem.</summary>
    /// <exception cref="ArgumentException">Every problem, one per line.</exception>
    public CandidateGenerationOptions EnsureValid()
    {
        var errors = Validate();
        return errors.Count == 0 ? this : throw new ArgumentException("Invalid candidate generation settings:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
    }

    private static void CheckPositive(List<string> errors, string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{name} must be positive (found {value}).");
        }
    }
}
