using VideoRec.Core.CandidateGeneration;
using VideoRec.Core.Reranking;

namespace VideoRec.Core.Online;

/// <summary>
/// The whole pipeline configuration an experiment arm serves with, as data: which policy, which model bundle, which
/// candidate generators with what quotas, and which re-ranking settings. Unset parts use the serving defaults.
/// </summary>
public sealed class ArmPipeline
{
    /// <summary>
    /// The serving policy: <c>pipeline</c> (candidate generation → scoring → re-ranking, the default), <c>wals</c>
    /// (WALS scores alone) or <c>popularity</c> (most watched).
    /// </summary>
    public string Policy { get; set; } = ArmPolicies.Pipeline;

    /// <summary>The model bundle version to serve, or <c>null</c> for the current one.</summary>
    public string? ModelVersion { get; set; }

    /// <summary>Candidate generators with counts, quotas and weights by source name, or <c>null</c> for the serving defaults.</summary>
    public Dictionary<string, CandidateSourceOptions>? Sources { get; set; }

    /// <summary>Re-ranking settings (MMR λ, creator cap, exploration, …), or <c>null</c> for the serving defaults.</summary>
    public RerankOptions? Rerank { get; set; }
}

/// <summary>The policy names of <see cref="ArmPipeline.Policy"/>.</summary>
public static class ArmPolicies
{
    /// <summary>Candidate generation → scoring → re-ranking.</summary>
    public const string Pipeline = "pipeline";

    /// <summary>WALS dot-product scores alone.</summary>
    public const string Wals = "wals";

    /// <summary>Most watched videos.</summary>
    public const string Popularity = "popularity";

    /// <summary>Every policy name.</summary>
    public static IReadOnlyList<string> All { get; } = [Pipeline, Wals, Popularity];
}

/// <summary>One arm of an experiment: a name, its share of the traffic, and the pipeline it serves.</summary>
public sealed class ExperimentArm
{
    /// <summary>The arm's name (logged with every impression; the <see cref="Domain.EntityIds"/> rule).</summary>
    public string Name { get; set; } = "";

    /// <summary>Share of the experiment's users, in (0, 1]; the arms' shares add up to 1.</summary>
    public double Traffic { get; set; }

    /// <summary>What the arm serves.</summary>
    public ArmPipeline Pipeline { get; set; } = new();
}
