using VideoRec.Core.Reranking;
using static VideoRec.Core.Tests.Reranking.RerankFixtures;

namespace VideoRec.Core.Tests.Reranking;

public sealed class ReRankerTests
{
    [Fact]
    public void Plain_order_is_by_score_with_reasons_naming_the_sources()
    {
        var result = ReRanker.Rerank([C("b", 0.5), C("a", 0.9, sources: ["twotower", "wals"]), C("c", 0.7)], Context(), Plain());

        Assert.Equal(["a", "c", "b"], result.Items.Select(i => i.VideoId));
        Assert.Equal([0, 1, 2], result.Items.Select(i => i.Position));
        Assert.Equal(["proposed by twotower, wals"], result.Items[0].Reasons);
        Assert.Empty(result.Removed);
    }

    [Fact]
    public void Region_consumed_hidden_disliked_and_misinformation_are_removed_with_their_rule()
    {
        var candidates = new[]
        {
            C("jp-only", 0.9, Video() with { AllowedRegions = ["JP"] }),
            C("everywhere", 0.8),
            C("us-ok", 0.7, Video() with { AllowedRegions = ["jp", "us"] }),
            C("hidden", 0.6, Video() with { Hidden = true }),
            C("done", 0.5),
            C("hated", 0.4),
            C("fake", 0.3, Video() with { Misinformation = true }),
        };
        var context = Context(country: "US") with { Completed = new HashSet<string> { "done" }, Disliked = new HashSet<string> { "hated" } };

        var result = ReRanker.Rerank(candidates, context, Plain());

        Assert.Equal(["everywhere", "us-ok"], result.Items.Select(i => i.VideoId));
        Assert.Equal(
        [
            ("jp-only", "region", "not allowed in US"),
            ("hidden", "consumed", "hidden or deleted"),
            ("done", "consumed", "already watched to completion"),
            ("hated", "consumed", "disliked by the user"),
            ("fake", "misinformation", "flagged as misinformation"),
        ], result.Removed.Select(r => (r.VideoId, r.Rule, r.Reason)));
    }

