using VideoRec.Api.Tests.Functions;
using VideoRec.Api.Tests.Support;
using VideoRec.Core.CandidateGeneration;
using VideoRec.Core.Online;
using VideoRec.Core.Serving;
using VideoRec.Core.Serving.Recommend;
using VideoRec.Local.Sqlite;

namespace VideoRec.Api.Tests.Serving;

/// <summary>A/B arms in serving: routing by the stable hash, each arm's own pipeline, every served page logged with its arm.</summary>
public sealed class ExperimentServingTests : IDisposable
{
    private readonly string _database = Path.Combine(Path.GetTempPath(), $"vrec-arms-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_database);
    }

    private static ExperimentOptions Experiment() => new()
    {
        Name = "homepage-a",
        Arms =
        [
            new ExperimentArm { Name = "pipeline", Traffic = 0.5, Pipeline = new ArmPipeline { Rerank = new Core.Reranking.RerankOptions { DiversityLambda = 1 } } },
            new ExperimentArm { Name = "popularity", Traffic = 0.5, Pipeline = new ArmPipeline { Policy = ArmPolicies.Popularity } },
        ],
    };

    [Fact]
    public async Task Each_arm_serves_its_own_pipeline_and_every_page_is_logged_with_its_arm()
    {
        var options = TestServing.Generous();
        var bundles = new FixedModelBundleProvider(ServingBundle.Create());
        using var experiment = new ExperimentServing(Experiment(), bundles, options, new ExactServingIndexProvider());
        using var control = new ServingModelHost(bundles, new ServingModelBuilder(options, new ExactServingIndexProvider()));
        var log = new SqliteImpressionLog(new SqliteDatabase(_database));
        var handler = new RecommendationHandler(control, new ServingOptions(), options, time: new FixedTimeProvider(ServingBundle.Now),
            experiment: experiment, impressions: log);
        await handler.WarmUpAsync(CancellationToken.None);
        // SHA-256("homepage-a\nu1") → bucket 1649 (first half: pipeline); "…\nu2" → 8046 (second half: popularity), worked out in Python.
        Assert.Equal(1649, ExperimentAssignment.Bucket("homepage-a", "u1"));
        Assert.Equal(8046, ExperimentAssignment.Bucket("homepage-a", "u2"));
        const string pipelineUser = "u1", popularUser = "u2";

        var popular = (await handler.RecommendAsync(new RecommendQuery { UserId = popularUser, K = 3, Country = "US", Language = "en" })).Value!;
        var piped = (await handler.RecommendAsync(new RecommendQuery { UserId = pipelineUser, K = 3, Country = "US", Language = "en" })).Value!;

        // The popularity arm: the popular list alone, in its own order (v12 12, v10 10, then v05 6 — v02, v03, v04, v06 are not for US/en viewers).
        Assert.Equal(["v12", "v10", "v05"], popular.Items.Select(i => i.VideoId));
        Assert.All(popular.Items, i => Assert.Equal([CandidateSources.Popular], i.Sources));
        // The pipeline arm: WALS order of u1 (who saw v12) over every source.
        Assert.Equal(["v01", "v05", "v07"], piped.Items.Select(i => i.VideoId));
        Assert.All(piped.Items, i => Assert.Contains(CandidateSources.Wals, i.Sources));
        var logged = await log.GetAsync(popular.RequestId, CancellationToken.None);
        Assert.NotNull(logged);
        Assert.Equal("popularity", logged.Arm);
        Assert.Equal(popularUser, logged.UserId);
        Assert.Equal("wals-test-1", logged.ModelVersion);
        Assert.Equal(ServingBundle.Now, logged.ServedAt);
        Assert.Equal(popular.Items.Select(i => (i.VideoId, i.Position)), logged.Items.Select(i => (i.VideoId, i.Position)));
        Assert.Equal("pipeline", (await log.GetAsync(piped.RequestId, CancellationToken.None))!.Arm);
        // The warm-up's pages were seen by nobody: not logged.
        Assert.Equal(2, (await log.ListAsync(DateTimeOffset.MinValue, DateTimeOffset.MaxValue, CancellationToken.None)).Count);
    }

    [Fact]
    public void A_policy_arm_keeps_one_source_and_the_defaults_stay_untouched()
    {
        var defaults = new ServingModelOptions();

        var wals = ExperimentServing.ArmOptions(defaults, new ArmPipeline { Policy = ArmPolicies.Wals });

        Assert.Equal([CandidateSources.Wals], wals.Candidates.EnabledSources.Select(s => s.Key));
        Assert.Equal(1, wals.Rerank.DiversityLambda);
        Assert.Equal(0, wals.Rerank.ExplorationShare);
        Assert.True(wals.Rerank.RemoveMisinformation);
        Assert.Equal(6, defaults.Candidates.EnabledSources.Count());
        Assert.Equal(0.8, defaults.Rerank.DiversityLambda);
    }

    [Fact]
    public void An_arm_naming_a_model_version_is_refused_naming_it()
    {
        var experiment = Experiment();
        experiment.Arms[1].Pipeline.ModelVersion = "wals-older";

        var error = Assert.Throws<ArgumentException>(() =>
            new ExperimentServing(experiment, new FixedModelBundleProvider(ServingBundle.Create()), new ServingModelOptions(), new ExactServingIndexProvider()));

        Assert.Contains("Arm popularity: serving runs one model version per process; leave ModelVersion empty (found 'wals-older').", error.Message, StringComparison.Ordinal);
    }
}
