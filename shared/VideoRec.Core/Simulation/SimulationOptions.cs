namespace VideoRec.Core.Simulation;

/// <summary>Shape of a simulated world (see <see cref="SimulatedWorld"/>); <see cref="Validate"/> names every bad setting.</summary>
public sealed record SimulationOptions
{
    /// <summary>Users, at least 1.</summary>
    public int Users { get; init; } = 1_000;

    /// <summary>Videos, at least 10.</summary>
    public int Videos { get; init; } = 5_000;

    /// <summary>Latent topics, at least 2.</summary>
    public int Topics { get; init; } = 40;

    /// <summary>Videos per creator on average, at least 1.</summary>
    public double VideosPerCreator { get; init; } = 20;

    /// <summary>Share of videos that are clickbait (appealing thumbnail, poor content), in [0, 1].</summary>
    public double ClickbaitShare { get; init; } = 0.03;

    /// <summary>Zipf exponent of video popularity (the organic audience a video reaches), ≥ 0.</summary>
    public double PopularityExponent { get; init; } = 0.9;

    /// <summary>Random seed; the whole world is a function of it and the sizes.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>The moment the world's clock starts (uploads lie up to two years before it).</summary>
    public DateTimeOffset Start { get; init; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Every problem, each naming the setting; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Users < 1)
        {
            errors.Add($"{nameof(Users)} must be at least 1 (found {Users}).");
        }

        if (Videos < 10)
        {
            errors.Add($"{nameof(Videos)} must be at least 10 (found {Videos}).");
        }

        if (Topics < 2)
        {
            errors.Add($"{nameof(Topics)} must be at least 2 (found {Topics}).");
        }

        if (!(VideosPerCreator >= 1))
        {
            errors.Add($"{nameof(VideosPerCreator)} must be at least 1 (found {VideosPerCreator}).");
        }

        if (!(ClickbaitShare is >= 0 and <= 1))
        {
            errors.Add($"{nameof(ClickbaitShare)} must be in [0, 1] (found {ClickbaitShare}).");
        }

        if (!(PopularityExponent >= 0 && double.IsFinite(PopularityExponent)))
        {
            errors.Add($"{nameof(PopularityExponent)} must be 0 or more (found {PopularityExponent}).");
        }

        return errors;
    }
}
