using VideoRec.Core.Matrix;

namespace VideoRec.Core.CandidateGeneration.Index;

/// <summary>
/// Video vectors held in memory by id, row-major <c>[videos, dimensions]</c>: a model's video factors or video-tower
/// embeddings. The similar-videos source reads seed vectors from it; indexes are built from it.
/// </summary>
public sealed class VideoVectorTable
{
    private readonly float[] _rows;

    /// <summary>A table over <paramref name="rows"/>.</summary>
    /// <param name="videoIds">Video ids by row.</param>
    /// <param name="rows">Row-major <c>[videos, dimensions]</c>; not copied.</param>
    /// <param name="dimensions">Vector length, at least 1.</param>
    /// <exception cref="ArgumentException">The sizes disagree.</exception>
    public VideoVectorTable(IdIndex videoIds, float[] rows, int dimensions)
    {
        ArgumentNullException.ThrowIfNull(videoIds);
        ArgumentNullException.ThrowIfNull(rows);
        if (dimensions < 1 || rows.LongLength != (long)videoIds.Count * dimensions)
        {
            throw new ArgumentException($"{rows.LongLength} values do not make {videoIds.Count} rows of {dimensions}.", nameof(rows));
        }

        VideoIds = videoIds;
        _rows = rows;
        Dimensions = dimensions;
    }

    /// <summary>Video ids by row.</summary>
    public IdIndex VideoIds { get; }

    /// <summary>Vector length.</summary>
    public int Dimensions { get; }

    /// <summary>Number of videos.</summary>
    public int Count => VideoIds.Count;

    /// <summary>The vector of row <paramref name="index"/>, <c>[dimensions]</c>.</summary>
    public ReadOnlyMemory<float> Row(int index) => _rows.AsMemory(index * Dimensions, Dimensions);

    /// <summary>The vector of a video, or <c>null</c> when it has none.</summary>
    /// <remarks>
    /// The cast matters: in <c>c ? Row(i) : null</c> the null converts to an empty <see cref="ReadOnlyMemory{T}"/>
    /// (through the implicit conversion from a null array), so an unknown video would get an empty vector, not <c>null</c>.
    /// </remarks>
    public ReadOnlyMemory<float>? Find(string videoId) => VideoIds.TryGetIndex(videoId, out var i) ? Row(i) : (ReadOnlyMemory<float>?)null;

    /// <summary>The rows as index entries, with attributes from <paramref name="attributes"/> (unrestricted when it returns <c>null</c>).</summary>
    public IEnumerable<IndexedVideo> Entries(Func<string, VideoIndexAttributes?>? attributes = null)
    {
        for (var i = 0; i < Count; i++)
        {
            yield return new IndexedVideo(VideoIds[i], Row(i), attributes?.Invoke(VideoIds[i]) ?? VideoIndexAttributes.Unrestricted);
        }
    }
}