    [Fact]
    public void Page_two_never_repeats_page_one_across_requests()
    {
        var candidates = Enumerable.Range(0, 25).Select(i => C($"v{i:00}", 1 - i * 0.01)).ToArray();

        var first = ReRanker.Rerank(candidates, Context(k: 10), Plain());
        Assert.True(PageToken.TryDecode(first.NextPageToken, out var served, out var error), error);
        // The second request recomputes the ranking (here: the same candidates, the top one's score changed).
        var second = ReRanker.Rerank([C("v00", 0.2), .. candidates.Skip(1)], Context(k: 10) with { AlreadyServed = served }, Plain());
        Assert.True(PageToken.TryDecode(second.NextPageToken, out var served2, out _));
        var third = ReRanker.Rerank(candidates, Context(k: 10) with { AlreadyServed = served2 }, Plain());

        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"v{i:00}"), first.Items.Select(i => i.VideoId));
        Assert.Equal(Enumerable.Range(10, 10).Select(i => $"v{i:00}"), second.Items.Select(i => i.VideoId));
        Assert.Equal(Enumerable.Range(20, 5).Select(i => $"v{i:00}"), third.Items.Select(i => i.VideoId));
        Assert.Equal(10, second.Removed.Count(r => r.Rule == "pagination"));
        Assert.Equal(25, served2.Count + third.Items.Count);
    }

    [Fact]
    public void Overexposed_videos_are_demoted_and_fresh_uploads_boosted_by_the_documented_amounts()
    {
        var options = Plain();
        options.OverexposureImpressions = 3;
        options.OverexposureFactor = 0.5;
        options.FreshnessBoost = 0.1;
        options.FreshnessHalfLife = TimeSpan.FromDays(2);
        var candidates = new[]
        {
            C("shown", 0.9),                                                 // 0.9 × 0.5 = 0.45
            C("fresh", 0.4, Video() with { UploadedAt = Now.AddDays(-2) }),  // 0.4 + 0.1 · 2^(−2/2) = 0.45 + ε? = 0.45
            C("plain", 0.46),
        };
        var context = Context() with { ShownWithoutClick = new Dictionary<string, int> { ["shown"] = 3 } };

        var result = ReRanker.Rerank(candidates, context, options);

        Assert.Equal(["plain", "fresh", "shown"], result.Items.Select(i => i.VideoId)); // 0.46 > 0.45 = 0.45 (fresh < shown by id order)
        Assert.Equal(0.45, result.Items[1].Score, 12);
        Assert.Equal(0.45, result.Items[2].Score, 12);
        Assert.Contains("fresh upload: +0.05", result.Items[1].Reasons);
        Assert.Contains("shown 3 times without a click: score × 0.5", result.Items[2].Reasons);
    }

    [Theory]
    // Hand-computed with ctr = (clicks + 20·0.05)/(impressions + 20), completion = (completions + 10·0.4)/(views + 10),
    // r = (ctr/0.05)/(completion/0.4), score = clamp((r − 1)/(r + 1), 0, 1).
    [InlineData(10_000, 2_000, 2_000, 100, 0.93726)] // clicks far above completions: clickbait
    [InlineData(10_000, 1_000, 1_000, 700, 0.06829)] // popular and finished: barely
    [InlineData(10_000, 200, 200, 150, 0.0)]         // niche and finished: none
    [InlineData(0, 0, 0, 0, 0.0)]                    // no data: no evidence
    [InlineData(100, 30, 30, 3, 0.84387)]            // little data, already suspicious
    public void Clickbait_heuristic_matches_the_labelled_examples(long impressions, long clicks, long views, long completions, double expected)
    {
        Assert.Equal(expected, Clickbait.Score(impressions, clicks, views, completions, 0.05, 0.4), 5);
    }

    [Fact]
    public void Clickbait_is_demoted_below_an_honest_video_it_outscored()
    {
        var options = Plain();
        options.ClickbaitPenalty = 0.5;
        var bait = Video() with { Impressions = 10_000, Clicks = 2_000, Views = 2_000, Completions = 100 };

        var result = ReRanker.Rerank([C("bait", 0.9, bait), C("honest", 0.6)], Context(), options);

        // 0.9 × (1 − 0.5 · 0.93726) = 0.47823 < 0.6.
        Assert.Equal(["honest", "bait"], result.Items.Select(i => i.VideoId));
        Assert.Equal(0.9 * (1 - 0.5 * 0.9372584152764633), result.Items[1].Score, 9);
    }

    [Fact]
    public void Near_duplicates_keep_only_the_best_by_group_and_by_embedding()
    {
        var options = Plain();
        options.NearDuplicateCosine = 0.97;
        var candidates = new[]
        {
            C("orig", 0.9, Video(embedding: [1, 0, 0]) with { DuplicateGroup = "g1" }),
            C("reupload", 0.8, Video(embedding: [0, 1, 0]) with { DuplicateGroup = "g1" }),
            C("mirror", 0.7, Video(embedding: [1, 0.1f, 0])), // cosine with orig = 1/√1.01 = 0.995
            C("other", 0.6, Video(embedding: [0.8f, 0.6f, 0])), // cosine 0.8
        };

        var result = ReRanker.Rerank(candidates, Context(), options);

        Assert.Equal(["orig", "other"], result.Items.Select(i => i.VideoId));
        Assert.Equal(["reupload", "mirror"], result.Removed.Select(r => r.VideoId));
        Assert.All(result.Removed, r => Assert.Equal("near_duplicate", r.Rule));
        Assert.Contains("orig", result.Removed[1].Reason);
    }

    [Fact]
    public void Maximal_marginal_relevance_trades_score_for_novelty()
    {
        // Scores normalised over the pool: a 1, a2 0.9 → (0.95 − 0.5)/0.45 = 0.889, b 0 ... (min 0.5, span 0.45).
        // λ = 0.5. Pick 1: a (0.5·1). Pick 2: a2 = 0.5·0.889 − 0.5·cos(a, a2)=1 → −0.056; b = 0.5·0 − 0.5·0 = 0 → b.
        var options = Plain();
        options.DiversityLambda = 0.5;
        var candidates = new[]
        {
            C("a", 0.95, Video(embedding: [1, 0])),
            C("a2", 0.9, Video(embedding: [1, 0.001f])),
            C("b", 0.5, Video(embedding: [0, 1])),
        };

        var diverse = ReRanker.Rerank(candidates, Context(k: 2), options);
        var byScore = ReRanker.Rerank(candidates, Context(k: 2), Plain());

        Assert.Equal(["a", "b"], diverse.Items.Select(i => i.VideoId));
        Assert.Contains("diversity: chosen over higher-scored videos similar to those above it", diverse.Items[1].Reasons);
        Assert.Equal(["a", "a2"], byScore.Items.Select(i => i.VideoId));
    }

    [Fact]
    public void A_creator_holds_at_most_its_share_of_the_page()
    {
        var options = Plain();
        options.MaxCreatorShare = 0.3; // ⌊0.3 · 10⌋ = 3
        var candidates = Enumerable.Range(0, 6).Select(i => C($"big{i}", 1 - i * 0.01, Video("big")))
            .Concat(Enumerable.Range(0, 10).Select(i => C($"small{i}", 0.5 - i * 0.01, Video($"c{i}")))).ToArray();

        var result = ReRanker.Rerank(candidates, Context(k: 10), options);

        Assert.Equal(["big0", "big1", "big2", "small0", "small1", "small2", "small3", "small4", "small5", "small6"], result.Items.Select(i => i.VideoId));
        Assert.Equal(["big3", "big4", "big5"], result.Removed.Where(r => r.Rule == "creator_cap").Select(r => r.VideoId));
        Assert.Equal("creator big already has 3 videos on this page", result.Removed[0].Reason);
    }

    [Fact]
    public void Exploration_reserves_slots_for_new_videos_reproducibly_by_seed()
    {
        var options = Plain();
        options.ExplorationShare = 0.2; // 2 of 10
        var established = Enumerable.Range(0, 12).Select(i => C($"old{i:00}", 1 - i * 0.01)).ToArray();
        var newcomers = Enumerable.Range(0, 5).Select(i => C($"new{i}", 0.01 * i, Video() with { Impressions = i * 10, Clicks = i, UploadedAt = Now.AddHours(-i) })).ToArray();
        var context = Context(k: 10) with { Seed = 7 };

        var once = ReRanker.Rerank([.. established, .. newcomers], context, options);
        var again = ReRanker.Rerank([.. established, .. newcomers], context, options);

        Assert.Equal(once.Items.Select(i => i.VideoId), again.Items.Select(i => i.VideoId));
        var explored = once.Items.Where(i => i.Reasons.Any(r => r.StartsWith("exploration slot for a new video (Thompson draw", StringComparison.Ordinal))).ToArray();
        Assert.Equal(2, explored.Length);
        Assert.All(explored, i => Assert.StartsWith("new", i.VideoId));
        Assert.Equal([3, 6], explored.Select(i => i.Position)); // spread: ⌊10/3⌋ and ⌊20/3⌋
        Assert.Equal(["old00", "old01", "old02", "old03", "old04", "old05", "old06", "old07"], once.Items.Where(i => !explored.Contains(i)).Select(i => i.VideoId));
    }

    [Fact]
    public void Epsilon_greedy_with_epsilon_zero_takes_the_best_scored_new_video()
    {
        var options = Plain();
        options.ExplorationShare = 0.1;
        options.Exploration = ExplorationPolicy.EpsilonGreedy;
        options.ExplorationEpsilon = 0;
        var candidates = Enumerable.Range(0, 12).Select(i => C($"old{i:00}", 1 - i * 0.01))
            .Append(C("new-low", 0.01, Video() with { Impressions = 0 }))
            .Append(C("new-high", 0.02, Video() with { Impressions = 0 })).ToArray();

        var result = ReRanker.Rerank(candidates, Context(k: 10), options);

        Assert.Contains(result.Items, i => i.VideoId == "new-high" && i.Reasons.Contains("exploration slot for a new video (ε-greedy: best-scored new video)"));
        Assert.DoesNotContain(result.Items, i => i.VideoId == "new-low");
    }

    [Fact]
    public void Non_finite_scores_rank_last_and_repeated_ids_or_bad_settings_are_refused()
    {
        var result = ReRanker.Rerank([C("nan", double.NaN), C("ok", 0.1), C("inf", double.NegativeInfinity)], Context(), Plain());
        Assert.Equal("ok", result.Items[0].VideoId);
        Assert.Contains("no usable score: ranked last", result.Items[1].Reasons);

        Assert.Throws<ArgumentException>(() => ReRanker.Rerank([C("x", 1), C("x", 2)], Context(), Plain()));
        Assert.Contains("its sources or its video facts are missing", Assert.Throws<ArgumentException>(() => ReRanker.Rerank([C("x", 1), null!], Context(), Plain())).Message);
        Assert.Throws<ArgumentException>(() => ReRanker.Rerank([C("x", 1) with { Sources = null! }], Context(), Plain()));
        var bad = Plain();
        bad.DiversityLambda = 2;
        bad.MaxCreatorShare = 0;
        var error = Assert.Throws<ArgumentException>(() => ReRanker.Rerank([C("x", 1)], Context(), bad));
        Assert.Contains("DiversityLambda must be in [0, 1] (found 2)", error.Message);
        Assert.Contains("MaxCreatorShare must be in (0, 1] (found 0)", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ReRanker.Rerank([C("x", 1)], Context(k: 0), Plain()));
    }

    [Fact]
    public void Page_tokens_round_trip_and_damaged_tokens_are_refused_with_a_reason()
    {
        var token = PageToken.Encode([PageToken.Hash("a"), PageToken.Hash("b")]);

        Assert.True(PageToken.TryDecode(token, out var served, out _));
        Assert.Equal([PageToken.Hash("a"), PageToken.Hash("b")], served);
        Assert.True(PageToken.TryDecode(null, out var none, out _));
        Assert.Empty(none);
        Assert.False(PageToken.TryDecode("not base64!", out _, out var error));
        Assert.Equal("The page token is not valid Base64url.", error);
        var damaged = token[..^2] + (token[^2] == 'A' ? "B" : "A") + token[^1];
        Assert.False(PageToken.TryDecode(damaged, out _, out error));
        Assert.Equal("The page token is damaged or from another version; start again without it.", error);
        Assert.Equal(0xE40C292Cu, PageToken.Hash("a")); // FNV-1a 32 of "a"
    }
}
