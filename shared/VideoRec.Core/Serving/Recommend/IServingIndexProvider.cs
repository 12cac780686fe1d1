using VideoRec.Core.CandidateGeneration.Index;

namespace VideoRec.Core.Serving.Recommend;

/// <summary>What a serving model needs indexed: one embedding space of one bundle.</summary>
/// <param name="Space">The space: <c>wals</c> (video factors, inner product), <c>similar</c> (content vectors, cosine) or <c>twotower</c>.</param>
/// <param name="ModelVersion">The bundle version (a saved index is only reused for the same version).</param>
/// <param name="BundleDirectory">The bundle's directory, where a provider may keep a saved index; <c>null</c> for a bundle built in memory.</param>
/// <param name="Metric">The metric the space is searched with.</param>
/// <param name="Rows">The video vectors, <c>[videos, dimensions]</c>, with their ids.</param>
/// <param name="Attributes">The filter attributes of a video by row.</param>
public sealed record ServingIndexSpec(string Space, string ModelVersion, string? BundleDirectory, VectorMetric Metric, VideoVectorTable Rows,
    Func<int, VideoIndexAttributes> Attributes)
{
    /// <summary>The rows as index entries.</summary>
    public IEnumerable<IndexedVideo> Entries() =>
        Enumerable.Range(0, Rows.Count).Select(i => new IndexedVideo(Rows.VideoIds[i], Rows.Row(i), Attributes(i)));
}

/// <summary>
/// Supplies the vector indexes a serving model searches (ARCHITECTURE, "Recommend": the vector index behind the ANN
/// candidate generators). Called once per bundle and space when a model version is loaded, never per request. The
/// embedded provider builds (or reopens a saved) USearch HNSW index; <see cref="ExactServingIndexProvider"/> scans.
/// </summary>
public interface IServingIndexProvider
{
    /// <summary>An index holding every row of <paramref name="spec"/>; the caller disposes it (when disposable) once the model is retired.</summary>
    /// <exception cref="InvalidDataException">A saved index is damaged (providers rebuild rather than throw when they can).</exception>
    IVideoVectorIndex Create(ServingIndexSpec spec);
}

/// <summary>Exact (brute-force, SIMD) indexes: exact results, a scan per query; right for catalogues up to tens of thousands of videos and for tests.</summary>
public sealed class ExactServingIndexProvider : IServingIndexProvider
{
    /// <inheritdoc />
    public IVideoVectorIndex Create(ServingIndexSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var index = new ExactVectorIndex(spec.Rows.Dimensions, spec.Metric, Math.Max(1, spec.Rows.Count));
        index.Upsert([.. spec.Entries()]);
        return index;
    }
}
