using System.Numerics.Tensors;
using VideoRec.Core.Models;

namespace VideoRec.TwoTower.Serving;

/// <summary>Scores videos by the dot product of precomputed user and video embeddings (two-tower retrieval, exact).</summary>
/// <param name="name">Report name, such as <c>twotower</c>.</param>
/// <param name="userVectors">User embeddings, <c>[users, d]</c>.</param>
/// <param name="videoVectors">Video embeddings, <c>[videos, d]</c>.</param>
/// <param name="dimensions">d.</param>
/// <param name="videoPrior">Optional per-video prior added to every score, <c>[videos]</c> (a popularity prior, see <see cref="PopularityPrior"/>).</param>
public sealed class EmbeddingRecommender(string name, float[] userVectors, float[] videoVectors, int dimensions, float[]? videoPrior = null) : IRecommenderModel
{
    /// <summary>
    /// The popularity prior <c>weight · ln(1 + count)</c> per video, <c>[videos]</c>. Sampled-softmax training with log-Q
    /// correction learns relevance with the popularity of in-batch negatives taken out (Yi et al., 2019); adding this
    /// prior back at scoring time restores the marginal, which matters most for users the towers know little about.
    /// It is a dot product too: a constant column on the user side times this column on the video side.
    /// </summary>
    public static float[] PopularityPrior(ReadOnlySpan<float> counts, float weight)
    {
        var prior = new float[counts.Length];
        for (var v = 0; v < counts.Length; v++)
        {
            prior[v] = weight * MathF.Log(1 + Math.Max(counts[v], 0));
        }

        return prior;
    }

    /// <inheritdoc />
    public string Name => name;

    /// <inheritdoc />
    public int Videos => videoVectors.Length / dimensions;

    /// <summary>User embeddings, <c>[users, d]</c>.</summary>
    public float[] UserVectors => userVectors;

    /// <summary>Video embeddings, <c>[videos, d]</c>.</summary>
    public float[] VideoVectors => videoVectors;

    /// <inheritdoc />
    public void ScoreUser(int user, Span<float> scores) => Score(userVectors.AsSpan(user * dimensions, dimensions), scores);

    /// <summary>Scores every video for one user vector, <c>[d]</c>, into <paramref name="scores"/>, <c>[videos]</c>.</summary>
    public void Score(ReadOnlySpan<float> user, Span<float> scores)
    {
        for (var v = 0; v < scores.Length; v++)
        {
            scores[v] = TensorPrimitives.Dot(user, videoVectors.AsSpan(v * dimensions, dimensions)) + (videoPrior is null ? 0 : videoPrior[v]);
        }
    }
}
