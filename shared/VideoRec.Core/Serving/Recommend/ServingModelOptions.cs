using VideoRec.Core.CandidateGeneration;
using VideoRec.Core.Pipeline;
using VideoRec.Core.Reranking;

namespace VideoRec.Core.Serving.Recommend;

/// <summary>Settings of the recommend path: candidate generation, stage budgets, re-ranking and the serving model's own.</summary>
public sealed class ServingModelOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "VideoRec:Serving";

    /// <summary>Candidate generation (sources, counts, quotas, budgets, windows).</summary>
    public CandidateGenerationOptions Candidates { get; set; } = new();

    /// <summary>Stage budgets.</summary>
    public PipelineOptions Pipeline { get; set; } = new();

    /// <summary>Re-ranking rules.</summary>
    public RerankOptions Rerank { get; set; } = new();

    /// <summary>How often the popular, trending and fresh lists and the video statistics are re-read from the <see cref="IActivityFeed"/>. Default 1 minute.</summary>
    public TimeSpan ActivityRefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Budget of the per-request profile, aggregates and vector reads, ms; over it the user is served from the bundle alone. Default 30 ms.</summary>
    public int ProfileBudgetMs { get; set; } = 30;

    /// <summary>Videos in the fallback list served when candidate generation yields nothing. Default 200.</summary>
    public int FallbackCount { get; set; } = 200;

    /// <summary>
    /// Seeds whose neighbours the similar source keeps (<see cref="CandidateGeneration.Generators.NeighbourCache"/>),
    /// three times the neighbours per seed each; 0 searches every seed on every request. Default 50,000.
    /// </summary>
    public int SimilarCacheSeeds { get; set; } = 50_000;

    /// <summary>
    /// Default settings with every time budget (profile, stages, each source) at <paramref name="budgetMs"/>: for tools,
    /// offline evaluation and tests, where an answer matters more than its latency (a one-shot process also pays for
    /// just-in-time compilation on its first request).
    /// </summary>
    /// <param name="budgetMs">The budget, ms. Default 10,000.</param>
    public static ServingModelOptions Offline(int budgetMs = 10_000)
    {
        var options = new ServingModelOptions { ProfileBudgetMs = budgetMs };
        options.Pipeline.CandidatesBudgetMs = budgetMs;
        options.Pipeline.ScoringBudgetMs = budgetMs;
        foreach (var source in options.Candidates.Sources.Values)
        {
            source.BudgetMs = budgetMs;
        }

        return options;
    }

    /// <summary>Every problem, each naming the setting; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        errors.AddRange((Candidates ?? throw new InvalidOperationException($"{nameof(Candidates)} is required.")).Validate().Select(e => $"{nameof(Candidates)}: {e}"));
        errors.AddRange((Pipeline ?? throw new InvalidOperationException($"{nameof(Pipeline)} is required.")).Validate().Select(e => $"{nameof(Pipeline)}: {e}"));
        errors.AddRange((Rerank ?? throw new InvalidOperationException($"{nameof(Rerank)} is required.")).Validate().Select(e => $"{nameof(Rerank)}: {e}"));
        if (ActivityRefreshInterval < TimeSpan.FromSeconds(1) || ActivityRefreshInterval > TimeSpan.FromDays(1))
        {
            errors.Add($"{nameof(ActivityRefreshInterval)} must be from 1 second to 1 day (found {ActivityRefreshInterval}).");
        }

        if (ProfileBudgetMs is < 1 or > 10_000)
        {
            errors.Add($"{nameof(ProfileBudgetMs)} must be 1–10000 ms (found {ProfileBudgetMs}).");
        }

        if (SimilarCacheSeeds is < 0 or > 10_000_000)
        {
            errors.Add($"{nameof(SimilarCacheSeeds)} must be 0–10000000 (found {SimilarCacheSeeds}).");
        }

        if (FallbackCount is < 1 or > 10_000)
        {
            errors.Add($"{nameof(FallbackCount)} must be 1–10000 (found {FallbackCount}).");
        }

        return errors;
    }

    /// <summary>This instance when valid.</summary>
    /// <exception cref="ArgumentException">Every problem, each naming the setting.</exception>
    public ServingModelOptions EnsureValid() => Validate() is { Count: > 0 } errors
        ? throw new ArgumentException("Invalid serving settings:" + Environment.NewLine + string.Join(Environment.NewLine, errors))
        : this;
}
