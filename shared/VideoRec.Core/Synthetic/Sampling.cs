namespace VideoRec.Core.Synthetic;

/// <summary>Random draws shared by the synthetic data generators and the simulator (all from a caller's seeded <see cref="Random"/>).</summary>
public static class Sampling
{
    /// <summary>An index in [0, n) with probability ∝ 1 / (index + 1) (Zipf, exponent 1).</summary>
    public static int Zipf(Random random, int n)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        var harmonic = 0.0;
        for (var i = 1; i <= n; i++)
        {
            harmonic += 1.0 / i;
        }

        var x = random.NextDouble() * harmonic;
        for (var i = 1; i <= n; i++)
        {
            x -= 1.0 / i;
            if (x <= 0)
            {
                return i - 1;
            }
        }

        return n - 1;
    }

    /// <summary>A normal draw (Box–Muller).</summary>
    public static double Normal(Random random, double mean = 0, double sd = 1)
    {
        ArgumentNullException.ThrowIfNull(random);
        return mean + sd * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
    }

    /// <summary>The first index whose cumulative weight reaches <paramref name="x"/> (x uniform in [0, total) draws proportionally to the weights).</summary>
    /// <param name="cumulative">Running sums of the weights, ascending.</param>
    /// <param name="x">The point to look up.</param>
    public static int Cumulative(double[] cumulative, double x)
    {
        ArgumentNullException.ThrowIfNull(cumulative);
        var i = Array.BinarySearch(cumulative, x);
        return Math.Min(cumulative.Length - 1, i < 0 ? ~i : i);
    }
}
