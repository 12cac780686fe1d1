namespace VideoRec.Core.Scoring;

/// <summary>Sanitising of raw inputs: every value written to a feature row is finite and bounded.</summary>
public static class FeatureValues
{
    /// <summary>Largest magnitude written to a row; larger finite inputs are clamped.</summary>
    public const float Limit = 1e6f;

    /// <summary><paramref name="x"/> clamped to ±<see cref="Limit"/>, or <paramref name="fallback"/> when it is NaN or infinite.</summary>
    public static float Clean(double x, float fallback = 0f) => double.IsFinite(x) ? (float)Math.Clamp(x, -Limit, Limit) : fallback;

    /// <summary>ln(1 + max(0, x)), 0 for NaN and infinities.</summary>
    public static float Log1p(double x) => double.IsFinite(x) ? (float)Math.Log(1 + Math.Max(0, x)) : 0f;

    /// <summary>Copies <paramref name="source"/> into <paramref name="destination"/>, each value cleaned; whether every value was finite.</summary>
    public static bool CopyClean(ReadOnlySpan<float> source, Span<float> destination)
    {
        var finite = true;
        for (var i = 0; i < source.Length; i++)
        {
            var x = source[i];
            if (!float.IsFinite(x))
            {
                finite = false;
                destination[i] = 0f;
            }
            else
            {
                destination[i] = Math.Clamp(x, -Limit, Limit);
            }
        }

        return finite;
    }

    /// <summary>Whether <paramref name="vector"/> is non-empty and every value finite.</summary>
    public static bool Usable(ReadOnlySpan<float> vector)
    {
        if (vector.IsEmpty)
        {
            return false;
        }

        foreach (var x in vector)
        {
            if (!float.IsFinite(x))
            {
                return false;
            }
        }

        return true;
    }
}
