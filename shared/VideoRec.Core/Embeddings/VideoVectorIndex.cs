using System.Numerics.Tensors;
using VideoRec.Core.Ranking;

namespace VideoRec.Core.Embeddings;

/// <summary>A video and its cosine similarity to a query.</summary>
/// <param name="VideoId">The video.</param>
/// <param name="Cosine">Cosine similarity in [−1, 1].</param>
public sealed record VideoNeighbour(string VideoId, float Cosine);

/// <summary>
/// Exact nearest-neighbour search over video text embeddings by cosine (a full scan with SIMD dot products): the
/// reference that an ANN index is measured against, and fast enough for catalogues of tens of thousands of videos.
/// Rows are stored unit-length; a zero row (empty text) never matches.
/// </summary>
public sealed class VideoVectorIndex
{
    private readonly float[] _rows;
    private readonly Dictionary<string, int> _positions;

    /// <summary>Indexes <paramref name="vectors"/>, normalising each row.</summary>
    /// <param name="videoIds">The videos, <c>[videos]</c>, distinct.</param>
    /// <param name="vectors">Row-major <c>[videos, dimensions]</c>.</param>
    /// <param name="dimensions">Vector length.</param>
    /// <exception cref="ArgumentException">The shapes disagree or an id repeats.</exception>
    public VideoVectorIndex(IReadOnlyList<string> videoIds, float[] vectors, int dimensions)
    {
        ArgumentNullException.ThrowIfNull(videoIds);
        ArgumentNullException.ThrowIfNull(vectors);
        if (dimensions < 1 || vectors.Length != videoIds.Count * dimensions)
        {
            throw new ArgumentException($"{vectors.Length} values do not make {videoIds.Count} rows of {dimensions}.", nameof(vectors));
        }

        VideoIds = videoIds;
        Dimensions = dimensions;
        _rows = new float[vectors.Length];
        _positions = new Dictionary<string, int>(videoIds.Count, StringComparer.Ordinal);
        for (var i = 0; i < videoIds.Count; i++)
        {
            if (!_positions.TryAdd(videoIds[i], i))
            {
                throw new ArgumentException($"Video '{videoIds[i]}' appears twice.", nameof(videoIds));
            }

            var row = vectors.AsSpan(i * dimensions, dimensions);
            var norm = TensorPrimitives.Norm(row);
            if (norm > 0 && float.IsFinite(norm))
            {
                TensorPrimitives.Divide(row, norm, _rows.AsSpan(i * dimensions, dimensions));
            }
        }
    }

    /// <summary>The indexed videos, in row order.</summary>
    public IReadOnlyList<string> VideoIds { get; }

    /// <summary>Vector length.</summary>
    public int Dimensions { get; }

    /// <summary>Number of videos.</summary>
    public int Count => VideoIds.Count;

    /// <summary>The unit row of a video, <c>[dimensions]</c> (zeros for empty text), or an empty span when unknown.</summary>
    public ReadOnlySpan<float> Row(string videoId) =>
        _positions.TryGetValue(videoId, out var i) ? _rows.AsSpan(i * Dimensions, Dimensions) : [];

    /// <summary>The row index of a video, or −1.</summary>
    public int IndexOf(string videoId) => _positions.GetValueOrDefault(videoId, -1);

    /// <summary>Loads every stored embedding of <paramref name="field"/>.</summary>
    /// <exception cref="InvalidDataException">Stored vectors have different lengths (a model change half done).</exception>
    public static async Task<VideoVectorIndex> LoadAsync(IEmbeddingStore store, VideoTextField field, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var ids = new List<string>();
        var values = new List<float>();
        var dimensions = 0;
        await foreach (var e in store.ReadVideoEmbeddingsAsync(field, cancellationToken))
        {
            if (dimensions == 0)
            {
                dimensions = e.Vector.Length;
            }
            else if (e.Vector.Length != dimensions)
            {
                throw new InvalidDataException($"Stored {field} embeddings have {dimensions} and {e.Vector.Length} dimensions (video '{e.VideoId}'): refresh them under one model.");
            }

            ids.Add(e.VideoId);
            values.AddRange(e.Vector);
        }

        return new VideoVectorIndex(ids, values.ToArray(), Math.Max(1, dimensions));
    }

    /// <summary>
    /// One index of the unit-normalised sum of two aligned fields (such as title and tags), so a video is close when
    /// its title and its tags are; a video with one field empty keeps the other. Videos missing from
    /// <paramref name="second"/> keep <paramref name="first"/>'s row.
    /// </summary>
    /// <exception cref="ArgumentException">The dimensions differ.</exception>
    public static VideoVectorIndex Combine(VideoVectorIndex first, VideoVectorIndex second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (first.Dimensions != second.Dimensions)
        {
            throw new ArgumentException($"Cannot combine {first.Dimensions}- and {second.Dimensions}-dimensional embeddings.", nameof(second));
        }

        var d = first.Dimensions;
        var sum = new float[first.Count * d];
        for (var i = 0; i < first.Count; i++)
        {
            var target = sum.AsSpan(i * d, d);
            first._rows.AsSpan(i * d, d).CopyTo(target);
            var other = second.Row(first.VideoIds[i]);
            if (!other.IsEmpty)
            {
                TensorPrimitives.Add(target, other, target);
            }
        }

        return new VideoVectorIndex(first.VideoIds, sum, d);
    }

    /// <summary>The <paramref name="k"/> videos most similar to <paramref name="query"/>, best first (ties by row order).</summary>
    /// <param name="query">A vector, <c>[dimensions]</c>; normalised here.</param>
    /// <param name="k">How many.</param>
    /// <param name="exclude">Rows to leave out (such as the query video itself).</param>
    /// <exception cref="ArgumentException">The query has another length.</exception>
    public IReadOnlyList<VideoNeighbour> Nearest(ReadOnlySpan<float> query, int k, Func<int, bool>? exclude = null)
    {
        if (query.Length != Dimensions)
        {
            throw new ArgumentException($"The query has {query.Length} values; the index has {Dimensions} dimensions.", nameof(query));
        }

        var scores = Scores(query);
        return TopK.Select(scores, k, exclude).Select(s => new VideoNeighbour(VideoIds[s.Index], s.Score)).ToList();
    }

    /// <summary>Cosine of <paramref name="query"/> with every row, <c>[videos]</c>; NaN for zero rows (so they never rank).</summary>
    public float[] Scores(ReadOnlySpan<float> query)
    {
        var norm = TensorPrimitives.Norm(query);
        var scores = new float[Count];
        for (var i = 0; i < scores.Length; i++)
        {
            var row = _rows.AsSpan(i * Dimensions, Dimensions);
            scores[i] = norm == 0 || row[0] == 0 && TensorPrimitives.Norm(row) == 0 ? float.NaN : TensorPrimitives.Dot(query, row) / norm;
        }

        return scores;
    }
}
