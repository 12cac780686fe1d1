namespace VideoRec.Core.Pipeline;

/// <summary>Time budgets of the recommend pipeline's stages, in milliseconds (design: the whole answer well inside 200 ms).</summary>
public sealed class PipelineOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "VideoRec:Pipeline";

    /// <summary>Candidate generation, all sources and the merge; default 80 ms (each source also has its own budget).</summary>
    public int CandidatesBudgetMs { get; set; } = 80;

    /// <summary>Scoring; default 40 ms. Over budget, candidates keep their fused order.</summary>
    public int ScoringBudgetMs { get; set; } = 40;

    /// <summary>Every problem, each naming the setting; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (CandidatesBudgetMs is < 1 or > 10_000)
        {
            errors.Add($"{nameof(CandidatesBudgetMs)} must be 1–10000 ms (found {CandidatesBudgetMs}).");
        }

        if (ScoringBudgetMs is < 1 or > 10_000)
        {
            errors.Add($"{nameof(ScoringBudgetMs)} must be 1–10000 ms (found {ScoringBudgetMs}).");
        }

        return errors;
    }
}
