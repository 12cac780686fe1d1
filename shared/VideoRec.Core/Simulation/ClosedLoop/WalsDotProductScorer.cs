using VideoRec.Core.CandidateGeneration;
using VideoRec.Core.CandidateGeneration.Index;
using VideoRec.Core.Pipeline;

namespace VideoRec.Core.Simulation.ClosedLoop;

/// <summary>
/// The scoring stage by WALS alone: score = user factors · video factors. A user without a WALS vector keeps the fused
/// candidate order (each candidate's fused score), and a video without factors scores below every scored one.
/// </summary>
/// <param name="videos">Video factors by id, <c>[videos, factors]</c>.</param>
public sealed class WalsDotProductScorer(VideoVectorTable videos) : ICandidateScorer
{
    /// <inheritdoc />
    public string Name => "wals-dot";

    /// <inheritdoc />
    public ValueTask<float[]> ScoreAsync(CandidateRequest request, IReadOnlyList<MergedCandidate> candidates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(candidates);
        var scores = new float[candidates.Count];
        if (request.WalsVector is not { } user)
        {
            for (var i = 0; i < scores.Length; i++)
            {
                scores[i] = (float)candidates[i].FusedScore;
            }

            return ValueTask.FromResult(scores);
        }

        var u = user.Span;
        var floor = float.MaxValue;
        var missing = new List<int>();
        for (var i = 0; i < scores.Length; i++)
        {
            if (videos.Find(candidates[i].VideoId) is { } v)
            {
                scores[i] = System.Numerics.Tensors.TensorPrimitives.Dot(u, v.Span);
                floor = Math.Min(floor, scores[i]);
            }
            else
            {
                missing.Add(i);
            }
        }

        foreach (var i in missing)
        {
            scores[i] = (floor == float.MaxValue ? 0 : floor) - 1;
        }

        return ValueTask.FromResult(scores);
    }
}
