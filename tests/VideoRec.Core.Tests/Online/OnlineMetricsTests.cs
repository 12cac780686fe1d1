using VideoRec.Core.Domain;
using VideoRec.Core.Ingestion;
using VideoRec.Core.Online;

namespace VideoRec.Core.Tests.Online;

public sealed class OnlineMetricsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly Impression A = new("req-a", "u1", "m1", "control", T0,
        [new("v1", 0, 2, ["wals"]), new("v2", 1, 1, ["popular"])]);

    private static readonly Impression B = new("req-b", "u2", "m2", "treatment", T0,
        [new("v1", 0, 3, ["wals", "popular"]), new("v3", 1, 2, ["wals"]), new("v4", 2, 1, [])]);

    private static readonly Dictionary<string, double> Durations = new() { ["v1"] = 100, ["v2"] = 200, ["v3"] = 50, ["v4"] = 60 };
    private static readonly Dictionary<string, string> Topic = new() { ["v1"] = "a", ["v2"] = "b", ["v3"] = "a", ["v4"] = "b" };

    private static readonly MetricsContext Context = new()
    {
        DurationSeconds = v => Durations.TryGetValue(v, out var d) ? d : null,
        CatalogueSize = 10,
        Dissimilarity = (x, y) => Topic[x] == Topic[y] ? 0 : 1,
    };

    private static IReadOnlyList<OnlineMetricsRow> Compute(params MetricsDimension[] groupBy)
    {
        IngestEvent E(string id, string user, string video, InteractionType type, double? seconds = null) =>
            new(id, user, video, type, T0.AddMinutes(1)) { Seconds = seconds };
        var events = new[]
        {
            E("1", "u1", "v1", InteractionType.Click), E("2", "u1", "v1", InteractionType.Watch, 95), // 95 ≥ 0.9 × 100: completed
            E("3", "u1", "v1", InteractionType.Like), E("4", "u1", "v1", InteractionType.Like),         // two likes, one liked item
            E("5", "u1", "v2", InteractionType.Watch, 30),                                              // a watch counts as a click; 30 < 180
            E("6", "u2", "v3", InteractionType.Click), E("7", "u2", "v3", InteractionType.Watch, 50), E("8", "u2", "v3", InteractionType.Dislike),
        };
        var attributed = Attributor.Attribute([A, B], events, new AttributionOptions()).Attributed;
        return OnlineMetrics.Compute([A, B], attributed, groupBy, Context);
    }

    [Fact]
    public void Overall_metrics_match_the_hand_computed_values()
    {
        var row = Assert.Single(Compute());

        Assert.Empty(row.Group);
        Assert.Equal((2L, 5L, 3L, 2L, 1L, 1L, 4), (row.Requests, row.Impressions, row.Clicks, row.Completions, row.Likes, row.Dislikes, row.DistinctVideos));
        Assert.Equal(0.6, row.Ctr, 12);
        Assert.Equal(2.0 / 3, row.CompletionRate, 12);
        Assert.Equal(175, row.WatchSeconds, 12);
        Assert.Equal(175.0 / 3, row.MeanWatchSeconds, 12);
        Assert.Equal(200, row.LikesPerThousand, 12);
        Assert.Equal(200, row.DislikesPerThousand, 12);
        Assert.Equal(0.4, row.Coverage!.Value, 12);
        // Lists: A {v1 a, v2 b} → 1; B {v1 a, v3 a, v4 b} → (0 + 1 + 1) / 3. Mean 5/6.
        Assert.Equal(5.0 / 6, row.IntraListDiversity!.Value, 12);
        Assert.Equal(WilsonInterval.Compute(3, 5), (row.CtrLow, row.CtrHigh));
    }

    [Fact]
    public void By_arm()
    {
        var rows = Compute(MetricsDimension.Arm);

        Assert.Equal(["control", "treatment"], rows.Select(r => r.Group["arm"]));
        var (control, treatment) = (rows[0], rows[1]);
        Assert.Equal((2L, 2L, 1L, 125.0, 500.0, 0.2, 1.0), (control.Impressions, control.Clicks, control.Completions, control.WatchSeconds, control.LikesPerThousand, control.Coverage!.Value, control.IntraListDiversity!.Value));
        Assert.Equal((3L, 1L, 1L, 50.0, 1.0, 0.3), (treatment.Impressions, treatment.Clicks, treatment.Completions, treatment.WatchSeconds, treatment.CompletionRate, treatment.Coverage!.Value));
        Assert.Equal(1000.0 / 3, treatment.DislikesPerThousand, 9);
        Assert.Equal(2.0 / 3, treatment.IntraListDiversity!.Value, 12);
    }

    [Fact]
    public void By_source_an_item_counts_in_each_of_its_sources()
    {
        var rows = Compute(MetricsDimension.Source);

        Assert.Equal(["(none)", "popular", "wals"], rows.Select(r => r.Group["source"]));
        Assert.Equal([1L, 2L, 3L], rows.Select(r => r.Impressions));
        Assert.Equal([0L, 1L, 2L], rows.Select(r => r.Clicks));
        Assert.Equal([0.0, 30.0, 145.0], rows.Select(r => r.WatchSeconds));
        Assert.Equal([0L, 0L, 2L], rows.Select(r => r.Completions));
        // Only B holds two wals items (v1, v3: same topic); no list holds two popular items.
        Assert.Equal([null, null, 0.0], rows.Select(r => r.IntraListDiversity));
    }

    [Fact]
    public void By_arm_and_position_positions_sort_numerically()
    {
        var rows = Compute(MetricsDimension.Arm, MetricsDimension.Position);

        Assert.Equal(["control/0", "control/1", "treatment/0", "treatment/1", "treatment/2"], rows.Select(r => $"{r.Group["arm"]}/{r.Group["position"]}"));
        Assert.Equal([1L, 1L, 0L, 1L, 0L], rows.Select(r => r.Clicks));
        Assert.All(rows, r => Assert.Null(r.IntraListDiversity));
    }

    [Fact]
    public void No_impressions_give_no_rows_and_zero_rates_never_divide_by_zero()
    {
        Assert.Empty(OnlineMetrics.Compute([], [], [], Context));
        var unseen = new Impression("req-z", "u9", "m1", "control", T0, [new("v1", 0, 1, ["wals"])]);
        var row = Assert.Single(OnlineMetrics.Compute([unseen], [], [], new MetricsContext()));
        Assert.Equal((0.0, 0.0, 0.0), (row.Ctr, row.CompletionRate, row.MeanWatchSeconds));
        Assert.Null(row.Coverage);
        Assert.Null(row.IntraListDiversity);
    }

    [Fact]
    public void GroupBy_names_parse_and_bad_ones_are_named()
    {
        Assert.True(MetricsDimensions.TryParse("arm,position", out var dims, out _));
        Assert.Equal([MetricsDimension.Arm, MetricsDimension.Position], dims);
        Assert.True(MetricsDimensions.TryParse(null, out dims, out _));
        Assert.Empty(dims);
        Assert.False(MetricsDimensions.TryParse("arm,colour", out _, out var error));
        Assert.Equal("groupBy must be a comma-separated list of modelVersion, arm, source, position, found 'colour'.", error);
        Assert.False(MetricsDimensions.TryParse("arm,arm", out _, out error));
        Assert.Equal("groupBy names 'arm' twice.", error);
    }
}
