using VideoRec.Core.Common;

namespace VideoRec.Core.Models.Baselines;

/// <summary>The random baseline: independent uniform scores, reproducible for a seed and user.</summary>
/// <param name="videos">Number of videos.</param>
/// <param name="seed">Seed; the scores of user u come from a generator seeded with (seed, u).</param>
public sealed class RandomModel(int videos, int seed) : IRecommenderModel
{
    /// <inheritdoc />
    public string Name => "random";

    /// <inheritdoc />
    public int Videos => videos;

    /// <inheritdoc />
    public void ScoreUser(int user, Span<float> scores)
    {
        var random = new Random(Seeds.Derive(seed, user));
        for (var v = 0; v < scores.Length; v++)
        {
            scores[v] = (float)random.NextDouble();
        }
    }
}
