using Polly.CircuitBreaker;
using Polly.Timeout;
using VideoRec.Api.Resilience;
using VideoRec.Core.CandidateGeneration.Index;

namespace VideoRec.Api.Tests.Serving;

/// <summary>The timeout and circuit breaker around vector searches (the same pipeline wraps feature-store reads).</summary>
public sealed class ServingResilienceTests
{
    private sealed class CountingIndex(Func<CancellationToken, Task> behaviour) : IVideoVectorIndex
    {
        public int Searches;

        public string Engine => "counting";
        public int Dimensions => 2;
        public VectorMetric Metric => VectorMetric.InnerProduct;
        public ValueTask<long> CountAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(0L);
        public ValueTask UpsertAsync(IReadOnlyList<IndexedVideo> videos, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
        public ValueTask<int> DeleteAsync(IReadOnlyCollection<string> videoIds, CancellationToken cancellationToken = default) => ValueTask.FromResult(0);

        public async ValueTask<IReadOnlyList<VectorMatch>> SearchAsync(ReadOnlyMemory<float> query, int k, VectorSearchFilter? filter = null, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Searches);
            await behaviour(cancellationToken);
            return [new VectorMatch("v1", 1f)];
        }
    }

    [Fact]
    public async Task A_hung_search_is_cut_at_the_timeout()
    {
        var index = new CountingIndex(token => Task.Delay(TimeSpan.FromMinutes(5), token));
        var options = new ServingResilienceOptions { IndexTimeoutMs = 20 };
        var resilient = new ResilientVectorIndex(index, options.Build(options.IndexTimeoutMs));

        await Assert.ThrowsAsync<TimeoutRejectedException>(async () => await resilient.SearchAsync(new float[] { 1, 0 }, 1));
    }

    [Fact]
    public async Task Repeated_failures_open_the_breaker_and_later_calls_fail_without_searching()
    {
        var index = new CountingIndex(_ => throw new IOException("shard down"));
        var options = new ServingResilienceOptions { MinimumThroughput = 4, FailureRatio = 0.5, BreakSeconds = 60 };
        var resilient = new ResilientVectorIndex(index, options.Build(options.IndexTimeoutMs));

        for (var i = 0; i < 4; i++)
        {
            await Assert.ThrowsAsync<IOException>(async () => await resilient.SearchAsync(new float[] { 1, 0 }, 1));
        }

        await Assert.ThrowsAsync<BrokenCircuitException>(async () => await resilient.SearchAsync(new float[] { 1, 0 }, 1));
        Assert.Equal(4, index.Searches);
    }

    [Fact]
    public async Task A_caller_giving_up_does_not_count_against_the_index()
    {
        var index = new CountingIndex(token => Task.Delay(TimeSpan.FromMinutes(5), token));
        var options = new ServingResilienceOptions { MinimumThroughput = 2, IndexTimeoutMs = 60_000 };
        var resilient = new ResilientVectorIndex(index, options.Build(options.IndexTimeoutMs));

        for (var i = 0; i < 3; i++)
        {
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(10));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await resilient.SearchAsync(new float[] { 1, 0 }, 1, cancellationToken: cancel.Token));
        }

        Assert.Equal(3, index.Searches);
    }

    [Fact]
    public void Bad_settings_are_all_named()
    {
        var options = new ServingResilienceOptions { StoreTimeoutMs = 0, FailureRatio = 2, MinimumThroughput = 1, BreakSeconds = 0 };

        var error = Assert.Throws<ArgumentException>(() => options.Build(10));

        Assert.Contains("StoreTimeoutMs must be 1–60000 ms (found 0).", error.Message, StringComparison.Ordinal);
        Assert.Contains("FailureRatio must be in (0, 1] (found 2).", error.Message, StringComparison.Ordinal);
        Assert.Contains("MinimumThroughput must be at least 2 (found 1).", error.Message, StringComparison.Ordinal);
        Assert.Contains("BreakSeconds must be 0.5–3600 (found 0).", error.Message, StringComparison.Ordinal);
    }
}
