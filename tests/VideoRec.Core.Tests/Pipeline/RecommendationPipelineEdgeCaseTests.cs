using VideoRec.Core.CandidateGeneration;
using VideoRec.Core.Pipeline;
using VideoRec.Core.Reranking;

namespace VideoRec.Core.Tests.Pipeline;

/// <summary>Bad input to the recommend pipeline: it must degrade, never fail the request.</summary>
public sealed class RecommendationPipelineEdgeCaseTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    private sealed class Nothing : ICandidateGenerator
    {
        public string Name => CandidateSources.Wals;

        public ValueTask<IReadOnlyList<Candidate>> GenerateAsync(CandidateRequest request, int count, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<Candidate>>([]);
    }

    private static RecommendationPipeline Pipeline(Func<CandidateRequest, IReadOnlyList<Candidate>> fallback, PipelineOptions? options = null)
    {
        var generation = new CandidateGenerationOptions
        {
            MergedCount = 100,
            Sources = new() { [CandidateSources.Wals] = new() { Quota = 0, BudgetMs = 5000 } },
        };
        return new RecommendationPipeline(new CandidateGenerationPipeline([new Nothing()], generation), new FusedScoreScorer(),
            _ => new RerankVideo { Impressions = 1000 }, fallback,
            options ?? new PipelineOptions { CandidatesBudgetMs = 5000, ScoringBudgetMs = 5000 },
            new RerankOptions { ExplorationShare = 0, DiversityLambda = 1, FreshnessBoost = 0, ClickbaitPenalty = 0 });
    }

    private static CandidateRequest Request() => new() { UserId = "u", Now = Now, Excluded = new HashSet<string> { "seen" } };

    private static RerankContext Page(int k = 5) => new() { K = k, Now = Now };

    private static Candidate Popular(string id, float score) => new(id, score, CandidateSources.Popular);

    [Fact]
    public async Task A_fallback_list_with_repeated_or_missing_ids_is_served_once_each()
    {
        // A fallback built from a country list and the global list repeats videos: the re-ranker threw
        // "Video 'pop1' appears twice" and the request failed; a null id threw in the exclusion lookup.
        var result = await Pipeline(_ => [Popular("pop1", 50), Popular("pop2", 40), Popular("pop1", 30), Popular(null!, 20), Popular("", 15), Popular("seen", 10)])
            .RunAsync(Request(), Page());

        Assert.Equal(["pop1", "pop2"], result.Page.Items.Select(i => i.VideoId));
        Assert.Equal(["candidates: no source proposed a video; served the fallback list (2 videos)"], result.Degradations);
    }

    [Fact]
    public async Task A_failing_fallback_gives_an_empty_page_not_a_failed_request()
    {
        var result = await Pipeline(_ => throw new InvalidOperationException("store down")).RunAsync(Request(), Page());

        Assert.Empty(result.Page.Items);
        Assert.Equal(["candidates: no source proposed a video; the fallback list failed (InvalidOperationException: store down)"], result.Degradations);
    }

    [Fact]
    public async Task A_null_fallback_list_gives_an_empty_page()
    {
        var result = await Pipeline(_ => null!).RunAsync(Request(), Page());

        Assert.Empty(result.Page.Items);
        Assert.Equal(["candidates: no source proposed a video; served the fallback list (0 videos)"], result.Degradations);
    }

    [Fact]
    public void Invalid_stage_budgets_are_refused_when_the_pipeline_is_built()
    {
        // They were never checked: a negative budget made CancelAfter throw inside every request, which then quietly
        // served the fallback list ("ArgumentOutOfRangeException") and fused scores.
        var e = Assert.Throws<ArgumentException>(() => Pipeline(_ => [], new PipelineOptions { CandidatesBudgetMs = -5, ScoringBudgetMs = 0 }));

        Assert.Equal("Invalid pipeline settings:" + Environment.NewLine +
            "CandidatesBudgetMs must be 1–10000 ms (found -5)." + Environment.NewLine +
            "ScoringBudgetMs must be 1–10000 ms (found 0). (Parameter 'options')", e.Message);
    }

    [Fact]
    public async Task Candidates_without_catalogue_facts_are_left_out_not_a_failed_request()
    {
        // The facts went straight into the re-ranker: a null made it throw NullReferenceException, and a lookup that
        // threw failed the request. Without facts the rules (region, hidden, misinformation) cannot be applied, so the
        // video is left out and the stage says so.
        RerankVideo Facts(string id) => id switch
        {
            "gone" => null!,
            "broken" => throw new KeyNotFoundException("no row"),
            _ => new RerankVideo { Impressions = 1000 },
        };
        var generation = new CandidateGenerationOptions { MergedCount = 100, Sources = new() { [CandidateSources.Wals] = new() { Quota = 0, BudgetMs = 5000 } } };
        var generator = new Fixed(["a", "gone", "b", "broken"]);
        var pipeline = new RecommendationPipeline(new CandidateGenerationPipeline([generator], generation), new FusedScoreScorer(), Facts, _ => [],
            new PipelineOptions { CandidatesBudgetMs = 5000, ScoringBudgetMs = 5000 },
            new RerankOptions { ExplorationShare = 0, DiversityLambda = 1, FreshnessBoost = 0, ClickbaitPenalty = 0 });

        var result = await pipeline.RunAsync(Request(), Page());

        Assert.Equal(["a", "b"], result.Page.Items.Select(i => i.VideoId));
        Assert.Equal(["reranking: no catalogue facts for 2 candidates (gone, broken); left out"], result.Degradations);
    }

    private sealed class Fixed(string[] ids) : ICandidateGenerator
    {
        public string Name => CandidateSources.Wals;

        public ValueTask<IReadOnlyList<Candidate>> GenerateAsync(CandidateRequest request, int count, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<Candidate>>([.. ids.Select((id, i) => new Candidate(id, 1f - i * 0.1f, Name))]);
    }
}
