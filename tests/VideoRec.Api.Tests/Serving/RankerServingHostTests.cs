using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging.Abstractions;
using VideoRec.Api.Tests.Functions;
using VideoRec.Api.Tests.Support;
using VideoRec.Core.Bundles;
using VideoRec.Core.CandidateGeneration;
using VideoRec.Core.Domain;
using VideoRec.Core.Ingestion;
using VideoRec.Core.Pipeline;
using VideoRec.Core.Scoring;
using VideoRec.Core.Serving;
using VideoRec.Core.Serving.Recommend;
using VideoRec.Host;
using VideoRec.Local.Sqlite;
using VideoRec.Scoring.Model;
using VideoRec.Scoring.Serving;

namespace VideoRec.Api.Tests.Serving;

/// <summary>Linear rankers with planted weights, written into a bundle's <c>ranker/</c> folder as training writes them.</summary>
public static class PlantedRanker
{
    /// <summary>The default 79-column layout (no raw two-tower embeddings), with or without the co-watch features.</summary>
    public static ScoringFeatures Layout(bool coWatch = false) => new(new ScoringFeatureSettings { CoWatch = coWatch });

    /// <summary>A linear ranker: relevance logit Σ weight × column on unstandardised rows (stats: mean 0, std 1); the score is its sigmoid.</summary>
    public static RankerWeights Linear(ScoringFeatures layout, params (string Column, float Weight)[] weights)
    {
        var f = layout.Count;
        var head = new float[2 * f];
        foreach (var (column, weight) in weights)
        {
            head[layout.Offset(column)] = weight;
        }

        return new RankerWeights(RankerArchitecture.Mlp, layout, new NormalizationStats(new float[f], [.. Enumerable.Repeat(1f, f)]), [], [],
            new DenseLayer(head, [0, 0]), new DenseLayer(new float[2 * f], [0, 0]), 1, 0);
    }

    /// <summary>−4 × wals_score: the reverse of the WALS order.</summary>
    public static RankerWeights AgainstWals(ScoringFeatures? layout = null) => Linear(layout ?? Layout(), ("wals_score", -4));

    /// <summary>Co-watch lists over the <see cref="ServingBundle"/> catalogue (seeded, two overlapping groups of watchers).</summary>
    public static CoWatchNeighbours CoWatch()
    {
        var ids = ServingBundle.Videos.Select(v => v.Id).ToArray();
        var random = new Random(7);
        var relevant = Enumerable.Range(0, 40).Select(u => (IReadOnlyCollection<int>)Enumerable.Range(0, ids.Length)
            .Where(v => random.NextDouble() < (v % 2 == u % 2 ? 0.6 : 0.1)).ToArray());
        return CoWatchNeighbours.Build(ids, relevant);
    }

    /// <summary>Writes <paramref name="weights"/> into <c>&lt;bundle&gt;/ranker</c>; returns the folder.</summary>
    public static string Write(string bundleDirectory, RankerWeights weights, CoWatchNeighbours? coWatch = null)
    {
        var folder = Path.Combine(bundleDirectory, RankerBundle.FolderName);
        RankerBundle.Write(weights, folder, coWatch);
        return folder;
    }

    /// <summary>The name the served ranker reports (<c>ranker-v&lt;version&gt;-&lt;fingerprint&gt;</c>), read back from the folder.</summary>
    public static string Name(string folder)
    {
        using var onnx = RankerBundle.Load(folder);
        return $"ranker-v{onnx.Description.version}-{onnx.Features.Fingerprint[..8]}";
    }

    /// <summary>σ(x).</summary>
    public static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));
}

