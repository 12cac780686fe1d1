using VideoRec.Local.Embeddings;

namespace VideoRec.Embeddings.Tests;

/// <summary>One generator (default options: batch 32, 256 tokens, 1 intra-op thread) for all the tests.</summary>
public sealed class GeneratorFixture : IDisposable
{
    public MiniLmEmbeddingGenerator Generator { get; } = new();

    public void Dispose() => Generator.Dispose();
}

/// <summary>The tests share one model and run one after the other (2 cores; the latency figures stay meaningful).</summary>
[CollectionDefinition(Name)]
public sealed class EmbeddingCollection : ICollectionFixture<GeneratorFixture>
{
    public const string Name = "MiniLM";
}

internal static class Vectors
{
    public static double Norm(ReadOnlySpan<float> v)
    {
        double s = 0;
        foreach (var x in v)
        {
            s += (double)x * x;
        }

        return Math.Sqrt(s);
    }

    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
        }

        return dot / (Norm(a) * Norm(b));
    }

    public static double MaxAbsDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        double max = 0;
        for (var i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs((double)a[i] - b[i]));
        }

        return max;
    }

    public static void AssertUnitAndFinite(ReadOnlySpan<float> v, string what)
    {
        Assert.Equal(384, v.Length);
        foreach (var x in v)
        {
            Assert.True(float.IsFinite(x), $"{what}: non-finite component {x}");
        }

        var norm = Norm(v);
        Assert.True(Math.Abs(norm - 1) <= 1e-5, $"{what}: norm {norm:R}, expected 1 ± 1e-5");
    }
}
