using Microsoft.Extensions.AI;

namespace VideoRec.Local.Tests.Embeddings;

/// <summary>
/// A deterministic embedding generator for handler tests: each word adds ±1 to one of <see cref="Dimensions"/>
/// slots chosen by a stable hash, then the vector is L2-normalised (empty text: zeros). It records every text it
/// was asked to embed, so tests can assert exactly what reached the model.
/// </summary>
public sealed class HashingGenerator(string modelId = "hashing-test", int dimensions = 16) : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly List<string> _seen = [];

    public int Dimensions => dimensions;

    /// <summary>Texts embedded so far, in call order.</summary>
    public IReadOnlyList<string> Seen
    {
        get
        {
            lock (_seen)
            {
                return _seen.ToArray();
            }
        }
    }

    public int Calls { get; private set; }

    /// <summary>When set, every call fails with this exception.</summary>
    public Exception? Failure { get; set; }

    /// <summary>When set, the vectors returned have this length instead (a misbehaving model).</summary>
    public int? WrongLength { get; set; }

    public float[] Embed(string text)
    {
        var vector = new float[WrongLength ?? dimensions];
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var h = 17u;
            foreach (var c in word)
            {
                h = unchecked(h * 31 + c);
            }

            vector[h % (uint)vector.Length] += (h & 1) == 0 ? 1f : -1f;
        }

        var norm = MathF.Sqrt(vector.Sum(v => v * v));
        return norm == 0 ? vector : vector.Select(v => v / norm).ToArray();
    }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Calls++;
        if (Failure is { } failure)
        {
            throw failure;
        }

        var texts = values.ToList();
        lock (_seen)
        {
            _seen.AddRange(texts);
        }

        return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(texts.Select(t => new Embedding<float>(Embed(t)) { ModelId = modelId })));
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(EmbeddingGeneratorMetadata) ? new EmbeddingGeneratorMetadata("test", null, modelId, dimensions) : null;

    public void Dispose()
    {
    }
}
