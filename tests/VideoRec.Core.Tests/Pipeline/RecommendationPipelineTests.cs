using VideoRec.Core.CandidateGeneration;
using VideoRec.Core.Pipeline;
using VideoRec.Core.Reranking;

namespace VideoRec.Core.Tests.Pipeline;

public sealed class RecommendationPipelineTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    private sealed class ListGenerator(string name, Func<CancellationToken, Task<IReadOnlyList<Candidate>>> run) : ICandidateGenerator
    {
        public string Name => name;

        public async ValueTask<IReadOnlyList<Candidate>> GenerateAsync(CandidateRequest request, int count, CancellationToken cancellationToken) =>
            await run(cancellationToken);
    }

    private sealed class Scorer(string name, Func<IReadOnlyList<MergedCandidate>, CancellationToken, Task<float[]>> run) : ICandidateScorer
    {
        public string Name => name;

        public async ValueTask<float[]> ScoreAsync(CandidateRequest request, IReadOnlyList<MergedCandidate> candidates, CancellationToken cancellationToken) =>
            await run(candidates, cancellationToken);
    }

    private static ICandidateGenerator Wals(params string[] ids) =>
        new ListGenerator(CandidateSources.Wals, _ => Task.FromResult<IReadOnlyList<Candidate>>([.. ids.Select((id, i) => new Candidate(id, 1f - i * 0.1f, CandidateSources.Wals))]));

    /// <summary>Budgets generous enough for a loaded CI machine, except where a test times a stage out on purpose.</summary>
    private static RecommendationPipeline Pipeline(ICandidateGenerator generator, ICandidateScorer scorer, RerankOptions? rerank = null, int scoringBudgetMs = 5000)
    {
        var generation = new CandidateGenerationOptions
        {
            MergedCount = 100,
            Sources = new() { [CandidateSources.Wals] = new() { Quota = 0, BudgetMs = 4000 } },
        };
        return new RecommendationPipeline(new CandidateGenerationPipeline([generator], generation), scorer, _ => new RerankVideo { Impressions = 1000 },
            _ => [new Candidate("pop1", 50, CandidateSources.Popular), new Candidate("seen", 40, CandidateSources.Popular), new Candidate("pop2", 30, CandidateSources.Popular)],
            new PipelineOptions { CandidatesBudgetMs = 5000, ScoringBudgetMs = scoringBudgetMs },
            rerank ?? new RerankOptions { ExplorationShare = 0, DiversityLambda = 1, FreshnessBoost = 0, ClickbaitPenalty = 0 });
    }

    private static CandidateRequest Request() => new() { UserId = "u", Now = Now, Excluded = new HashSet<string> { "seen" } };

    private static RerankContext Page(int k = 3) => new() { K = k, Now = Now };

    [Fact]
    public async Task The_scorer_reorders_the_candidates_and_nothing_is_degraded()
    {
        // The scorer reverses the fused order: c gets 3, b 2, a 1.
        var scorer = new Scorer("ranker", (c, _) => Task.FromResult(c.Select((_, i) => (float)(i + 1)).ToArray()));

        var result = await Pipeline(Wals("a", "b", "c"), scorer).RunAsync(Request(), Page());

        Assert.Equal(["c", "b", "a"], result.Page.Items.Select(i => i.VideoId));
        Assert.Equal("ranker", result.Scorer);
        Assert.Empty(result.Degradations);
        Assert.Equal(["candidates", "scoring", "reranking"], result.Stages.Select(s => s.Stage));
        Assert.Equal(["wals"], result.Page.Items[0].Sources);
    }

    [Fact]
    public async Task A_failing_scorer_falls_back_to_the_fused_order_and_says_so()
    {
        var scorer = new Scorer("ranker", (_, _) => throw new InvalidOperationException("model not loaded"));

        var result = await Pipeline(Wals("a", "b", "c"), scorer).RunAsync(Request(), Page());

        Assert.Equal(["a", "b", "c"], result.Page.Items.Select(i => i.VideoId));
        Assert.Equal("fused", result.Scorer);
        Assert.Equal(["scoring: ranker failed (InvalidOperationException: model not loaded); candidates keep their fused order"], result.Degradations);
    }

    [Fact]
    public async Task A_slow_scorer_is_abandoned_at_its_budget()
    {
        var scorer = new Scorer("ranker", async (c, token) =>
        {
            await Task.Delay(5000, CancellationToken.None);
            return new float[c.Count];
        });

        var started = DateTime.UtcNow;
        var result = await Pipeline(Wals("a", "b"), scorer, scoringBudgetMs: 100).RunAsync(Request(), Page());

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(4));
        Assert.Equal(["a", "b"], result.Page.Items.Select(i => i.VideoId));
        Assert.Equal(["scoring: ranker gave no scores within 100 ms; candidates keep their fused order"], result.Degradations);
    }

    [Fact]
    public async Task No_candidates_serves_the_fallback_list_without_excluded_videos()
    {
        var failing = new ListGenerator(CandidateSources.Wals, _ => throw new TimeoutException("index unreachable"));

        var result = await Pipeline(failing, new FusedScoreScorer()).RunAsync(Request(), Page());

        Assert.Equal(["pop1", "pop2"], result.Page.Items.Select(i => i.VideoId));
        Assert.Equal(["popular"], result.Page.Items[0].Sources);
        Assert.Equal(
        [
            "source wals: TimeoutException: index unreachable",
            "candidates: no source proposed a video; served the fallback list (2 videos)",
        ], result.Degradations);
    }

    [Fact]
    public async Task A_wrong_number_of_scores_is_a_scorer_failure_not_a_crash()
    {
        var scorer = new Scorer("ranker", (_, _) => Task.FromResult(new float[] { 1 }));

        var result = await Pipeline(Wals("a", "b"), scorer).RunAsync(Request(), Page());

        Assert.Equal("fused", result.Scorer);
        Assert.Contains("the scorer returned 1 scores for 2 candidates", result.Degradations.Single());
    }

    [Fact]
    public async Task Caller_cancellation_is_not_swallowed()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Pipeline(Wals("a"), new FusedScoreScorer()).RunAsync(Request(), Page(), cancelled.Token));
    }
}
