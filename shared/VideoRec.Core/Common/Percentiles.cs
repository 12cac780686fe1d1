namespace VideoRec.Core.Common;

/// <summary>Percentiles of measured values (latencies) by the nearest-rank method.</summary>
public static class Percentiles
{
    /// <summary>The nearest-rank percentile: the ⌈q·n⌉-th smallest of <paramref name="sorted"/>; 0 when it is empty.</summary>
    /// <param name="sorted">The values, ascending.</param>
    /// <param name="q">The quantile in (0, 1], such as 0.99.</param>
    public static double NearestRank(IReadOnlyList<double> sorted, double q)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        return sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
