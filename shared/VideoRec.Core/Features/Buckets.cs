namespace VideoRec.Core.Features;

/// <summary>
/// Bucketizes a numeric feature by ascending boundaries (design, "Feature engineering": bucketize numerics, then
/// one-hot or embed). Bucket 0 is a missing or non-finite value; value x falls in bucket 1 + (number of boundaries ≤ x),
/// so there are <see cref="Count"/> = boundaries + 2 buckets.
/// </summary>
/// <param name="Boundaries">Strictly ascending, finite boundaries, in the feature's unit.</param>
public sealed record Buckets(IReadOnlyList<double> Boundaries)
{
    /// <summary>The bucket of a missing value.</summary>
    public const int Missing = 0;

    /// <summary>Number of buckets, the missing bucket included.</summary>
    public int Count => Boundaries.Count + 2;

    /// <summary>The bucket of <paramref name="value"/>.</summary>
    public int Of(double? value)
    {
        if (value is not { } x || !double.IsFinite(x))
        {
            return Missing;
        }

        var bucket = 1;
        foreach (var boundary in Boundaries)
        {
            if (x < boundary)
            {
                break;
            }

            bucket++;
        }

        return bucket;
    }

    /// <summary>Checks the boundaries.</summary>
    /// <param name="name">The feature's name, for the message.</param>
    /// <exception cref="ArgumentException">A boundary is not finite or they are not strictly ascending.</exception>
    public void Validate(string name)
    {
        for (var i = 0; i < Boundaries.Count; i++)
        {
            if (!double.IsFinite(Boundaries[i]) || (i > 0 && Boundaries[i] <= Boundaries[i - 1]))
            {
                throw new ArgumentException($"{name}: bucket boundaries must be finite and strictly ascending (boundary {i} is {Boundaries[i]}).");
            }
        }
    }
}