/// <summary>
/// Serving with the ranker of a bundle's <c>ranker/</c> folder (<see cref="RankerServing"/>): the local host over HTTP,
/// the serving model host's builds and swaps, the activity refresh and what the handler hands the scorer. The
/// <see cref="ServingBundle"/> page of u1 (US, English, λ = 1) is v01, v05, v07, v08, v09, v10, v11 by WALS (scores 0.9 down to 0.1).
/// </summary>
public sealed class RankerServingHostTests : IDisposable
{
    private const string U1Page = "/api/users/u1/recommendations?k=5&country=US&language=en-US&explain=true";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "vrec-ranker-serving-" + Guid.NewGuid().ToString("N"));
    private readonly List<IDisposable> _owned = [];

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static ServingModelOptions Options() => TestServing.Generous(o => o.Rerank.DiversityLambda = 1);

    private string Models => Path.Combine(_root, "models");

    /// <summary>Saves the hand-made bundle as <paramref name="version"/> into the model folder; returns its directory.</summary>
    private string SaveBundle(string version = "wals-test-1") => ServingBundle.Create(version).Save(Models);

    private ServingModelHost Host(IModelBundleProvider? bundles = null, ServingModelOptions? options = null)
    {
        var host = new ServingModelHost(bundles ?? new FixedModelBundleProvider(ModelBundle.Load(Models)),
            new ServingModelBuilder(options ?? Options(), new ExactServingIndexProvider(), scorer: RankerServing.Factory()));
        _owned.Add(host);
        return host;
    }

    private static async Task<RecommendationPage> Page(RecommendationHandler handler, string user = "u1")
    {
        var outcome = await handler.RecommendAsync(new RecommendQuery { UserId = user, K = 5, Country = "US", Language = "en-US", Explain = true });
        Assert.True(outcome.IsSuccess);
        return outcome.Value!;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string modelPath, string url)
    {
        await using var app = LocalHost.Build(new LocalHostOptions { ModelPath = modelPath, Port = 0, Pipeline = Options() });
        await app.StartAsync();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri(LocalHost.Address(app)) };
            using var response = await client.GetAsync(url);
            return (response.StatusCode, Json.Parse(await response.Content.ReadAsStringAsync()));
        }
        finally
        {
            await app.StopAsync();
        }
    }

    [Fact]
    public async Task The_local_host_scores_a_bundle_with_a_ranker_folder_by_the_ranker_whose_order_reverses_wals()
    {
        var name = PlantedRanker.Name(PlantedRanker.Write(SaveBundle(), PlantedRanker.AgainstWals()));

        var (status, body) = await GetAsync(Models, U1Page);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(name, Json.String(body.GetProperty("explain"), "scorer"));
        Assert.StartsWith("ranker-v", name, StringComparison.Ordinal);
        var items = Json.Items(body);
        // σ(−4 × u1's WALS score): the lowest WALS scores come first.
        Assert.Equal(["v11", "v10", "v09", "v08", "v07"], items.Select(i => i.VideoId));
        Assert.Equal([0.1, 0.2, 0.3, 0.4, 0.5], items.Select(i => (double)ServingBundle.U1Score(i.VideoId)), new Tolerance(1e-6));
        Assert.Equal(items.Select(i => PlantedRanker.Sigmoid(-4 * ServingBundle.U1Score(i.VideoId))), items.Select(i => i.Score), new Tolerance(1e-5));
        Assert.Empty(body.GetProperty("degraded").EnumerateArray());
    }

    [Fact]
    public async Task The_local_host_scores_a_bundle_without_a_ranker_folder_by_wals()
    {
        SaveBundle();

        var (status, body) = await GetAsync(Models, U1Page);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("wals", Json.String(body.GetProperty("explain"), "scorer"));
        var items = Json.Items(body);
        Assert.Equal(["v01", "v05", "v07", "v08", "v09"], items.Select(i => i.VideoId));
        Assert.Equal([0.9, 0.7, 0.5, 0.4, 0.3], items.Select(i => i.Score), new Tolerance(1e-6));
        Assert.IsType<WalsCandidateScorer>(RankerServing.Create(await Host().EnsureCurrentAsync(CancellationToken.None)));
    }

    [Fact]
    public async Task The_local_host_does_not_start_on_a_bundle_whose_ranker_model_is_corrupted_and_names_the_file()
    {
        var folder = PlantedRanker.Write(SaveBundle(), PlantedRanker.AgainstWals());
        File.WriteAllBytes(Path.Combine(folder, RankerBundle.ModelFile), [.. Enumerable.Range(0, 512).Select(i => (byte)(i * 37))]);
        await using var app = LocalHost.Build(new LocalHostOptions { ModelPath = Models, Port = 0, Pipeline = Options() });

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => app.StartAsync());

        Assert.Contains("wals-test-1 failed to build", error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(folder, RankerBundle.ModelFile), error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> Damage => new()
    {
        { "missing", RankerBundle.NormalizationFile },
        { "missing", RankerBundle.DescriptionFile },
        { "corrupted", RankerBundle.ModelFile },
        { "corrupted", RankerBundle.FeaturesFile },
        { "corrupted", RankerBundle.NormalizationFile },
        { "truncated", RankerBundle.CoWatchFile },
        { "missing", RankerBundle.CoWatchFile },
        { "damaged id", RankerBundle.CoWatchFile },
        { "trailing bytes", RankerBundle.CoWatchFile },
        { "another bundle's", RankerBundle.CoWatchFile },
    };

    [Theory]
    [MemberData(nameof(Damage))]
    public async Task A_version_whose_ranker_folder_is_damaged_fails_to_build_naming_the_file_and_is_never_served(string damage, string file)
    {
        var coWatch = file == RankerBundle.CoWatchFile;
        var layout = PlantedRanker.Layout(coWatch);
        var folder = PlantedRanker.Write(SaveBundle(), PlantedRanker.AgainstWals(layout), coWatch ? PlantedRanker.CoWatch() : null);
        var path = Path.Combine(folder, file);
        switch (damage)
        {
            case "missing":
                File.Delete(path);
                break;
            case "corrupted":
                File.WriteAllText(path, "{ not what it should be");
                break;
            case "damaged id": // the first id's 7-bit length prefix overflows
                File.WriteAllBytes(path, [.. File.ReadAllBytes(path)[..12], 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, .. File.ReadAllBytes(path)[12..]]);
                break;
            case "trailing bytes":
                File.AppendAllText(path, "x");
                break;
            case "another bundle's": // well formed, over videos this bundle lacks
                CoWatchNeighbours.Build(["x1", "x2"], [[0, 1]]).Save(path);
                break;
            default:
                File.WriteAllBytes(path, File.ReadAllBytes(path)[..12]);
                break;
        }

        var models = Host();
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => models.EnsureCurrentAsync(CancellationToken.None));

        Assert.Contains("Serving model wals-test-1 failed to build", error.Message, StringComparison.Ordinal);
        Assert.Contains(file, error.Message, StringComparison.Ordinal);
        Assert.Null(models.ServedVersion);
    }

    [Fact]
    public async Task A_version_with_a_file_where_the_ranker_folder_belongs_fails_to_build_and_is_never_served()
    {
        var bundle = SaveBundle();
        File.WriteAllText(Path.Combine(bundle, RankerBundle.FolderName), "not a folder");

        var models = Host();
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => models.EnsureCurrentAsync(CancellationToken.None));

        Assert.Equal($"Serving model wals-test-1 failed to build: {Path.Combine(bundle, RankerBundle.FolderName)} is a file; the ranker is a folder.", error.Message);
        Assert.Null(models.ServedVersion);
    }

    [Fact]
    public async Task A_stray_cowatch_file_beside_a_ranker_that_does_not_read_it_is_not_loaded()
    {
        var folder = PlantedRanker.Write(SaveBundle(), PlantedRanker.AgainstWals()); // a layout without the cowatch columns
        File.WriteAllBytes(Path.Combine(folder, RankerBundle.CoWatchFile), [1, 2, 3]);
        var handler = new RecommendationHandler(Host(), new ServingOptions(), Options(), time: new FixedTimeProvider(ServingBundle.Now));

        var page = await Page(handler);

        Assert.Equal(PlantedRanker.Name(folder), page.Explain!.Scorer);
        Assert.Equal(["v11", "v10", "v09", "v08", "v07"], page.Items.Select(i => i.VideoId));
    }

    [Fact]
    public async Task A_new_version_with_a_damaged_ranker_folder_is_not_swapped_in_and_the_served_ranker_keeps_scoring()
    {
        var good = PlantedRanker.Write(SaveBundle("wals-test-1"), PlantedRanker.AgainstWals());
        var provider = new SwappableModelBundleProvider(ModelBundle.Load(Models));
        var models = Host(provider);
        var handler = new RecommendationHandler(models, new ServingOptions(), Options(), time: new FixedTimeProvider(ServingBundle.Now));
        Assert.Equal("wals-test-1", (await models.EnsureCurrentAsync(CancellationToken.None)).Version);
        var watch = new ModelFolderWatchService(Models, provider, models, TimeSpan.FromMinutes(1), NullLogger<ModelFolderWatchService>.Instance);

        var broken = PlantedRanker.Write(SaveBundle("wals-test-2"), PlantedRanker.AgainstWals());
        File.Delete(Path.Combine(broken, RankerBundle.FeaturesFile));
        var swapped = await watch.CheckAsync(CancellationToken.None);

        Assert.Null(swapped);
        Assert.Equal("wals-test-1", models.ServedVersion);
        Assert.Equal("wals-test-1", provider.Current.Version);
        var page = await Page(handler);
        Assert.Equal(PlantedRanker.Name(good), page.Explain!.Scorer);
        Assert.Equal(["v11", "v10", "v09", "v08", "v07"], page.Items.Select(i => i.VideoId));
    }

    [Fact]
    public async Task An_activity_refresh_rebuilds_the_rankers_video_features()
    {
        // −4 × wals_score + 4 × completion rate: without statistics the reverse of WALS (the completion rate is missing, 0);
        // 1,000 completed views of 1,000 lift v09 to the top.
        PlantedRanker.Write(SaveBundle(), PlantedRanker.Linear(PlantedRanker.Layout(), ("wals_score", -4), ("video_completion_rate", 4)));
        var models = Host();
        var handler = new RecommendationHandler(models, new ServingOptions(), Options(), time: new FixedTimeProvider(ServingBundle.Now));
        var before = await Page(handler);
        Assert.Equal(["v11", "v10", "v09", "v08", "v07"], before.Items.Select(i => i.VideoId));

        // Completed views (no impressions): no clickbait evidence, so re-ranking leaves the ranker's scores alone.
        models.Current.UpdateActivity([new VideoStatistics { VideoId = "v09", Views = 1000, Completions = 1000 }], ServingBundle.Now);
        var after = await Page(handler);

        Assert.Equal(["v09", "v11", "v10", "v08", "v07"], after.Items.Select(i => i.VideoId));
        Assert.Equal(PlantedRanker.Sigmoid(-4 * 0.3 + 4 * 1.0), after.Items[0].Score, 5);
        Assert.Equal(PlantedRanker.Sigmoid(-4 * 0.1), after.Items[1].Score, 5);
        Assert.Empty(after.Degraded);
    }

    [Fact]
    public async Task A_videos_views_are_never_below_its_training_positives()
    {
        // Offline a video's views count every readable watch, so at serving the bundle's positives are the floor.
        var folder = PlantedRanker.Write(SaveBundle(), PlantedRanker.Linear(PlantedRanker.Layout(), ("video_log_views", 1)));
        var models = Host();
        var model = await models.EnsureCurrentAsync(CancellationToken.None);
        model.UpdateActivity([new VideoStatistics { VideoId = "v10", Views = 1000 }, new VideoStatistics { VideoId = "v12", Views = 3 }], ServingBundle.Now);
        using var onnx = VideoRec.Scoring.Serving.RankerBundle.Load(folder);

        var table = VideoRec.Scoring.Serving.RankerServing.Videos(onnx.Features, model, null);

        float Views(string id) => table.Block(table.IndexOf(id))[onnx.Features.Offset("video_log_views") - table.BlockOffset];
        Assert.Equal(MathF.Log(1 + 1000f), Views("v10"), 5); // the store's count when larger
        Assert.Equal(MathF.Log(1 + 12f), Views("v12"), 5);   // 3 in the store, 12 training positives
        Assert.Equal(MathF.Log(1 + 5f), Views("v06"), 5);    // no statistics: the training positives
        Assert.Equal(0f, Views("v11"));                      // neither
    }

    [Fact]
    public async Task The_completion_rate_is_the_stores_completions_over_the_stores_views_not_over_the_floored_views()
    {
        var folder = PlantedRanker.Write(SaveBundle(), PlantedRanker.Linear(PlantedRanker.Layout(), ("video_completion_rate", 1)));
        var models = Host();
        var model = await models.EnsureCurrentAsync(CancellationToken.None);
        model.UpdateActivity([new VideoStatistics { VideoId = "v12", Views = 3, Completions = 3 }], ServingBundle.Now);
        using var onnx = VideoRec.Scoring.Serving.RankerBundle.Load(folder);

        var table = VideoRec.Scoring.Serving.RankerServing.Videos(onnx.Features, model, null);

        float Column(string id, string block) => table.Block(table.IndexOf(id))[onnx.Features.Offset(block) - table.BlockOffset];
        Assert.Equal(MathF.Log(1 + 12f), Column("v12", "video_log_views"), 5); // views floored at the 12 training positives
        Assert.Equal(1f, Column("v12", "video_completion_rate"));             // 3 of the store's 3, not 3 of 12
        Assert.Equal(0f, Column("v12", "video_completion_missing"));
        Assert.Equal(0f, Column("v06", "video_completion_rate"));              // no statistics: missing, as training saw it without
        Assert.Equal(1f, Column("v06", "video_completion_missing"));
    }

    [Fact]
    public async Task A_swapped_in_version_starts_from_the_served_activity()
    {
        PlantedRanker.Write(SaveBundle("wals-test-1"), PlantedRanker.Linear(PlantedRanker.Layout(), ("wals_score", -4), ("video_completion_rate", 4)));
        var provider = new SwappableModelBundleProvider(ModelBundle.Load(Models));
        var models = Host(provider);
        var handler = new RecommendationHandler(models, new ServingOptions(), Options(), time: new FixedTimeProvider(ServingBundle.Now));
        var first = await models.EnsureCurrentAsync(CancellationToken.None);
        first.UpdateActivity([new VideoStatistics { VideoId = "v09", Views = 1000, Completions = 1000 }], ServingBundle.Now);

        PlantedRanker.Write(SaveBundle("wals-test-2"), PlantedRanker.Linear(PlantedRanker.Layout(), ("wals_score", -4), ("video_completion_rate", 4)));
        provider.Swap(ModelBundle.Load(Models));
        var second = await models.EnsureCurrentAsync(CancellationToken.None);

        Assert.Equal("wals-test-2", second.Version);
        var page = await Page(handler);
        Assert.Equal("wals-test-2", page.ModelVersion);
        Assert.Equal(["v09", "v11", "v10", "v08", "v07"], page.Items.Select(i => i.VideoId));
    }

    [Fact]
    public void Disposing_a_serving_model_releases_its_ranker()
    {
        PlantedRanker.Write(SaveBundle(), PlantedRanker.AgainstWals());
        var model = new ServingModelBuilder(Options(), new ExactServingIndexProvider(), scorer: RankerServing.Factory()).Build(ModelBundle.Load(Models));
        var scorer = Assert.IsType<RankerCandidateScorer>(model.Scorer);
        MergedCandidate[] candidates = [new("v01", 0, [], 0.1)];
        Assert.Equal(PlantedRanker.Sigmoid(0), scorer.Score(new ScoringUser { UserId = "u1" }, candidates)[0], 5);

        model.Dispose();

        Assert.Throws<ObjectDisposedException>(() => scorer.Score(new ScoringUser { UserId = "u1" }, candidates));
    }

    [Fact]
    public async Task The_handler_hands_the_scorer_the_profile_and_history_length_it_read()
    {
        SaveBundle();
        var requests = new List<CandidateRequest>();
        var database = Path.Combine(_root, "store.db");
        var store = new SqliteFeatureStore(new SqliteDatabase(database));
        await store.UpsertUserAsync(new UserProfile("u1") { Age = 31, Gender = "F", Country = "US", Language = "en-US" }, CancellationToken.None);
        var options = Options();
        var host = new ServingModelHost(new FixedModelBundleProvider(ModelBundle.Load(Models)),
            new ServingModelBuilder(options, new ExactServingIndexProvider(), scorer: _ => new RecordingScorer(requests)));
        _owned.Add(host);
        var handler = new RecommendationHandler(host, new ServingOptions(), options, store, time: new FixedTimeProvider(ServingBundle.Now));

        await Page(handler, "u1");
        await Page(handler, "stranger");

        Assert.Equal(2, requests.Count);
        var (u1, stranger) = (requests[0], requests[1]);
        Assert.Equal((31, "F"), (u1.Profile!.Age, u1.Profile.Gender));
        Assert.Equal(1, u1.HistoryLength); // v12, u1's training video in the bundle
        Assert.Null(stranger.Profile);
        Assert.Equal(0, stranger.HistoryLength);
        var user = RankerServing.User(u1);
        Assert.Equal(("u1", "US", "en"), (user.UserId, user.Country, user.Language));
        Assert.Equal((31, 1), (user.Profile!.Age!.Value, user.HistoryLength));
        Assert.Equal([1f, 0f], user.Wals.ToArray());
        Assert.Equal(["v12"], user.RecentWatches);
        Assert.True(user.TwoTower.IsEmpty);
        Assert.True(user.SearchEmbedding.IsEmpty);
    }

    [Fact]
    public async Task The_handler_hands_the_scorer_the_watches_and_likes_newest_first_across_both_lists()
    {
        SaveBundle();
        var requests = new List<CandidateRequest>();
        var store = new SqliteFeatureStore(new SqliteDatabase(Path.Combine(_root, "store.db")));
        var t = ServingBundle.Now;
        IngestEvent[] events =
        [
            new("e1", "fan", "v01", InteractionType.Watch, t.AddMinutes(-60)) { Seconds = 30 },
            new("e2", "fan", "v02", InteractionType.Watch, t.AddMinutes(-50)) { Seconds = 30 },
            new("e3", "fan", "v05", InteractionType.Like, t.AddMinutes(-1)),   // the newest: liked without a watch
            new("e4", "fan", "v01", InteractionType.Like, t.AddMinutes(-55)),  // v01 again: kept once, where it is newest
        ];
        await store.ApplyAsync(events, new IngestionRules(new IngestionOptions(), null), CancellationToken.None);
        var handler = RecordingHandler(store, requests);

        await Page(handler, "fan");

        Assert.Equal(["v05", "v02", "v01"], Assert.Single(requests).RecentWatches);
    }

    [Fact]
    public async Task The_handler_follows_the_store_history_with_the_bundle_training_videos_it_lacks()
    {
        SaveBundle();
        var requests = new List<CandidateRequest>();
        var store = new SqliteFeatureStore(new SqliteDatabase(Path.Combine(_root, "store.db")));
        var t = ServingBundle.Now;
        var rules = new IngestionRules(new IngestionOptions(), null);
        await store.ApplyAsync(
            [
                new IngestEvent("e1", "u1", "v05", InteractionType.Watch, t.AddMinutes(-5)) { Seconds = 30 },
                new IngestEvent("e2", "u1", "v02", InteractionType.Watch, t.AddMinutes(-1)) { Seconds = 30 },
            ], rules, CancellationToken.None);
        var handler = RecordingHandler(store, requests);

        await Page(handler, "u1");
        // v12, u1's training video, now also liked in the store: listed once, where the store has it.
        await store.ApplyAsync([new IngestEvent("e3", "u1", "v12", InteractionType.Like, t.AddMinutes(-3))], rules, CancellationToken.None);
        await Page(handler, "u1");

        Assert.Equal(["v02", "v05", "v12"], requests[0].RecentWatches); // the store's newest first, then the bundle's
        Assert.Equal(["v02", "v12", "v05"], requests[1].RecentWatches);
    }

    /// <summary>A handler over the saved bundle and <paramref name="store"/> whose scorer records each candidate request.</summary>
    private RecommendationHandler RecordingHandler(SqliteFeatureStore store, List<CandidateRequest> requests)
    {
        var options = Options();
        var host = new ServingModelHost(new FixedModelBundleProvider(ModelBundle.Load(Models)),
            new ServingModelBuilder(options, new ExactServingIndexProvider(), scorer: _ => new RecordingScorer(requests)));
        _owned.Add(host);
        return new RecommendationHandler(host, new ServingOptions(), options, store, time: new FixedTimeProvider(ServingBundle.Now));
    }

    [Fact]
    public async Task The_wals_arm_of_an_experiment_keeps_the_wals_scorer_while_the_pipeline_arm_uses_the_ranker()
    {
        var name = PlantedRanker.Name(PlantedRanker.Write(SaveBundle(), PlantedRanker.AgainstWals()));
        var experiment = new Core.Online.ExperimentOptions
        {
            Name = "ranker-vs-wals",
            Arms =
            [
                new Core.Online.ExperimentArm { Name = "pipeline", Traffic = 0.5 },
                new Core.Online.ExperimentArm { Name = "wals", Traffic = 0.5, Pipeline = new Core.Online.ArmPipeline { Policy = Core.Online.ArmPolicies.Wals } },
            ],
        };
        using var serving = new ExperimentServing(experiment, new FixedModelBundleProvider(ModelBundle.Load(Models)), Options(), new ExactServingIndexProvider(),
            scorer: RankerServing.Factory());

        await serving.EnsureCurrentAsync(CancellationToken.None);

        Assert.Equal(name, serving.Arms["pipeline"].Current.Scorer.Name);
        Assert.Equal("wals", serving.Arms["wals"].Current.Scorer.Name);
    }

    private sealed class RecordingScorer(List<CandidateRequest> requests) : ICandidateScorer
    {
        public string Name => "recording";

        public ValueTask<float[]> ScoreAsync(CandidateRequest request, IReadOnlyList<MergedCandidate> candidates, CancellationToken cancellationToken)
        {
            lock (requests)
            {
                requests.Add(request);
            }

            return ValueTask.FromResult(candidates.Select(c => (float)c.FusedScore).ToArray());
        }
    }

    private sealed class Tolerance(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
