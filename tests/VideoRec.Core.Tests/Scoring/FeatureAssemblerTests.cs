using VideoRec.Core.CandidateGeneration;
using VideoRec.Core.Domain;
using VideoRec.Core.Scoring;

namespace VideoRec.Core.Tests.Scoring;

public sealed class FeatureAssemblerTests
{
    private static readonly DateTimeOffset Now = new(2024, 1, 31, 0, 0, 0, TimeSpan.Zero);
    private static readonly ScoringFeatures Layout = new(new ScoringFeatureSettings { TwoTowerDimensions = 2 });

    /// <summary>Three videos worked by hand: "a" (everything known), "b" (French, shown in France only, no title), "c" (no two-tower vector).</summary>
    private static VideoFeatureTable Table() => new(Layout,
    [
        new("a", new Video("a", "A") { Tags = ["Drama", "Comedy"], Language = "en", DurationSeconds = 600, UploadedAt = Now.AddDays(-10) },
            new VideoActivity(Views: 3, Impressions: 10, Clicks: 4, Completions: 3, Positives: 2, Trending: 1), new float[] { 0.6f, 0.8f }, new float[] { 1, 2 }, new float[] { 1, 0, 0 }),
        new("b", new Video("b", "B") { Tags = ["Action"], Language = "fr", AllowedRegions = ["FR"] },
            default, new float[] { 1, 0 }, new float[] { 0, 1 }),
        new("c", new Video("c", "C") { Tags = ["Drama"] }, default, default, new float[] { 2, 0 }),
    ], Now, walsFactors: 2, textDimensions: 3);

    private static ScoringUser User() => new()
    {
        UserId = "u",
        Profile = new UserProfile("u") { Age = 30, Gender = "F" },
        Country = "US",
        Language = "en-US",
        TwoTower = new float[] { 1, 0 },
        Wals = new float[] { 0.5f, 1 },
        SearchEmbedding = new float[] { 0.6f, 0.8f, 0 },
        RecentWatches = ["c", "a", "not-in-catalogue"],
        HistoryLength = 2,
    };

    private static MergedCandidate[] Candidates() =>
    [
        new("a", 0, [new(CandidateSources.Wals, 2.5f, 0), new(CandidateSources.TwoTower, 0.6f, 1)], 1.0 / 60 + 1.0 / 61),
        new("b", 1, [new(CandidateSources.Popular, 5, 3)], 1.0 / 63),
        new("new-video", 2, [new(CandidateSources.Fresh, 1, 0)], 1.0 / 60),
    ];

    private static float At(float[] rows, int row, string block, int i = 0) => rows[row * Layout.Count + Layout.Offset(block) + i];

    [Fact]
    public void The_layout_has_named_blocks_that_tile_the_row()
    {
        var end = 0;
        foreach (var block in Layout.Blocks)
        {
            Assert.Equal(end, block.Offset);
            end += block.Width;
        }

        Assert.Equal(Layout.Count, end);
        // user 2+1+8+4+9+1, video 2+1+7+1+9+7, cross 17 + 2 per source (6) + 2
        Assert.Equal(25 + 27 + 31, Layout.Count);
        Assert.Equal(Layout.Count, Layout.ColumnNames().Length);
        Assert.Equal("user_twotower_embedding[1]", Layout.ColumnNames()[1]);
    }

    [Fact]
    public void The_layout_round_trips_through_json_and_refuses_another_version()
    {
        var copy = ScoringFeatures.FromJson(Layout.ToJson());

        Assert.Equal(Layout.Fingerprint, copy.Fingerprint);
        Assert.Equal(Layout.ColumnNames(), copy.ColumnNames());
        Assert.NotEqual(Layout.Fingerprint, new ScoringFeatures(new ScoringFeatureSettings { TwoTowerDimensions = 3 }).Fingerprint);
        var error = Assert.Throws<InvalidDataException>(() => ScoringFeatures.FromJson(Layout.ToJson().Replace("\"version\":1", "\"version\":2")));
        Assert.Contains("version", error.Message);
    }

