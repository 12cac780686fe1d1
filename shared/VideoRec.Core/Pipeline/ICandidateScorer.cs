using VideoRec.Core.CandidateGeneration;

namespace VideoRec.Core.Pipeline;

/// <summary>
/// The scoring stage (design, "Scoring"): one score per merged candidate for one request, higher is better. The
/// heavier ranker implements it; <see cref="FusedScoreScorer"/> is the fallback.
/// </summary>
public interface ICandidateScorer
{
    /// <summary>Name for responses and telemetry, such as <c>ranker-v3</c> or <c>fused</c>.</summary>
    string Name { get; }

    /// <summary>Scores the candidates of one request.</summary>
    /// <param name="request">The request.</param>
    /// <param name="candidates">The merged candidates.</param>
    /// <param name="cancellationToken">Cancelled when the stage's budget runs out.</param>
    /// <returns>One finite score per candidate, <c>[candidates]</c>.</returns>
    ValueTask<float[]> ScoreAsync(CandidateRequest request, IReadOnlyList<MergedCandidate> candidates, CancellationToken cancellationToken);
}

/// <summary>Scores candidates by the merger's reciprocal-rank fusion score: the order candidate generation already produced.</summary>
public sealed class FusedScoreScorer : ICandidateScorer
{
    /// <inheritdoc />
    public string Name => "fused";

    /// <inheritdoc />
    public ValueTask<float[]> ScoreAsync(CandidateRequest request, IReadOnlyList<MergedCandidate> candidates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        return ValueTask.FromResult(candidates.Select(c => (float)c.FusedScore).ToArray());
    }
}
