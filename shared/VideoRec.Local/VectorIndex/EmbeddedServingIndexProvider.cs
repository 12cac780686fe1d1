using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VideoRec.Core.CandidateGeneration.Index;
using VideoRec.Core.Serving.Recommend;

namespace VideoRec.Local.VectorIndex;

/// <summary>
/// The embedded default behind the serving model's ANN sources. Catalogues up to <paramref name="exactMaxVideos"/>
/// videos get an exact index (a scan is as fast as a graph there, and exact). Larger ones get a USearch HNSW index:
/// reopened memory-mapped from <c>&lt;bundle&gt;/indexes/&lt;space&gt;/</c> when a saved one of the same size and
/// dimensions is there (milliseconds, pages shared between processes), else built from the bundle's vectors and saved
/// there for the next process (when the folder is writable).
/// </summary>
/// <param name="exactMaxVideos">The largest catalogue served by exact search. Default 20,000.</param>
/// <param name="options">HNSW settings (connectivity, search expansion, threads); <c>null</c> for the defaults.</param>
/// <param name="logger">Build and reuse logs.</param>
public sealed class EmbeddedServingIndexProvider(int exactMaxVideos = 20_000, UsearchIndexOptions? options = null, ILogger<EmbeddedServingIndexProvider>? logger = null)
    : IServingIndexProvider
{
    /// <summary>The folder inside a bundle holding saved indexes, one subfolder per space.</summary>
    public const string IndexesFolder = "indexes";

    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;
    private readonly ExactServingIndexProvider _exact = new();

    /// <inheritdoc />
    public IVideoVectorIndex Create(ServingIndexSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Rows.Count <= exactMaxVideos)
        {
            return _exact.Create(spec);
        }

        var folder = spec.BundleDirectory is null ? null : Path.Combine(spec.BundleDirectory, IndexesFolder, spec.Space);
        if (folder is not null && File.Exists(Path.Combine(folder, USearchVectorIndex.IndexFileName)))
        {
            try
            {
                var saved = USearchVectorIndex.Open(folder, IndexOpenMode.MemoryMapped, options);
                if (saved.Count == spec.Rows.Count && saved.Dimensions == spec.Rows.Dimensions && saved.Metric == spec.Metric)
                {
                    _logger.LogInformation("Vector index {Space} of {ModelVersion}: reopened {Count} videos from {Folder}.", spec.Space, spec.ModelVersion, saved.Count, folder);
                    return saved;
                }

                _logger.LogWarning("Vector index {Space} in {Folder} does not match the bundle ({Count} videos, {Dimensions}-d, {Metric}); rebuilding.",
                    spec.Space, folder, saved.Count, saved.Dimensions, saved.Metric);
                saved.Dispose();
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UsearchException)
            {
                _logger.LogWarning(e, "Vector index {Space} in {Folder} cannot be opened; rebuilding.", spec.Space, folder);
            }
        }

        var index = new USearchVectorIndex(spec.Rows.Dimensions, spec.Metric, options);
        try
        {
            index.Reserve(spec.Rows.Count);
            const int chunk = 50_000;
            var batch = new List<IndexedVideo>(chunk);
            foreach (var entry in spec.Entries())
            {
                batch.Add(entry);
                if (batch.Count == chunk)
                {
                    index.Upsert(batch);
                    batch.Clear();
                }
            }

            index.Upsert(batch);
        }
        catch
        {
            index.Dispose();
            throw;
        }

        if (folder is not null)
        {
            try
            {
                Directory.CreateDirectory(folder);
                index.Save(folder);
                _logger.LogInformation("Vector index {Space} of {ModelVersion}: built {Count} videos, saved to {Folder}.", spec.Space, spec.ModelVersion, spec.Rows.Count, folder);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _logger.LogWarning(e, "Vector index {Space}: built but not saved to {Folder}.", spec.Space, folder);
            }
        }

        return index;
    }
}