    [Fact]
    public void A_layout_with_a_huge_recent_watch_count_is_refused_before_an_assembler_sizes_its_buffers_by_it()
    {
        var json = new ScoringFeatures(new ScoringFeatureSettings { CoWatch = true }).ToJson().Replace("\"recent_watches\":50", "\"recent_watches\":2147483647");

        var error = Assert.Throws<InvalidDataException>(() => ScoringFeatures.FromJson(json));

        Assert.Equal("Invalid scoring feature settings: recent_watches must be 1 to 10000, not 2147483647.", error.Message);
        Assert.Equal(10_000, ScoringFeatures.FromJson(json.Replace("2147483647", "10000")).Settings.RecentWatches);
    }

    [Fact]
    public void User_and_video_blocks_match_the_hand_computed_values()
    {
        var rows = new float[3 * Layout.Count];

        new FeatureAssembler(Table()).Assemble(User(), Candidates(), rows);

        for (var r = 0; r < 3; r++)
        {
            Assert.Equal([1f, 0f], [At(rows, r, "user_twotower_embedding"), At(rows, r, "user_twotower_embedding", 1)]);
            Assert.Equal(0, At(rows, r, "user_twotower_missing"));
            Assert.Equal(1, At(rows, r, "user_age", 3)); // 25 ≤ 30 < 35: bucket 3
            Assert.Equal(1, Enumerable.Range(0, 8).Sum(i => At(rows, r, "user_age", i)));
            Assert.Equal(1, At(rows, r, "user_gender", 0)); // F
            Assert.Equal(1, At(rows, r, "user_history_length", 2)); // 1 ≤ 2 < 5
            Assert.Equal(MathF.Log(3), At(rows, r, "user_log_history"), 6);
        }

        // Video a.
        Assert.Equal([0.6f, 0.8f], [At(rows, 0, "video_twotower_embedding"), At(rows, 0, "video_twotower_embedding", 1)]);
        Assert.Equal(1, At(rows, 0, "video_duration", 3)); // 300 ≤ 600 < 1200
        Assert.Equal(1, At(rows, 0, "video_upload_age", 3)); // 7 ≤ 10 days < 30
        Assert.Equal(0, At(rows, 0, "video_language_missing"));
        Assert.Equal(MathF.Log(4), At(rows, 0, "video_log_views"), 6);
        Assert.Equal(0.4f, At(rows, 0, "video_ctr"), 6);
        Assert.Equal(0, At(rows, 0, "video_ctr_missing"));
        Assert.Equal(1f, At(rows, 0, "video_completion_rate"));
        Assert.Equal(MathF.Log(3), At(rows, 0, "video_log_positives"), 6);
        Assert.Equal(MathF.Log(2), At(rows, 0, "video_log_trending"), 6);

        // The unknown video: the defaults, every indicator set.
        Assert.Equal(0, At(rows, 2, "video_twotower_embedding"));
        Assert.Equal(1, At(rows, 2, "video_twotower_missing"));
        Assert.Equal(1, At(rows, 2, "video_duration", 0));
        Assert.Equal(1, At(rows, 2, "video_upload_age", 0));
        Assert.Equal(1, At(rows, 2, "video_ctr_missing"));
        Assert.Equal(1, At(rows, 2, "video_completion_missing"));
        Assert.Equal(1, At(rows, 2, "video_language_missing"));
    }

