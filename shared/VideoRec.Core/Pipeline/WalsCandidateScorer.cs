using VideoRec.Core.Bundles;
using VideoRec.Core.CandidateGeneration;
using VideoRec.Core.CandidateGeneration.Index;

namespace VideoRec.Core.Pipeline;

/// <summary>
/// Scores candidates by the WALS model: the dot product of the user's factor vector and each candidate's video factors
/// (Hu, Koren and Volinsky, ICDM 2008), the served bundle's ranking of the merged candidates. A request without a WALS
/// vector (cold start) keeps the fused candidate order; a candidate outside the bundle's catalogue gets the lowest score
/// of the request. Allocates one score array per request.
/// </summary>
/// <param name="videos">The video factors by id, <c>[videos, factors]</c>.</param>
public sealed class WalsCandidateScorer(VideoVectorTable videos) : ICandidateScorer
{
    /// <summary>Scores with the video factors of <paramref name="bundle"/> (no copy).</summary>
    public WalsCandidateScorer(ModelBundle bundle)
        : this(new VideoVectorTable((bundle ?? throw new ArgumentNullException(nameof(bundle))).Videos, bundle.Wals.VideoFactors, bundle.Wals.Factors))
    {
    }

    /// <inheritdoc />
    public string Name => "wals";

    /// <inheritdoc />
    public ValueTask<float[]> ScoreAsync(CandidateRequest request, IReadOnlyList<MergedCandidate> candidates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(candidates);
        var scores = new float[candidates.Count];
        if (request.WalsVector is not { } vector || vector.Length != videos.Dimensions)
        {
            for (var i = 0; i < scores.Length; i++)
            {
                scores[i] = (float)candidates[i].FusedScore;
            }

            return ValueTask.FromResult(scores);
        }

        var user = vector.Span;
        var lowest = float.PositiveInfinity;
        var missing = false;
        for (var i = 0; i < scores.Length; i++)
        {
            if (videos.Find(candidates[i].VideoId) is { } row)
            {
                var score = System.Numerics.Tensors.TensorPrimitives.Dot(user, row.Span);
                scores[i] = float.IsFinite(score) ? score : 0f;
                lowest = Math.Min(lowest, scores[i]);
            }
            else
            {
                scores[i] = float.NaN;
                missing = true;
            }
        }

        if (missing)
        {
            var fill = float.IsFinite(lowest) ? lowest : 0f;
            for (var i = 0; i < scores.Length; i++)
            {
                if (float.IsNaN(scores[i]))
                {
                    scores[i] = fill;
                }
            }
        }

        return ValueTask.FromResult(scores);
    }
}
