using VideoRec.Core.Feedback;

namespace VideoRec.Core.Evaluation;

/// <summary>How <see cref="OfflineEvaluation"/> runs.</summary>
public sealed record EvaluationOptions
{
    /// <summary>The split protocol. Default stratified 75/25.</summary>
    public SplitProtocol Protocol { get; init; } = SplitProtocol.Stratified;

    /// <summary>Largest k evaluated (the serving limit; diversity costs O(k²) per user).</summary>
    public const int MaxK = 500;

    /// <summary>List length k of every @k metric, 1 to <see cref="MaxK"/>. Default 10.</summary>
    public int K { get; init; } = 10;

    /// <summary>One run per seed; figures are the mean over runs. Default 42, 43, 44.</summary>
    public IReadOnlyList<int> Seeds { get; init; } = [42, 43, 44];

    /// <summary>Labels pairs for the training matrix.</summary>
    public RelevancePolicy TrainPolicy { get; init; } = RelevancePolicy.Default;

    /// <summary>Labels held-out pairs; only positives count as relevant.</summary>
    public RelevancePolicy TestPolicy { get; init; } = RelevancePolicy.Default;

    /// <summary>Strength per interaction kind.</summary>
    public FeedbackWeights Weights { get; init; } = FeedbackWeights.Default;

    /// <summary>Threads for evaluation; <c>null</c> uses every core.</summary>
    public int? MaxThreads { get; init; }

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentOutOfRangeException">k out of range, or no seeds or a repeated seed; the message names the option.</exception>
    public void Validate()
    {
        if (K is < 1 or > MaxK)
        {
            throw new ArgumentOutOfRangeException(nameof(K), $"k must be between 1 and {MaxK}.");
        }

        if (Seeds.Count == 0 || Seeds.Distinct().Count() != Seeds.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(Seeds), "Give at least one seed, each once.");
        }
    }
}
