using VideoRec.Core.CandidateGeneration;

namespace VideoRec.Core.Tests.CandidateGeneration;

/// <summary>Generators that break their contract must fail alone, never the request.</summary>
public sealed class CandidateGenerationPipelineEdgeCaseTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 10, 0, 0, 0, TimeSpan.Zero);

    private sealed class Generator(string name, Func<IReadOnlyList<Candidate>> answer) : ICandidateGenerator
    {
        public string Name => name;

        public ValueTask<IReadOnlyList<Candidate>> GenerateAsync(CandidateRequest request, int count, CancellationToken cancellationToken) =>
            ValueTask.FromResult(answer());
    }

    private static Generator Fixed(string name, params string[] ids) =>
        new(name, () => ids.Select((id, i) => new Candidate(id, 10f - i, name)).ToArray());

    private static CandidateGenerationOptions Options() => new()
    {
        MergedCount = 10,
        Sources = new Dictionary<string, CandidateSourceOptions>
        {
            [CandidateSources.TwoTower] = new() { Quota = 0.5, BudgetMs = 5000 },
            [CandidateSources.Wals] = new() { Quota = 0.3, BudgetMs = 5000 },
        },
    };

    private static CandidateRequest Request() => new() { UserId = "u", Now = Now };

    [Fact]
    public async Task A_generator_answering_null_fails_alone()
    {
        // Its null list reached SourceReport (r.Candidates.Count) and the merger: NullReferenceException for the request.
        var pipeline = new CandidateGenerationPipeline([new Generator(CandidateSources.TwoTower, () => null!), Fixed(CandidateSources.Wals, "w1", "w2")], Options());

        var set = await pipeline.GenerateAsync(Request());

        Assert.Equal(["w1", "w2"], set.Candidates.Select(c => c.VideoId));
        var report = set.Sources[0];
        Assert.Equal((CandidateSources.TwoTower, SourceStatus.Failed, 0), (report.Source, report.Status, report.Proposed));
        Assert.Equal("InvalidOperationException: the generator returned null instead of a list", report.Error);
        Assert.Empty(set.Lists[CandidateSources.TwoTower]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task A_generator_proposing_a_video_without_an_id_fails_alone(string? id)
    {
        // A null id reached the merger's dictionaries: ArgumentNullException for the whole request; an empty one was merged as a video.
        var pipeline = new CandidateGenerationPipeline([Fixed(CandidateSources.TwoTower, "t1", id!), Fixed(CandidateSources.Wals, "w1")], Options());

        var set = await pipeline.GenerateAsync(Request());

        Assert.Equal(["w1"], set.Candidates.Select(c => c.VideoId));
        Assert.Equal(SourceStatus.Failed, set.Sources[0].Status);
        Assert.Equal("InvalidOperationException: the generator proposed a video without an id (position 1)", set.Sources[0].Error);
    }

    [Fact]
    public async Task A_generator_answering_more_than_asked_is_cut_to_its_count()
    {
        // Nothing held a generator to "up to count": 25 answers to a request for 3 were all merged and reported as proposed.
        var options = Options();
        options.Sources[CandidateSources.Wals].Count = 3;
        var pipeline = new CandidateGenerationPipeline([Fixed(CandidateSources.Wals, [.. Enumerable.Range(0, 25).Select(i => $"w{i:00}")])], options);

        var set = await pipeline.GenerateAsync(Request());

        Assert.Equal(["w00", "w01", "w02"], set.Candidates.Select(c => c.VideoId));
        Assert.Equal(3, set.Sources.Single().Proposed);
        Assert.Equal(3, set.Lists[CandidateSources.Wals].Count);
    }
}
