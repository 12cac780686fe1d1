using VideoRec.Api.Tests.Functions;
using VideoRec.Api.Tests.Support;
using VideoRec.Core.Bundles;
using VideoRec.Core.CandidateGeneration;
using VideoRec.Core.Domain;
using VideoRec.Core.Ingestion;
using VideoRec.Core.Reranking;
using VideoRec.Core.Serving;
using VideoRec.Core.Serving.Recommend;
using VideoRec.Local.Sqlite;

namespace VideoRec.Api.Tests.Serving;

/// <summary>
/// The recommend handler over the hand-made bundle: every page below is worked out from <see cref="ServingBundle"/>
/// (u1's score of a video is its first factor; λ = 1 so diversity does not reorder).
/// </summary>
public sealed class RecommendationHandlerTests : IDisposable
{
    private readonly string _database = Path.Combine(Path.GetTempPath(), $"vrec-serving-{Guid.NewGuid():N}.db");
    private readonly List<IDisposable> _owned = [];

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_database);
    }

    private static ServingModelOptions Options(Action<ServingModelOptions>? configure = null)
    {
        var options = TestServing.Generous(o => o.Rerank.DiversityLambda = 1);
        configure?.Invoke(options);
        return options;
    }

    private RecommendationHandler Handler(IFeatureStore? store = null, ServingModelOptions? options = null, IServingIndexProvider? indexes = null,
        IModelBundleProvider? bundles = null)
    {
        options ??= Options();
        var host = new ServingModelHost(bundles ?? new FixedModelBundleProvider(ServingBundle.Create()), new ServingModelBuilder(options, indexes ?? new ExactServingIndexProvider()));
        _owned.Add(host);
        return new RecommendationHandler(host, new ServingOptions(), options, store, null, new FixedTimeProvider(ServingBundle.Now));
    }

    private SqliteFeatureStore Store()
    {
        var database = new SqliteDatabase(_database);
        return new SqliteFeatureStore(database);
    }

    private static async Task<RecommendationPage> Page(RecommendationHandler handler, RecommendQuery query)
    {
        var outcome = await handler.RecommendAsync(query);
        Assert.True(outcome.IsSuccess, string.Join("; ", outcome.Errors?.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}") ?? []));
        return outcome.Value!;
    }

    private static string[] Ids(RecommendationPage page) => [.. page.Items.Select(i => i.VideoId)];

    [Fact]
    public async Task A_known_user_gets_the_wals_order_without_region_language_hidden_flagged_or_seen_videos()
    {
        var page = await Page(Handler(), new RecommendQuery { UserId = "u1", K = 5, Country = "us", Language = "en-US", Explain = true });

        // v02 is GB only, v03 misinformation, v04 hidden, v06 Spanish, v12 already seen.
        Assert.Equal(["v01", "v05", "v07", "v08", "v09"], Ids(page));
        Assert.Equal([0.9, 0.7, 0.5, 0.4, 0.3], page.Items.Select(i => i.Score), new ToleranceComparer(1e-6));
        Assert.Equal([0, 1, 2, 3, 4], page.Items.Select(i => i.Position));
        Assert.All(page.Items, i => Assert.Contains(CandidateSources.Wals, i.Sources));
        Assert.All(page.Items, i => Assert.StartsWith("proposed by wals", i.Reasons[0], StringComparison.Ordinal));
        Assert.Equal("wals-test-1", page.ModelVersion);
        Assert.Empty(page.Degraded);
        var explain = page.Explain!;
        Assert.Equal("wals", explain.Scorer);
        Assert.False(explain.ColdStart);
        Assert.Contains(explain.Removed, r => r is { VideoId: "v03", Rule: "misinformation" });
        Assert.DoesNotContain(explain.Removed, r => r.VideoId is "v02" or "v04" or "v06" or "v12");
        Assert.Equal(["profile", "candidates", "scoring", "reranking"], explain.Stages.Select(s => s.Stage));
        Assert.Equal(["wals", "similar", "popular", "trending", "fresh"], explain.Sources.Select(s => s.Source));
    }

    [Fact]
    public async Task Without_context_region_and_language_do_not_filter()
    {
        var page = await Page(Handler(), new RecommendQuery { UserId = "u1", K = 5 });

        Assert.Equal(["v01", "v02", "v05", "v06", "v07"], Ids(page));
        Assert.Null(page.Explain);
    }

    [Fact]
    public async Task Pages_follow_each_other_without_repeats_until_the_candidates_run_out()
    {
        var handler = Handler();
        var seen = new List<string>();
        string? token = null;
        var pages = new List<string[]>();
        for (var i = 0; i < 4; i++)
        {
            var page = await Page(handler, new RecommendQuery { UserId = "u1", K = 3, Country = "US", Language = "en", PageToken = token });
            pages.Add(Ids(page));
            token = page.NextPageToken;
        }

        Assert.Equal(["v01", "v05", "v07"], pages[0]);
        Assert.Equal(["v08", "v09", "v10"], pages[1]);
        Assert.Equal(["v11"], pages[2]);
        Assert.Empty(pages[3]);
    }

    [Fact]
    public async Task An_unknown_user_gets_cold_start_popular_videos_allowed_for_them()
    {
        var page = await Page(Handler(), new RecommendQuery { UserId = "newcomer", K = 10, Country = "US", Language = "en", Explain = true });

        // Popularity: v12 12, v10 10, v02 9 (GB only), v03 8 (flagged), v04 7 (hidden), v05 6, v06 5 (Spanish), v07 4, v01 3, v08 2, v09 1, v11 0.
        Assert.Equal(["v12", "v10", "v05", "v07", "v01", "v08", "v09"], Ids(page));
        Assert.All(page.Items, i => Assert.Equal([CandidateSources.Popular], i.Sources));
        Assert.True(page.Explain!.ColdStart);
        Assert.Empty(page.Degraded);
    }

    [Fact]
    public async Task Context_comes_from_the_profile_when_the_query_has_none()
    {
        var store = Store();
        await store.UpsertUserAsync(new UserProfile("gb-viewer") { Country = "GB", Language = "en" }, CancellationToken.None);

        var page = await Page(Handler(store), new RecommendQuery { UserId = "gb-viewer", K = 3 });

        // GB may see v02; v12 and v10 are more popular.
        Assert.Equal(["v12", "v10", "v02"], Ids(page));
        Assert.Empty(page.Degraded);
    }

    [Fact]
    public async Task Events_in_the_store_hold_back_watched_and_disliked_videos()
    {
        var store = Store();
        var rules = new IngestionRules(new IngestionOptions(), null);
        await store.ApplyAsync(
        [
            new IngestEvent("e1", "u1", "v01", InteractionType.Watch, ServingBundle.Now.AddHours(-2)) { Seconds = 600 },
            new IngestEvent("e2", "u1", "v05", InteractionType.Dislike, ServingBundle.Now.AddHours(-1)),
        ], rules, CancellationToken.None);

        var page = await Page(Handler(store), new RecommendQuery { UserId = "u1", K = 3, Country = "US", Language = "en" });

        Assert.Equal(["v07", "v08", "v09"], Ids(page));
        Assert.Empty(page.Degraded);
    }

    [Fact]
    public async Task A_user_newer_than_the_bundle_whose_vector_is_of_the_previous_version_is_folded_in_with_the_served_one()
    {
        // u9 joined after training: not in the bundle. The worker folded their watches into a vector of the previous
        // version; then wals-test-1 was swapped in. Without a new event their vector is not stale, but it is of another basis.
        var store = Store();
        var previous = new WalsFoldInRefresher(new FixedModelBundleProvider(ServingBundle.Create("wals-test-0")));
        await store.ApplyAsync(
        [
            new IngestEvent("e1", "u9", "v01", InteractionType.Watch, ServingBundle.Now.AddHours(-2)) { Seconds = 600 },
            new IngestEvent("e2", "u9", "v05", InteractionType.Like, ServingBundle.Now.AddHours(-1)),
        ], new IngestionRules(new IngestionOptions(), previous), CancellationToken.None);
        Assert.Equal(1, await store.RefreshVectorsAsync(previous, 10, CancellationToken.None));
        var options = Options();
        var bundles = new FixedModelBundleProvider(ServingBundle.Create());
        var host = new ServingModelHost(bundles, new ServingModelBuilder(options, new ExactServingIndexProvider()));
        _owned.Add(host);
        var handler = new RecommendationHandler(host, new ServingOptions(), options, store, new WalsFoldInRefresher(bundles), new FixedTimeProvider(ServingBundle.Now));

        var page = await Page(handler, new RecommendQuery { UserId = "u9", K = 3, Country = "US", Language = "en", Explain = true });

        // Folded in with wals-test-1, the vector leans on the first factor: the WALS source proposes and scores the page.
        Assert.Equal("wals", page.Explain!.Scorer);
        Assert.True(page.Explain.Sources.Single(s => s.Source == CandidateSources.Wals).Proposed > 0);
        Assert.Equal(["v12", "v07", "v08"], Ids(page));
        Assert.Empty(page.Degraded);
    }

    [Fact]
    public async Task A_failing_store_serves_the_user_from_the_bundle_and_says_so()
    {
        var store = new SickStore(Store()) { Failing = true };

        var page = await Page(Handler(store), new RecommendQuery { UserId = "u1", K = 3, Country = "US", Language = "en" });

        Assert.Equal(["v01", "v05", "v07"], Ids(page));
        Assert.Equal(["profile: StoreUnavailableException: the feature store is down; served from the bundle"], page.Degraded);
    }

    [Fact]
    public async Task A_hanging_store_is_abandoned_at_the_profile_budget()
    {
        var store = new SickStore(Store()) { Delay = TimeSpan.FromSeconds(30) };

        var page = await Page(Handler(store, Options(o => o.ProfileBudgetMs = 20)), new RecommendQuery { UserId = "u1", K = 3, Country = "US", Language = "en" });

        Assert.Equal(["v01", "v05", "v07"], Ids(page));
        Assert.Equal(["profile: no answer from the feature store within 20 ms; served from the bundle"], page.Degraded);
    }

    [Fact]
    public async Task A_failing_index_drops_its_source_and_the_others_still_serve()
    {
        var indexes = new SickIndexes(new ExactServingIndexProvider(), CandidateSources.Wals);

        var page = await Page(Handler(indexes: indexes), new RecommendQuery { UserId = "u1", K = 3, Country = "US", Language = "en", Explain = true });

        Assert.NotEmpty(page.Items);
        Assert.All(page.Items, i => Assert.DoesNotContain(CandidateSources.Wals, i.Sources));
        Assert.Equal(["source wals: IOException: index shard unreachable"], page.Degraded);
        Assert.Equal("failed", page.Explain!.Sources.Single(s => s.Source == CandidateSources.Wals).Status);
        // The similar source (seeded by v12, the video u1 saw) and the popular list still propose; the WALS scorer still orders.
        Assert.Equal(["v01", "v05", "v07"], Ids(page));
    }

    [Fact]
    public async Task No_candidates_at_all_falls_back_to_popular_in_the_region()
    {
        var options = Options(o =>
        {
            foreach (var (name, source) in o.Candidates.Sources)
            {
                source.Enabled = name == CandidateSources.Wals;
            }
        });
        var indexes = new SickIndexes(new ExactServingIndexProvider(), CandidateSources.Wals);

        var page = await Page(Handler(options: options, indexes: indexes), new RecommendQuery { UserId = "u1", K = 3, Country = "US", Language = "en" });

        // The fallback is the popular list for US/en without v12 (seen): v10, v05, v07, v01, v08, v09; the WALS scorer
        // still orders it: v01 .9, v05 .7, v07 .5.
        Assert.Equal(["v01", "v05", "v07"], Ids(page));
        Assert.All(page.Items, i => Assert.Equal([CandidateSources.Popular], i.Sources));
        Assert.Equal(2, page.Degraded.Count);
        Assert.Equal("source wals: IOException: index shard unreachable", page.Degraded[0]);
        Assert.StartsWith("candidates: no source proposed a video; served the fallback list (", page.Degraded[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_counts_the_fallback_list_as_the_candidates_that_entered_scoring()
    {
        var options = Options(o =>
        {
            foreach (var (name, source) in o.Candidates.Sources)
            {
                source.Enabled = name == CandidateSources.Wals;
            }
        });
        var indexes = new SickIndexes(new ExactServingIndexProvider(), CandidateSources.Wals);

        var page = await Page(Handler(options: options, indexes: indexes), new RecommendQuery { UserId = "u1", K = 3, Country = "US", Language = "en", Explain = true });

        // The fallback: v10, v03, v05, v07, v01, v08, v09 (popular for US/en without the seen v12; the misinformation rule
        // removes v03 only in re-ranking) — seven videos were scored.
        Assert.Equal("candidates: no source proposed a video; served the fallback list (7 videos)", page.Degraded[1]);
        Assert.Equal(7, page.Explain!.Candidates);
        Assert.Equal("wals", page.Explain.Scorer);
    }

    [Fact]
    public async Task Fresh_activity_feeds_trending_and_the_clickbait_rule()
    {
        var handler = Handler();
        var hour = ServingBundle.Now.ToUnixTimeMilliseconds() / 3_600_000;
        handler.Models.Current.UpdateActivity(
        [
            new VideoStatistics { VideoId = "v09", Views = 400, HourlyViews = { [hour - 1] = 300, [hour - 2] = 100 } },
            new VideoStatistics { VideoId = "v05", Impressions = 1000, Clicks = 500, Views = 500, Completions = 0 },
        ], ServingBundle.Now);

        var page = await Page(handler, new RecommendQuery { UserId = "newcomer", K = 10, Country = "US", Language = "en", Explain = true });

        var trending = page.Items.Single(i => i.VideoId == "v09");
        Assert.Contains(CandidateSources.Trending, trending.Sources);
        Assert.Equal(1, page.Explain!.Sources.Single(s => s.Source == CandidateSources.Trending).Proposed);
        var clickbait = page.Items.Single(i => i.VideoId == "v05");
        Assert.Contains(clickbait.Reasons, r => r.StartsWith("clickbait score", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_activity_refresh_reads_flags_and_views_from_the_store()
    {
        var store = Store();
        var handler = Handler(store);
        await store.UpsertVideoAsync(new Video("v05", "Five") { Misinformation = true }, CancellationToken.None);
        await store.UpsertVideoAsync(new Video("v07", "Seven") { Hidden = true }, CancellationToken.None);
        await store.UpsertVideoAsync(new Video("v08", "Eight"), CancellationToken.None);
        var rules = new IngestionRules(new IngestionOptions(), null);
        await store.ApplyAsync([.. Enumerable.Range(0, 40).Select(i =>
            new IngestEvent($"w{i}", $"viewer{i}", "v09", InteractionType.Watch, ServingBundle.Now.AddMinutes(-30)) { Seconds = 60 })], rules, CancellationToken.None);
        var refresher = new ActivityRefresher(handler.Models, store, Options(), new FixedTimeProvider(ServingBundle.Now));

        Assert.True(await refresher.RefreshAsync(CancellationToken.None));
        var page = await Page(handler, new RecommendQuery { UserId = "u1", K = 4, Country = "US", Language = "en", Explain = true });
        var cold = await Page(handler, new RecommendQuery { UserId = "newcomer", K = 10, Country = "US", Language = "en" });

        // v05 (misinformation) and v07 (hidden) are removed although the bundle has them unflagged; v08 is unflagged in both.
        Assert.Equal(["v01", "v08", "v09", "v10"], Ids(page));
        Assert.Contains(page.Explain!.Removed, r => r is { VideoId: "v05", Rule: "misinformation" });
        Assert.Contains(page.Explain.Removed, r => r.VideoId == "v07");
        Assert.Equal(["v05", "v07"], handler.Models.Current.Flags.Keys.Order(StringComparer.Ordinal));
        // v09's forty views in the last hour make it trend for a newcomer.
        Assert.Contains(CandidateSources.Trending, cold.Items.Single(i => i.VideoId == "v09").Sources);
    }

    [Fact]
    public async Task Every_bad_field_is_named()
    {
        var outcome = await Handler().RecommendAsync(new RecommendQuery
        {
            UserId = " ",
            K = 0,
            PageToken = "not a token!",
            Device = "smart fridge",
            Language = "english!",
            Country = "USA",
        });

        Assert.False(outcome.IsSuccess);
        Assert.Equal(["country", "device", "k", "language", "pageToken", "userId"], outcome.Errors!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["k must be an integer between 1 and 500."], outcome.Errors["k"]);
        Assert.Equal(["country must be an ISO 3166-1 alpha-2 code such as US or IN."], outcome.Errors["country"]);
    }

    [Fact]
    public async Task A_new_bundle_is_served_after_its_model_is_built_and_a_broken_one_never()
    {
        var provider = new SwappableModelBundleProvider(ServingBundle.Create("wals-test-1"));
        var indexes = new SickIndexes(new ExactServingIndexProvider()) { BrokenVersion = "wals-test-broken" };
        var handler = Handler(indexes: indexes, bundles: provider);
        Assert.Equal("wals-test-1", (await Page(handler, new RecommendQuery { UserId = "u1", K = 1 })).ModelVersion);

        provider.Swap(ServingBundle.Create("wals-test-2"));
        await handler.Models.EnsureCurrentAsync(CancellationToken.None);
        Assert.Equal("wals-test-2", (await Page(handler, new RecommendQuery { UserId = "u1", K = 1 })).ModelVersion);

        provider.Swap(ServingBundle.Create("wals-test-broken"));
        Assert.Equal("wals-test-2", (await handler.Models.EnsureCurrentAsync(CancellationToken.None)).Version);
        Assert.Equal("wals-test-2", (await Page(handler, new RecommendQuery { UserId = "u1", K = 1 })).ModelVersion);
        Assert.Equal("wals-test-2", handler.Models.ServedVersion);
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
