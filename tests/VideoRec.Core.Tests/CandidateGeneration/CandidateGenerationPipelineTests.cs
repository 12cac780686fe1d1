using System.Diagnostics;
using VideoRec.Core.CandidateGeneration;

namespace VideoRec.Core.Tests.CandidateGeneration;

/// <summary>Concurrent generators under budgets: failures and timeouts are reported and the request still succeeds.</summary>
public sealed class CandidateGenerationPipelineTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 10, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A generator that runs <paramref name="body"/> and counts its calls.</summary>
    private sealed class FakeGenerator(string name, Func<int, CancellationToken, Task<IReadOnlyList<Candidate>>> body) : ICandidateGenerator
    {
        public int Calls;
        public int LastCount;

        public string Name => name;

        public async ValueTask<IReadOnlyList<Candidate>> GenerateAsync(CandidateRequest request, int count, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            LastCount = count;
            return await body(count, cancellationToken);
        }
    }

    private static FakeGenerator Fixed(string name, params string[] ids) =>
        new(name, (_, _) => Task.FromResult<IReadOnlyList<Candidate>>(ids.Select((id, i) => new Candidate(id, 10f - i, name)).ToArray()));

    private static FakeGenerator Throwing(string name, Exception e) => new(name, (_, _) => throw e);

    /// <summary>Waits 5 s, ignoring its token (the worst case: a generator that never yields to cancellation).</summary>
    private static FakeGenerator Stuck(string name) => new(name, async (_, _) =>
    {
        await Task.Delay(5000, CancellationToken.None);
        return [new Candidate("late", 1f, name)];
    });

    /// <summary>Waits 5 s unless its token is cancelled.</summary>
    private static FakeGenerator Slow(string name) => new(name, async (_, token) =>
    {
        await Task.Delay(5000, token);
        return [new Candidate("late", 1f, name)];
    });

    /// <summary>Reserved quotas twotower 0.5, wals 0.3, popular 0.2, fusion weights 1, merged count 10, generous budgets; the other built-in sources off.</summary>
    private static CandidateGenerationOptions Options(int budgetMs = 2000) => new()
    {
        MergedCount = 10,
        Sources = new Dictionary<string, CandidateSourceOptions>
        {
            [CandidateSources.Popular] = new() { Quota = 0.2, BudgetMs = budgetMs },
            [CandidateSources.TwoTower] = new() { Quota = 0.5, BudgetMs = 2000 },
            [CandidateSources.Wals] = new() { Quota = 0.3, BudgetMs = 2000 },
        },
    };

    private static CandidateRequest Request(params string[] excluded) => new() { UserId = "u", Now = Now, Excluded = new HashSet<string>(excluded) };

    [Fact]
    public async Task MergesBySourcePriority_AndReportsProposedAndSelected()
    {
        // Generators given in another order than the priority twotower, wals, popular; p2 is excluded.
        var pipeline = new CandidateGenerationPipeline(
        [
            Fixed(CandidateSources.Popular, "p1", "p2", "p3"),
            Fixed(CandidateSources.Wals, "w1", "w2", "t1", "w3"),
            Fixed(CandidateSources.TwoTower, "t1", "t2", "t3", "t4", "t5", "t6"),
        ], Options());

        var set = await pipeline.GenerateAsync(Request("p2"));

        // Reserved (count 10): twotower ⌊0.5·10⌋ = 5 → t1…t5; wals ⌊3⌋ → w1, w2 (t1 taken), w3; popular ⌊2⌋ → p1, p3
        // (p2 excluded, so p3 is popular's rank 1). That fills 10; t6 is left out.
        // Fused (weights 1): t1 = 1/60 + 1/62 (wals rank 2); t2 = 1/61; w1 = p1 = 1/60; t3 = 1/62; w2 = p3 = 1/61;
        // t4 = 1/63; w3 = 1/63; t5 = 1/64. Order: t1, then 1/60 ties by id (p1, w1), then 1/61 (p3, t2, w2),
        // then 1/62 (t3), 1/63 (t4, w3), 1/64 (t5).
        Assert.Equal(["twotower", "wals", "popular"], pipeline.Sources);
        Assert.Equal(["t1", "p1", "w1", "p3", "t2", "w2", "t3", "t4", "w3", "t5"], set.Candidates.Select(c => c.VideoId));
        Assert.Equal(["twotower", "wals"], set.Candidates[0].Sources.Select(s => s.Source)); // t1 from both, reserved by twotower
        Assert.Equal(
        [
            (CandidateSources.TwoTower, SourceStatus.Ok, 6, 5),
            (CandidateSources.Wals, SourceStatus.Ok, 4, 3),
            (CandidateSources.Popular, SourceStatus.Ok, 3, 2),
        ], set.Sources.Select(s => (s.Source, s.Status, s.Proposed, s.Selected)));
        Assert.False(set.Degraded);
        Assert.All(set.Sources, s => Assert.Null(s.Error));
        Assert.Equal(["p1", "p2", "p3"], set.Lists[CandidateSources.Popular].Select(c => c.VideoId));
    }

    [Fact]
    public async Task ThrowingGenerator_IsReportedFailed_AndOthersStillMerge()
    {
        var pipeline = new CandidateGenerationPipeline(
        [
            Fixed(CandidateSources.TwoTower, "t1", "t2"),
            Throwing(CandidateSources.Wals, new InvalidOperationException("factor index offline")),
            Fixed(CandidateSources.Popular, "p1"),
        ], Options());

        var set = await pipeline.GenerateAsync(Request());

        // wals proposes nothing. Every video is reserved (t1, t2, p1); fused: p1 = t1 = 1/60 (ties by id), t2 = 1/61.
        Assert.Equal(["p1", "t1", "t2"], set.Candidates.Select(c => c.VideoId));
        var wals = set.Sources[1];
        Assert.Equal((CandidateSources.Wals, SourceStatus.Failed, 0, 0), (wals.Source, wals.Status, wals.Proposed, wals.Selected));
        Assert.Contains("factor index offline", wals.Error);
        Assert.Contains(nameof(InvalidOperationException), wals.Error);
        Assert.True(set.Degraded);
        Assert.Empty(set.Lists[CandidateSources.Wals]);
    }

    [Fact]
    public async Task GeneratorCancelledByItsOwnTimeout_IsReportedFailed_NotFatal()
    {
        // An HTTP client's own timeout surfaces as TaskCanceledException although neither the request nor the budget
        // was cancelled: that is a failure of the source, not a cancellation of the request.
        var pipeline = new CandidateGenerationPipeline(
        [
            Fixed(CandidateSources.TwoTower, "t1"),
            Throwing(CandidateSources.Wals, new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout")),
        ], Options());

        var set = await pipeline.GenerateAsync(Request());

        Assert.Equal(["t1"], set.Candidates.Select(c => c.VideoId));
        Assert.Equal(SourceStatus.Failed, set.Sources[1].Status);
        Assert.Contains("HttpClient.Timeout", set.Sources[1].Error);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SlowGenerator_IsReportedTimedOut_WellBeforeItWouldAnswer(bool honoursCancellation)
    {
        var pipeline = new CandidateGenerationPipeline(
        [
            Fixed(CandidateSources.TwoTower, "t1", "t2"),
            honoursCancellation ? Slow(CandidateSources.Popular) : Stuck(CandidateSources.Popular),
        ], Options(budgetMs: 50));

        var clock = Stopwatch.StartNew();
        var set = await pipeline.GenerateAsync(Request());
        clock.Stop();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}"); // the generator would take 5 s
        Assert.Equal(["t1", "t2"], set.Candidates.Select(c => c.VideoId));
        var popular = set.Sources.Single(s => s.Source == CandidateSources.Popular);
        Assert.Equal((SourceStatus.TimedOut, 0, 0), (popular.Status, popular.Proposed, popular.Selected));
        Assert.Contains("50 ms", popular.Error);
        Assert.True(set.Degraded);
        Assert.Equal(SourceStatus.Ok, set.Sources.Single(s => s.Source == CandidateSources.TwoTower).Status);
    }

    [Fact]
    public async Task DisabledOrUnconfiguredSources_DoNotRun()
    {
        var options = Options();
        options.Sources[CandidateSources.Wals].Enabled = false;
        var twoTower = Fixed(CandidateSources.TwoTower, "t1");
        var wals = Fixed(CandidateSources.Wals, "w1");
        var fresh = Fixed(CandidateSources.Fresh, "f1"); // not in the options at all
        var pipeline = new CandidateGenerationPipeline([twoTower, wals, fresh], options);

        var set = await pipeline.GenerateAsync(Request());

        Assert.Equal([CandidateSources.TwoTower], pipeline.Sources);
        Assert.Equal((1, 0, 0), (twoTower.Calls, wals.Calls, fresh.Calls));
        Assert.Equal(["t1"], set.Candidates.Select(c => c.VideoId));
        Assert.Equal([CandidateSources.TwoTower], set.Sources.Select(s => s.Source));
    }

    [Fact]
    public async Task EachSource_IsAskedForItsCount_OrTheMergedCount()
    {
        var options = Options();
        options.Sources[CandidateSources.Wals].Count = 3;
        var twoTower = Fixed(CandidateSources.TwoTower, "t1");
        var wals = Fixed(CandidateSources.Wals, "w1");

        await new CandidateGenerationPipeline([twoTower, wals], options).GenerateAsync(Request());

        Assert.Equal((10, 3), (twoTower.LastCount, wals.LastCount));
    }

    [Fact]
    public void DuplicateGeneratorNames_AndInvalidOptions_AreRefused()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            new CandidateGenerationPipeline([Fixed(CandidateSources.Wals, "a"), Fixed(CandidateSources.Wals, "b")], Options()));
        Assert.Contains("'wals'", e.Message);
        Assert.Throws<ArgumentException>(() => new CandidateGenerationPipeline([Fixed(CandidateSources.Wals)], new CandidateGenerationOptions { MergedCount = 0 }));
    }

    [Fact]
    public async Task CallerCancellation_ThrowsOperationCanceled()
    {
        var pipeline = new CandidateGenerationPipeline([Slow(CandidateSources.TwoTower), Stuck(CandidateSources.Wals), Fixed(CandidateSources.Popular, "p1")], Options());

        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pipeline.GenerateAsync(Request(), cancelled.Token));

        // Cancelled mid-flight, while the generators wait (budgets 2 s, generators 5 s): throws promptly.
        using var later = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pipeline.GenerateAsync(Request(), later.Token));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1.5), $"took {clock.Elapsed}");
    }
}
