namespace VideoRec.Core.Synthetic;

/// <summary>Random draws shared by the synthetic data generators, the simulator and exploration in re-ranking (all from a caller's seeded <see cref="Random"/>).</summary>
public static class Sampling
{
    /// <summary>
    /// A Poisson draw with mean <paramref name="mean"/> by Knuth's product-of-uniforms method (The Art of Computer
    /// Programming, vol. 2, 3.4.1), capped at 100 (the simulator draws small daily visit counts).
    /// </summary>
    public static int Poisson(Random random, double mean)
    {
        ArgumentNullException.ThrowIfNull(random);
        var limit = Math.Exp(-mean);
        var k = 0;
        var p = random.NextDouble();
        while (p > limit && k < 100)
        {
            k++;
            p *= random.NextDouble();
        }

        return k;
    }

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

    /// <summary>A Beta(a, b) draw as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b) (Marsaglia and Tsang, 2000).</summary>
    public static double Beta(Random random, double a, double b)
    {
        var x = Gamma(random, a);
        var y = Gamma(random, b);
        return x / (x + y);
    }

    /// <summary>A Gamma(shape, 1) draw (Marsaglia and Tsang, 2000; shapes below 1 by the boost X·U^(1/shape)).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="shape"/> is not positive and finite.</exception>
    public static double Gamma(Random random, double shape)
    {
        ArgumentNullException.ThrowIfNull(random);
        // A shape that is not positive and finite would make the boost below recurse without end (shape + 1 == shape
        // for huge magnitudes).
        if (!(shape > 0) || !double.IsFinite(shape))
        {
            throw new ArgumentOutOfRangeException(nameof(shape), shape, "The Gamma shape must be positive and finite.");
        }

        if (shape < 1)
        {
            return Gamma(random, shape + 1) * Math.Pow(1 - random.NextDouble(), 1 / shape);
        }

        var d = shape - 1.0 / 3;
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = Normal(random);
                v = 1 + c * x;
            }
            while (v <= 0);

            v = v * v * v;
            var u = 1 - random.NextDouble();
            if (Math.Log(u) < 0.5 * x * x + d - d * v + d * Math.Log(v))
            {
                return d * v;
            }
        }
    }
}
