using System.Numerics.Tensors;
using VideoRec.Core.Models;

namespace VideoRec.TwoTower.Serving;

/// <summary>Scores videos by the dot product of precomputed user and video embeddings (two-tower retrieval, exact).</summary>
/// <param name="name">Report name, such as <c>twotower</c>.</param>
/// <param name="userVectors">User embeddings, <c>[users, d]</c>.</param>
/// <param name="videoVectors">Video embeddings, <c>[videos, d]</c>.</param>
/// <param name="dimensions">d.</param>
/// <param name="videoPrior">Optional per-video prior, <c>[videos]</c> (a popularity prior, see <see cref="PopularityPrior"/>).</param>
/// <param name="userPriorWeights">Optional weight of the prior per user, <c>[users]</c> (see <see cref="PriorWeight"/>); 1 when absent.</param>
public sealed class EmbeddingRecommender(string name, float[] userVectors, float[] videoVectors, int dimensions, float[]? videoPrior = null, float[]? userPriorWeights = null) : IRecommenderModel
{
    /// <summary>
    /// How much a user leans on the popularity prior: <c>warm + cold / (1 + n / halfLife)</c> for a user with n history
    /// items, so a new user ranks mostly by popularity and the towers take over as the history grows.
    /// </summary>
    /// <param name="historyItems">n, the user's readable history length.</param>
    /// <param name="warm">Weight that stays however long the history.</param>
    /// <param name="cold">Extra weight for a user with an empty history.</param>
    /// <param name="halfLife">History length at which the extra weight has halved.</param>
    public static float PriorWeight(int historyItems, double warm, double cold, double halfLife) => (float)(warm + cold / (1 + Math.Max(historyItems, 0) / halfLife));

    /// <summary>
    /// The popularity prior <c>weight · ln(1 + count)</c> per video, <c>[videos]</c>. Sampled-softmax training with log-Q
    /// correction learns relevance with the popularity of in-batch negatives taken out (Yi et al., 2019); adding this
    /// prior back at scoring time restores the marginal, which matters most for users the towers know little about.
    /// It is a dot product too: a constant column on the user side times this column on the video side.
    /// </summary>
    public static float[] PopularityPrior(ReadOnlySpan<float> counts, float weight = 1)
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

    /// <summary>The per-video prior added to every score, <c>[videos]</c>; <c>null</c> when there is none.</summary>
    public float[]? VideoPrior => videoPrior;

    /// <summary>Each user's weight of <see cref="VideoPrior"/>, <c>[users]</c>; <c>null</c> means 1.</summary>
    public float[]? UserPriorWeights => userPriorWeights;

    /// <summary>
    /// Vectors for maximum-inner-product search that reproduce <see cref="ScoreUser"/> exactly: each video row gets
    /// its prior as one more component and each user row that user's prior weight, so u'·v' = u·v + w·prior(v)
    /// (the usual augmentation that lets an ANN index serve an additive item bias). Without a prior the vectors are
    /// returned as they are.
    /// </summary>
    /// <returns>Users <c>[users, d']</c>, videos <c>[videos, d']</c> and d' (d + 1 with a prior, else d).</returns>
    public (float[] Users, float[] Videos, int Dimensions) InnerProductVectors()
    {
        if (videoPrior is null)
        {
            return (userVectors, videoVectors, dimensions);
        }

        var d = dimensions + 1;
        var users = new float[userVectors.Length / dimensions * d];
        for (var u = 0; u < users.Length / d; u++)
        {
            userVectors.AsSpan(u * dimensions, dimensions).CopyTo(users.AsSpan(u * d));
            users[u * d + dimensions] = userPriorWeights?[u] ?? 1;
        }

        var videos = new float[Videos * d];
        for (var v = 0; v < Videos; v++)
        {
            videoVectors.AsSpan(v * dimensions, dimensions).CopyTo(videos.AsSpan(v * d));
            videos[v * d + dimensions] = videoPrior[v];
        }

        return (users, videos, d);
    }

    /// <inheritdoc />
    public void ScoreUser(int user, Span<float> scores) => Score(userVectors.AsSpan(user * dimensions, dimensions), scores, userPriorWeights?[user] ?? 1);

    /// <summary>
    /// Scores every video for one user vector, <c>[d]</c>, into <paramref name="scores"/>, <c>[videos]</c>: the cosine plus
    /// <paramref name="priorWeight"/> times the video prior (still one dot product, with the weight and the prior as an
    /// extra coordinate of each side, so an ANN index serves it).
    /// </summary>
    public void Score(ReadOnlySpan<float> user, Span<float> scores, float priorWeight = 1)
    {
        for (var v = 0; v < scores.Length; v++)
        {
            scores[v] = TensorPrimitives.Dot(user, videoVectors.AsSpan(v * dimensions, dimensions)) + (videoPrior is null ? 0 : priorWeight * videoPrior[v]);
        }
    }
}