    [Fact]
    public void Cross_features_match_the_hand_computed_values()
    {
        var rows = new float[3 * Layout.Count];

        new FeatureAssembler(Table()).Assemble(User(), Candidates(), rows);

        // a: u·v = 0.6 (two-tower), 0.5·1 + 1·2 = 2.5 (WALS); b: 1 and 1.
        Assert.Equal(0.6f, At(rows, 0, "twotower_score"), 6);
        Assert.Equal(2.5f, At(rows, 0, "wals_score"), 6);
        Assert.Equal(1f, At(rows, 1, "twotower_score"), 6);
        Assert.Equal(1f, At(rows, 1, "wals_score"), 6);
        // z over {0.6, 1}: mean 0.8, sd 0.2; over {2.5, 1}: mean 1.75, sd 0.75. The new video has neither.
        Assert.Equal(-1f, At(rows, 0, "twotower_score_z"), 5);
        Assert.Equal(1f, At(rows, 1, "twotower_score_z"), 5);
        Assert.Equal(1f, At(rows, 0, "wals_score_z"), 5);
        Assert.Equal(-1f, At(rows, 1, "wals_score_z"), 5);
        Assert.Equal([0f, 1f, 0f], [At(rows, 0, "twotower_score_percentile"), At(rows, 1, "twotower_score_percentile"), At(rows, 2, "twotower_score_percentile")]);
        Assert.Equal([1f, 0f, 0f], [At(rows, 0, "wals_score_percentile"), At(rows, 1, "wals_score_percentile"), At(rows, 2, "wals_score_percentile")]);
        Assert.Equal([0f, 0f, 1f], [At(rows, 0, "wals_score_missing"), At(rows, 1, "wals_score_missing"), At(rows, 2, "wals_score_missing")]);

        // Search history [0.6, 0.8, 0] against title a [1, 0, 0]: cosine 0.6; b has no title.
        Assert.Equal(0.6f, At(rows, 0, "search_title_cosine"), 6);
        Assert.Equal(0, At(rows, 0, "search_title_missing"));
        Assert.Equal(1, At(rows, 1, "search_title_missing"));

        // en-US matches en; fr does not; the new video's language is unknown. b is shown in France only.
        Assert.Equal([1f, 0f, 0f], [At(rows, 0, "language_match"), At(rows, 1, "language_match"), At(rows, 2, "language_match")]);
        Assert.Equal([0f, 0f, 1f], [At(rows, 0, "language_unknown"), At(rows, 1, "language_unknown"), At(rows, 2, "language_unknown")]);
        Assert.Equal([1f, 0f, 1f], [At(rows, 0, "region_allowed"), At(rows, 1, "region_allowed"), At(rows, 2, "region_allowed")]);

        // Recent watches c {Drama} and a {Drama, Comedy} (the unknown one is skipped): both share a tag with a;
        // tag shares Drama 2/2, Comedy 1/2, so a's affinity is (1 + 0.5) / 2.
        Assert.Equal(MathF.Log(3), At(rows, 0, "recent_tag_overlap"), 6);
        Assert.Equal(0.75f, At(rows, 0, "tag_affinity"), 6);
        Assert.Equal(0f, At(rows, 1, "recent_tag_overlap"));
        Assert.Equal(0f, At(rows, 1, "tag_affinity"));

        // Recent watches' mean ln(1 + positives): (ln 1 + ln 3) / 2; their mean ln(1 + upload age): c has none, a is 10 days old.
        Assert.Equal(MathF.Log(3) / 2, At(rows, 0, "popularity_gap"), 5);
        Assert.Equal(-MathF.Log(3) / 2, At(rows, 1, "popularity_gap"), 5);
        Assert.Equal(-MathF.Log(3) / 2, At(rows, 2, "popularity_gap"), 5);
        Assert.Equal(0f, At(rows, 0, "upload_age_gap"), 5);
        Assert.Equal(0f, At(rows, 1, "upload_age_gap")); // b's upload time is unknown

        // Provenance.
        Assert.Equal([1f, 1f], [At(rows, 0, "proposed_by_wals"), At(rows, 0, "reciprocal_rank_wals")]);
        Assert.Equal([1f, 0.5f], [At(rows, 0, "proposed_by_twotower"), At(rows, 0, "reciprocal_rank_twotower")]);
        Assert.Equal(0f, At(rows, 0, "proposed_by_popular"));
        Assert.Equal([1f, 0.25f], [At(rows, 1, "proposed_by_popular"), At(rows, 1, "reciprocal_rank_popular")]);
        Assert.Equal(1 + 60f / 61, At(rows, 0, "fused_score"), 5);
        Assert.Equal(60f / 63, At(rows, 1, "fused_score"), 5);
        Assert.Equal([0f, MathF.Log(2), MathF.Log(3)], [At(rows, 0, "merged_log_position"), At(rows, 1, "merged_log_position"), At(rows, 2, "merged_log_position")]);
    }

