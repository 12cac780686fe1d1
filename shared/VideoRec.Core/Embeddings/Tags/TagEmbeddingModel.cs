using System.Numerics.Tensors;
using System.Text.Json;
using System.Text.Json.Serialization;
using VideoRec.Core.Common;
using VideoRec.Core.Ranking;

namespace VideoRec.Core.Embeddings.Tags;

/// <summary>A tag and how close it is.</summary>
/// <param name="Tag">The normalised tag.</param>
/// <param name="Cosine">Cosine similarity in [−1, 1].</param>
public sealed record TagNeighbour(string Tag, float Cosine);

/// <summary>
/// Tag embeddings learnt from co-occurrence (<see cref="TagEmbeddingTrainer"/>): nearest tags, and a video's tag
/// vector as the mean of its known tags' unit vectors (design, "Video features": tags through a light CBOW-style model).
/// </summary>
public sealed class TagEmbeddingModel
{
    private readonly Dictionary<string, int> _index;
    private readonly float[] _unit;

    /// <summary>Wraps trained vectors.</summary>
    /// <param name="tags">The vocabulary (normalised tags), <c>[tags]</c>.</param>
    /// <param name="counts">Videos carrying each tag, <c>[tags]</c>.</param>
    /// <param name="dimensions">Vector length.</param>
    /// <param name="vectors">Row-major <c>[tags, dimensions]</c>.</param>
    /// <exception cref="ArgumentException">The shapes disagree or a tag repeats.</exception>
    public TagEmbeddingModel(string[] tags, long[] counts, int dimensions, float[] vectors)
    {
        ArgumentNullException.ThrowIfNull(tags);
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(vectors);
        if (counts.Length != tags.Length || vectors.Length != tags.Length * dimensions || dimensions < 1)
        {
            throw new ArgumentException($"Shapes disagree: {tags.Length} tags, {counts.Length} counts, {vectors.Length} values for {dimensions} dimensions.");
        }

        Tags = tags;
        Counts = counts;
        Dimensions = dimensions;
        Vectors = vectors;
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < tags.Length; i++)
        {
            if (!_index.TryAdd(tags[i], i))
            {
                throw new ArgumentException($"Tag '{tags[i]}' appears twice.", nameof(tags));
            }
        }

        _unit = new float[vectors.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            var row = vectors.AsSpan(i * dimensions, dimensions);
            var norm = TensorPrimitives.Norm(row);
            if (norm > 0)
            {
                TensorPrimitives.Divide(row, norm, _unit.AsSpan(i * dimensions, dimensions));
            }
        }
    }

    /// <summary>The vocabulary, most frequent first.</summary>
    public IReadOnlyList<string> Tags { get; }

    /// <summary>Videos carrying each tag.</summary>
    public IReadOnlyList<long> Counts { get; }

    /// <summary>Vector length.</summary>
    public int Dimensions { get; }

    /// <summary>The raw vectors, row-major <c>[tags, dimensions]</c>.</summary>
    public float[] Vectors { get; }

    /// <summary>Whether <paramref name="tag"/> (after <see cref="TagCorpus.Normalize"/>) is in the vocabulary.</summary>
    public bool Contains(string tag) => _index.ContainsKey(TagCorpus.Normalize(tag));

    /// <summary>The unit vector of <paramref name="tag"/>, <c>[dimensions]</c>, or <c>null</c> when unknown.</summary>
    public float[]? Vector(string tag) =>
        _index.TryGetValue(TagCorpus.Normalize(tag), out var i) ? _unit.AsSpan(i * Dimensions, Dimensions).ToArray() : null;

    /// <summary>The <paramref name="k"/> tags closest to <paramref name="tag"/> by cosine, itself excluded.</summary>
    /// <exception cref="KeyNotFoundException">The tag is not in the vocabulary.</exception>
    public IReadOnlyList<TagNeighbour> Nearest(string tag, int k)
    {
        if (!_index.TryGetValue(TagCorpus.Normalize(tag), out var i))
        {
            throw new KeyNotFoundException($"Tag '{tag}' is not in the tag model's vocabulary ({Tags.Count} tags).");
        }

        var query = _unit.AsSpan(i * Dimensions, Dimensions);
        var scores = new float[Tags.Count];
        for (var t = 0; t < scores.Length; t++)
        {
            scores[t] = TensorPrimitives.Dot(query, _unit.AsSpan(t * Dimensions, Dimensions));
        }

        return TopK.Select(scores, k, t => t == i).Select(s => new TagNeighbour(Tags[s.Index], s.Score)).ToList();
    }

    /// <summary>
    /// A video's tag embedding: the mean of the unit vectors of its tags that the model knows, <c>[dimensions]</c>;
    /// all zeros when it knows none (the unknown vector).
    /// </summary>
    public float[] VideoVector(IEnumerable<string> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var sum = new float[Dimensions];
        var known = 0;
        foreach (var tag in tags.Select(TagCorpus.Normalize).Distinct(StringComparer.Ordinal))
        {
            if (_index.TryGetValue(tag, out var i))
            {
                TensorPrimitives.Add(sum, _unit.AsSpan(i * Dimensions, Dimensions), sum);
                known++;
            }
        }

        if (known > 0)
        {
            TensorPrimitives.Divide(sum, known, sum);
        }

        return sum;
    }

    /// <summary>Writes the model as JSON (vectors as Base64 little-endian float32) with <see cref="AtomicFile"/>.</summary>
    /// <exception cref="IOException">The file cannot be written; the message names <paramref name="path"/>.</exception>
    /// <exception cref="UnauthorizedAccessException">Permission denied; the message names <paramref name="path"/>.</exception>
    public void Save(string path)
    {
        var file = new TagModelFile(1, Dimensions, Tags.ToArray(), Counts.ToArray(), Convert.ToBase64String(System.Runtime.InteropServices.MemoryMarshal.AsBytes(Vectors.AsSpan())));
        AtomicFile.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(file, TagModelJson.Default.TagModelFile));
    }

    /// <summary>Reads a model written by <see cref="Save"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a tag model (names the file).</exception>
    public static TagEmbeddingModel Load(string path)
    {
        try
        {
            var file = JsonSerializer.Deserialize(File.ReadAllBytes(path), TagModelJson.Default.TagModelFile)
                ?? throw new InvalidDataException("empty document");
            if (file.Version != 1)
            {
                throw new InvalidDataException($"version {file.Version} is not supported");
            }

            var bytes = Convert.FromBase64String(file.Vectors);
            var vectors = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray();
            return new TagEmbeddingModel(file.Tags, file.Counts, file.Dimensions, vectors);
        }
        catch (Exception e) when (e is JsonException or FormatException or ArgumentException or InvalidDataException)
        {
            throw new InvalidDataException($"{path}: not a tag embedding model: {e.Message}", e);
        }
    }
}

internal sealed record TagModelFile(int Version, int Dimensions, string[] Tags, long[] Counts, string Vectors);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(TagModelFile))]
internal sealed partial class TagModelJson : JsonSerializerContext;
