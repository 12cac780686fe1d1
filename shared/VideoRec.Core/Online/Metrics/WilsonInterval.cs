namespace VideoRec.Core.Online;

/// <summary>
/// The Wilson score interval of a binomial proportion (E. B. Wilson, "Probable inference, the law of succession, and
/// statistical inference", Journal of the American Statistical Association 22(158):209–212, 1927): for k successes in n
/// trials, p̂ = k/n and z the normal quantile,
/// centre = (p̂ + z²/2n) / (1 + z²/n), half-width = z / (1 + z²/n) · √(p̂(1 − p̂)/n + z²/4n²).
/// Unlike the normal (Wald) interval it stays inside [0, 1] and keeps its coverage near 0 and 1, where CTRs live.
/// It treats trials as independent; impressions of one user are correlated, so on per-impression CTR it is somewhat
/// narrower than the truth.
/// </summary>
public static class WilsonInterval
{
    /// <summary>z of a two-sided 95% interval.</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>The interval of <paramref name="successes"/> in <paramref name="trials"/>; (0, 0) for no trials.</summary>
    /// <param name="successes">Successes, 0 ≤ k ≤ n.</param>
    /// <param name="trials">Trials, n ≥ 0.</param>
    /// <param name="z">Normal quantile, positive; default 1.96 (95%).</param>
    /// <exception cref="ArgumentOutOfRangeException">k or n out of range, or z not positive.</exception>
    public static (double Low, double High) Compute(long successes, long trials, double z = Z95)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(trials);
        ArgumentOutOfRangeException.ThrowIfNegative(successes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(successes, trials);
        if (!(z > 0 && double.IsFinite(z)))
        {
            throw new ArgumentOutOfRangeException(nameof(z), z, "z must be positive.");
        }

        if (trials == 0)
        {
            return (0, 0);
        }

        double n = trials;
        var p = successes / n;
        var z2 = z * z;
        var denominator = 1 + z2 / n;
        var centre = (p + z2 / (2 * n)) / denominator;
        var half = z / denominator * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n));
        return (Math.Max(0, centre - half), Math.Min(1, centre + half));
    }
}
