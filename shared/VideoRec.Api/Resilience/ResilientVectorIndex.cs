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
public sealed class ResilientVectorIndex(IVideoVectorIndex inner, ResiliencePipeline pipeline) : DelegatingVectorIndex(inner), IDisposable
{
    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<VectorMatch>> SearchAsync(ReadOnlyMemory<float> query, int k, VectorSearchFilter? filter = null,
        CancellationToken cancellationToken = default) =>
        pipeline.ExecuteAsync(static (state, token) => state.inner.SearchAsync(state.query, state.k, state.filter, token),
            (inner: Inner, query, k, filter), cancellationToken);

    /// <summary>Disposes the wrapped index.</summary>
    public void Dispose() => (Inner as IDisposable)?.Dispose();
}