    [Fact]
    public void NaN_and_infinite_inputs_become_missing_and_every_value_is_finite()
    {
        var user = User() with
        {
            TwoTower = new float[] { float.NaN, 1 },
            Wals = new float[] { float.PositiveInfinity, 1 },
            SearchEmbedding = new float[] { float.NaN, 0, 0 },
            Profile = new UserProfile("u") { Age = -5, Gender = " " },
            HistoryLength = -3,
        };
        MergedCandidate[] candidates = [new("a", 0, [new(CandidateSources.Wals, float.NaN, -1)], double.NaN), new("b", 1, [], double.PositiveInfinity)];
        var rows = new float[2 * Layout.Count];

        new FeatureAssembler(Table()).Assemble(user, candidates, rows);

        Assert.All(rows, x => Assert.True(float.IsFinite(x)));
        Assert.Equal(1, At(rows, 0, "user_twotower_missing"));
        Assert.Equal(0, At(rows, 0, "user_twotower_embedding", 1)); // the partial vector is dropped whole
        Assert.Equal(1, At(rows, 0, "user_age", 0));
        Assert.Equal(1, At(rows, 0, "user_gender", 3));
        Assert.Equal([1f, 1f], [At(rows, 0, "twotower_score_missing"), At(rows, 0, "wals_score_missing")]);
        Assert.Equal(1, At(rows, 0, "search_title_missing"));
        Assert.Equal(0, At(rows, 0, "proposed_by_wals")); // a negative rank is no provenance
        Assert.Equal(0, At(rows, 0, "fused_score"));
        Assert.Equal(0, At(rows, 1, "fused_score"));
    }

    [Fact]
    public void A_video_table_refuses_a_repeated_id_and_treats_bad_vectors_as_missing()
    {
        Assert.Throws<ArgumentException>(() => new VideoFeatureTable(Layout, [new("a", null, default), new("a", null, default)], Now, 0, 0));

        var table = new VideoFeatureTable(Layout, [new("a", null, default, new float[] { float.NaN, 1 }, new float[] { 1, 2, 3 })], Now, walsFactors: 2, textDimensions: 0);

        Assert.True(table.TwoTower(0).IsEmpty);
        Assert.True(table.Wals(0).IsEmpty);
        Assert.Equal(-1, table.IndexOf("zzz"));
    }

    [Fact]
    public void Without_the_embedding_blocks_the_two_tower_score_is_still_computed()
    {
        var layout = new ScoringFeatures(new ScoringFeatureSettings());
        var table = new VideoFeatureTable(layout, [new("a", null, default, new float[] { 0.6f, 0.8f })], Now, walsFactors: 0, textDimensions: 0, twoTowerDimensions: 2);
        var rows = new float[layout.Count];

        new FeatureAssembler(table).Assemble(User(), [new MergedCandidate("a", 0, [], 0)], rows);

        Assert.Throws<KeyNotFoundException>(() => layout["user_twotower_embedding"]);
        Assert.Equal(0.6f, rows[layout.Offset("twotower_score")], 6);
        Assert.Equal(0, rows[layout.Offset("twotower_score_missing")]);
        Assert.Equal(0, rows[layout.Offset("user_twotower_missing")]);
        Assert.Equal(0, rows[layout.Offset("video_twotower_missing")]);
        Assert.Throws<ArgumentException>(() => new VideoFeatureTable(Layout, [], Now, 0, 0, twoTowerDimensions: 3));
    }

    [Fact]
    public void A_buffer_too_short_for_the_request_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new FeatureAssembler(Table()).Assemble(User(), Candidates(), new float[Layout.Count]));

        Assert.Contains("3 candidates", error.Message);
    }
}
