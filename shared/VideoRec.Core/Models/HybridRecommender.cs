using System.Numerics.Tensors;

namespace VideoRec.Core.Models;

/// <summary>
/// Blends two models' scores for a user: each score vector is standardised over the catalogue (zero mean, unit
/// variance), so that scales as different as WALS dot products and two-tower cosines can be added, then
/// <c>(1 − w) · z(first) + w · z(second)</c>.
/// </summary>
/// <param name="name">Report key.</param>
/// <param name="first">The first model.</param>
/// <param name="second">The second model; must score the same videos.</param>
/// <param name="secondWeight">w, 0 to 1.</param>
public sealed class HybridRecommender(string name, IRecommenderModel first, IRecommenderModel second, float secondWeight) : IRecommenderModel
{
    /// <inheritdoc />
    public string Name => name;

    /// <inheritdoc />
    public int Videos { get; } = first.Videos == second.Videos ? first.Videos
        : throw new ArgumentException($"{first.Name} scores {first.Videos} videos and {second.Name} {second.Videos}.");

    /// <inheritdoc />
    public void ScoreUser(int user, Span<float> scores)
    {
        var other = new float[scores.Length];
        first.ScoreUser(user, scores);
        second.ScoreUser(user, other);
        Standardise(scores);
        Standardise(other);
        TensorPrimitives.Multiply(scores, 1 - secondWeight, scores);
        TensorPrimitives.MultiplyAdd(other, secondWeight, scores, scores);
    }

    private static void Standardise(Span<float> values)
    {
        var mean = TensorPrimitives.Average<float>(values);
        TensorPrimitives.Subtract(values, mean, values);
        var std = MathF.Sqrt(TensorPrimitives.SumOfSquares<float>(values) / values.Length);
        if (std > 0)
        {
            TensorPrimitives.Divide(values, std, values);
        }
    }
}
