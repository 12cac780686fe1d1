using VideoRec.Core.CandidateGeneration.Index;

namespace VideoRec.Contracts;

/// <summary>Seeded random vectors for vector-index tests.</summary>
public static class SeededVectors
{
    /// <summary><paramref name="count"/> vectors with independent N(0, 1/dimensions) components (norm about 1).</summary>
    public static float[][] Gaussian(int seed, int count, int dimensions)
    {
        var random = new Random(seed);
        var scale = 1 / Math.Sqrt(dimensions);
        return Enumerable.Range(0, count)
            .Select(_ => Enumerable.Range(0, dimensions).Select(_ => (float)(random.NextGaussian() * scale)).ToArray())
            .ToArray();
    }

    /// <summary>Videos <c>{prefix}v0</c>, <c>{prefix}v1</c>, … with <see cref="Gaussian"/> vectors and unrestricted attributes.</summary>
    public static IndexedVideo[] Videos(int seed, int count, int dimensions, string prefix = "") =>
        Gaussian(seed, count, dimensions)
            .Select((v, i) => new IndexedVideo($"{prefix}v{i}", v, VideoIndexAttributes.Unrestricted))
            .ToArray();

    private static double NextGaussian(this Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
