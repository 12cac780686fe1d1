using VideoRec.Core.CandidateGeneration.Index;

namespace VideoRec.Core.Serving.Recommend;

/// <summary>
/// Serves one space from an index shared outside the process (such as Azure AI Search, which every function instance
/// queries) and every other space from <paramref name="others"/>. When a model version is loaded, the shared index is
/// brought up to the bundle's vectors: every row is upserted by video id (idempotent, so instances racing on the same
/// version do no harm), unless this provider already wrote that version. Videos the bundle no longer has stay in the
/// shared index (re-ranking leaves out candidates outside the catalogue). The shared index is not disposed with a model.
/// </summary>
/// <param name="shared">The shared index.</param>
/// <param name="space">The space it holds, such as <c>wals</c>.</param>
/// <param name="others">The provider of the other spaces.</param>
/// <param name="batchSize">Rows per upsert call. Default 1,000.</param>
public sealed class SharedIndexProvider(IVideoVectorIndex shared, string space, IServingIndexProvider others, int batchSize = 1000) : IServingIndexProvider
{
    private readonly Lock _gate = new();
    private string? _filledVersion;

    /// <inheritdoc />
    /// <exception cref="InvalidDataException">The shared index's dimensions or metric do not match the space.</exception>
    public IVideoVectorIndex Create(ServingIndexSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Space != space)
        {
            return others.Create(spec);
        }

        if (shared.Dimensions != spec.Rows.Dimensions || shared.Metric != spec.Metric)
        {
            throw new InvalidDataException($"The shared {space} index holds {shared.Dimensions}-d {shared.Metric} vectors; model {spec.ModelVersion} needs {spec.Rows.Dimensions}-d {spec.Metric}.");
        }

        // A count says nothing about the vectors: a retrained version usually has exactly the old one's videos, with
        // factors in a new basis. Only a version this provider already wrote is skipped.
        lock (_gate)
        {
            if (_filledVersion != spec.ModelVersion)
            {
                foreach (var chunk in spec.Entries().Chunk(Math.Max(1, batchSize)))
                {
                    shared.UpsertAsync(chunk).AsTask().GetAwaiter().GetResult();
                }

                _filledVersion = spec.ModelVersion;
            }
        }

        return new NotOwned(shared);
    }

    /// <summary>Hides <see cref="IDisposable"/> so retiring a model leaves the shared index alone.</summary>
    private sealed class NotOwned(IVideoVectorIndex inner) : DelegatingVectorIndex(inner);
}
