using VideoRec.Core.Models.Wals;
using VideoRec.Core.Online;
using VideoRec.Core.Reranking;

namespace VideoRec.Core.Simulation.ClosedLoop;

/// <summary>
/// Settings of a closed-loop experiment (<see cref="ClosedLoopSimulation"/>); <see cref="Validate"/> names every bad
/// setting.
/// </summary>
public sealed record ClosedLoopOptions
{
    /// <summary>
    /// An experiment whose arms (names, traffic splits, pipeline configurations as data) replace <see cref="Arms"/>;
    /// <c>null</c> to use <see cref="Arms"/>. Each day trains one model, so <see cref="ArmPipeline.ModelVersion"/> is not
    /// used (impressions log <c>sim-day-N</c>).
    /// </summary>
    public ExperimentOptions? Experiment { get; init; }

    /// <summary>The arms, by built-in name (<see cref="SimulationArms"/>): users are split evenly across them.</summary>
    public IReadOnlyList<string> Arms { get; init; } = [SimulationArms.Popularity, SimulationArms.Wals, SimulationArms.Pipeline];

    /// <summary>Days of the experiment, at least 1.</summary>
    public int Days { get; init; } = 7;

    /// <summary>Days of organic history (<see cref="OrganicHistory"/>) before the experiment, which the first models train on; at least 1.</summary>
    public int WarmupDays { get; init; } = 7;

    /// <summary>Videos per served list, 1–100.</summary>
    public int PageSize { get; init; } = 10;

    /// <summary>Seed of the behaviour and the re-ranker's exploration; the world has its own (<see cref="SimulationOptions.Seed"/>).</summary>
    public int Seed { get; init; } = 11;

    /// <summary>The experiment name salting the A/B assignment.</summary>
    public string ExperimentName { get; init; } = "simulate";

    /// <summary>WALS settings of the daily refit.</summary>
    public WalsOptions Wals { get; init; } = new() { Factors = 32, Iterations = 8, Regularization = 5f, ComputeLoss = false, Seed = 3 };

    /// <summary>Events per ingestion request through validation (at most the contract's 1,000).</summary>
    public int EventsPerRequest { get; init; } = 1000;

    /// <summary>Every problem, each naming the setting; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Experiment is not null)
        {
            errors.AddRange(Experiment.Validate().Select(e => $"{nameof(Experiment)}: {e}"));
        }
        else if (Arms is null || Arms.Count == 0)
        {
            errors.Add($"{nameof(Arms)} must name at least one arm.");
        }
        else
        {
            foreach (var arm in Arms.Where(a => !SimulationArms.All.Contains(a)))
            {
                errors.Add($"{nameof(Arms)}: unknown arm '{arm}'; the arms are {string.Join(", ", SimulationArms.All)}.");
            }

            foreach (var arm in Arms.GroupBy(a => a).Where(g => g.Count() > 1))
            {
                errors.Add($"{nameof(Arms)}: '{arm.Key}' is named twice.");
            }
        }

        if (Days < 1)
        {
            errors.Add($"{nameof(Days)} must be at least 1 (found {Days}).");
        }

        if (WarmupDays < 1)
        {
            errors.Add($"{nameof(WarmupDays)} must be at least 1 (found {WarmupDays}).");
        }

        if (PageSize is < 1 or > 100)
        {
            errors.Add($"{nameof(PageSize)} must be 1–100 (found {PageSize}).");
        }

        if (EventsPerRequest is < 1 or > 1000)
        {
            errors.Add($"{nameof(EventsPerRequest)} must be 1–1000 (found {EventsPerRequest}).");
        }

        return errors;
    }

    /// <summary>The experiment that runs: <see cref="Experiment"/>, or the built-in <see cref="Arms"/> split evenly under <see cref="ExperimentName"/>.</summary>
    public ExperimentOptions ToExperiment() => Experiment ?? new ExperimentOptions
    {
        Name = ExperimentName,
        Arms = Arms.Select((a, i) => new ExperimentArm
        {
            Name = a,
            // Even shares that add up to exactly 1.
            Traffic = i == Arms.Count - 1 ? 1 - (Arms.Count - 1) * Math.Round(1.0 / Arms.Count, 6) : Math.Round(1.0 / Arms.Count, 6),
            Pipeline = SimulationArms.Configuration(a),
        }).ToList(),
    };
}

/// <summary>The policies a simulated arm can serve with.</summary>
public static class SimulationArms
{
    /// <summary>Most watched videos the user has not consumed and may see.</summary>
    public const string Popularity = "popularity";

    /// <summary>WALS dot-product scores over the catalogue.</summary>
    public const string Wals = "wals";

    /// <summary>Core's full pipeline: candidate generation (WALS ANN, similar, popular, trending, fresh) → WALS scoring → re-ranking.</summary>
    public const string Pipeline = "pipeline";

    /// <summary>The full pipeline with re-ranking's diversity (MMR) and creator cap off.</summary>
    public const string PipelineNoDiversity = "pipeline-no-diversity";

    /// <summary>Every arm name.</summary>
    public static IReadOnlyList<string> All { get; } = [Popularity, Wals, Pipeline, PipelineNoDiversity];

    /// <summary>The pipeline configuration of a built-in arm (the no-diversity arm turns MMR and the creator cap off).</summary>
    /// <exception cref="ArgumentException">Not a built-in arm.</exception>
    public static ArmPipeline Configuration(string arm) => arm switch
    {
        Popularity => new ArmPipeline { Policy = ArmPolicies.Popularity },
        Wals => new ArmPipeline { Policy = ArmPolicies.Wals },
        Pipeline => new ArmPipeline { Policy = ArmPolicies.Pipeline },
        PipelineNoDiversity => new ArmPipeline { Policy = ArmPolicies.Pipeline, Rerank = new RerankOptions { DiversityLambda = 1, MaxCreatorShare = 1, MaxPerTag = 0 } },
        _ => throw new ArgumentException($"Unknown arm '{arm}'; the arms are {string.Join(", ", All)}.", nameof(arm)),
    };
}
