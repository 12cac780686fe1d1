using Polly;
using VideoRec.Core.CandidateGeneration.Index;

namespace VideoRec.Api.Resilience;

/// <summary>
/// A vector index whose searches run through a timeout and circuit breaker (<see cref="ServingResilienceOptions"/>): a
/// hung or failing index fails fast with <see cref="Polly.Timeout.TimeoutRejectedException"/> or
/// <see cref="Polly.CircuitBreaker.BrokenCircuitException"/>, which the candidate pipeline reports as that source
/// failing. Writes and counts pass straight through. Disposes the inner index.
/// </summary>
/// <param name="inner">The index.</param>
/// <param name="pipeline">The search pipeline.</param>
public sealed class ResilientVectorIndex(IVideoVectorIndex inner, ResiliencePipeline pipeline) : IVideoVectorIndex, IDisposable
{
    /// <summary>The wrapped index.</summary>
    public IVideoVectorIndex Inner => inner;

    /// <inheritdoc />
    public string Engine => inner.Engine;

    /// <inheritdoc />
    public int Dimensions => inner.Dimensions;

    /// <inheritdoc />
    public VectorMetric Metric => inner.Metric;

    /// <inheritdoc />
    public ValueTask<long> CountAsync(CancellationToken cancellationToken = default) => inner.CountAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask UpsertAsync(IReadOnlyList<IndexedVideo> videos, CancellationToken cancellationToken = default) => inner.UpsertAsync(videos, cancellationToken);

    /// <inheritdoc />
    public ValueTask<int> DeleteAsync(IReadOnlyCollection<string> videoIds, CancellationToken cancellationToken = default) => inner.DeleteAsync(videoIds, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<VectorMatch>> SearchAsync(ReadOnlyMemory<float> query, int k, VectorSearchFilter? filter = null,
        CancellationToken cancellationToken = default) =>
        pipeline.ExecuteAsync(static (state, token) => state.inner.SearchAsync(state.query, state.k, state.filter, token),
            (inner, query, k, filter), cancellationToken);

    /// <summary>Disposes the wrapped index.</summary>
    public void Dispose() => (inner as IDisposable)?.Dispose();
}
