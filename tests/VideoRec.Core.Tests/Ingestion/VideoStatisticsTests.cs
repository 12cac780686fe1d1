using VideoRec.Core.Domain;
using VideoRec.Core.Ingestion;

namespace VideoRec.Core.Tests.Ingestion;

/// <summary>Video statistics folded from events, worked out by hand.</summary>
public sealed class VideoStatisticsTests
{
    /// <summary>The start of an hour.</summary>
    private static readonly DateTimeOffset H0 = new(2026, 2, 1, 8, 0, 0, TimeSpan.Zero);

    private static readonly IngestionOptions Options = new();

    private static long HourOf(DateTimeOffset t) => t.ToUnixTimeMilliseconds() / 3_600_000;

    private static IngestEvent E(string id, InteractionType type, DateTimeOffset at, double? seconds = null) =>
        new(id, "u1", "v1", type, at) { Seconds = seconds };

    private static VideoStatistics Fold(double? duration, IngestionOptions options, params IngestEvent[] events)
    {
        var s = new VideoStatistics { VideoId = "v1" };
        foreach (var e in events)
        {
            s.Apply(e, duration, options);
        }

        return s;
    }

    [Fact]
    public void Counts_watch_time_completions_and_rates_add_up()
    {
        var s = Fold(100, Options,
            E("i1", InteractionType.Impression, H0, 3),
            E("i2", InteractionType.Impression, H0),
            E("i3", InteractionType.Impression, H0),
            E("i4", InteractionType.Impression, H0),
            E("c1", InteractionType.Click, H0),
            E("w1", InteractionType.Watch, H0, 90),       // exactly 90 % of 100 s: complete
            E("w2", InteractionType.Watch, H0, 89.999),   // just short
            E("w3", InteractionType.Watch, H0, 250),      // replays count as complete
            E("l1", InteractionType.Like, H0),
            E("l2", InteractionType.Like, H0),
            E("d1", InteractionType.Dislike, H0),
            E("s1", InteractionType.Share, H0),
            E("m1", InteractionType.Comment, H0));

        Assert.Equal((4, 1, 3, 2, 1, 1, 1), (s.Impressions, s.Clicks, s.Views, s.Likes, s.Dislikes, s.Shares, s.Comments));
        Assert.Equal(90_000 + 89_999 + 250_000, s.WatchMilliseconds);
        Assert.Equal(429.999, s.TotalWatchSeconds);
        Assert.Equal(2, s.Completions);
        Assert.Equal(0.25, s.ClickThroughRate);
        Assert.Equal(2.0 / 3, s.CompletionRate);
        Assert.Equal([new KeyValuePair<long, long>(HourOf(H0), 3)], s.HourlyViews);
    }

    [Fact]
    public void Without_a_known_duration_no_watch_completes()
    {
        var s = Fold(null, Options, E("w1", InteractionType.Watch, H0, 5000), E("w2", InteractionType.Watch, H0, 1));

        Assert.Equal(2, s.Views);
        Assert.Equal(0, s.Completions);
        Assert.Equal(0, s.CompletionRate);
        Assert.Equal(5_001_000, s.WatchMilliseconds);
    }

    [Fact]
    public void A_zero_duration_counts_as_unknown()
    {
        Assert.Equal(0, Fold(0, Options, E("w1", InteractionType.Watch, H0, 5)).Completions);
    }

    [Fact]
    public void The_completion_share_follows_the_options()
    {
        var half = Options with { CompletionFraction = 0.5 };

        Assert.Equal(1, Fold(60, half, E("w1", InteractionType.Watch, H0, 30), E("w2", InteractionType.Watch, H0, 29.9)).Completions);
    }

    [Fact]
    public void Rates_are_zero_without_a_denominator()
    {
        var s = Fold(100, Options, E("c1", InteractionType.Click, H0), E("c2", InteractionType.Click, H0));

        Assert.Equal(0, s.ClickThroughRate);
        Assert.Equal(0, s.CompletionRate);
        Assert.Empty(s.HourlyViews);
        Assert.Equal(0, s.TrendingScore(H0, 24));
    }

    [Fact]
    public void Clicks_may_outnumber_impressions()
    {
        var s = Fold(null, Options, E("i1", InteractionType.Impression, H0), E("c1", InteractionType.Click, H0), E("c2", InteractionType.Click, H0));

        Assert.Equal(2.0, s.ClickThroughRate);
    }

    [Fact]
    public void A_view_now_scores_one_and_one_half_life_ago_half()
    {
        var s = Fold(null, Options, E("w1", InteractionType.Watch, H0, 10));

        // The hour's views are dated at its middle; until then they are "now".
        Assert.Equal(1.0, s.TrendingScore(H0, 24));
        Assert.Equal(1.0, s.TrendingScore(H0.AddMinutes(30), 24));
        Assert.Equal(0.5, s.TrendingScore(H0.AddMinutes(30).AddHours(24), 24), 12);
        Assert.Equal(0.25, s.TrendingScore(H0.AddMinutes(30).AddHours(48), 24), 12);
        Assert.Equal(0.5, s.TrendingScore(H0.AddMinutes(30).AddHours(6), 6), 12);
        Assert.Equal(Math.Pow(2, -1.0 / 24), s.TrendingScore(H0.AddMinutes(90), 24), 12);
    }

    [Fact]
    public void Trending_adds_hours_with_their_own_decay()
    {
        var now = H0.AddMinutes(30);
        var s = Fold(null, Options,
            E("a", InteractionType.Watch, H0, 1),
            E("b", InteractionType.Watch, H0.AddMinutes(10), 1),
            E("c", InteractionType.Watch, H0.AddHours(-24), 1),
            E("d", InteractionType.Watch, H0.AddHours(-48).AddMinutes(59), 1),
            E("e", InteractionType.Like, H0.AddHours(-1)));

        Assert.Equal(2 + 0.5 + 0.25, s.TrendingScore(now, 24), 12);
        Assert.Equal(3, s.HourlyViews.Count);
        Assert.Equal(2, s.HourlyViews[HourOf(H0)]);
    }

    [Fact]
    public void The_statistics_response_rounds_the_trending_score_at_the_request_time()
    {
        var s = Fold(100, Options, E("w1", InteractionType.Watch, H0, 95), E("i1", InteractionType.Impression, H0), E("c1", InteractionType.Click, H0));

        var response = VideoStatisticsResponse.From(s, H0.AddMinutes(90), Options);

        Assert.Equal(new VideoStatisticsResponse("v1", 1, 1, 1, 0, 0, 0, 0, 95, 1, 1, 1, Math.Round(Math.Pow(2, -1.0 / 24), 6)), response);
    }

    [Fact]
    public void Hours_older_than_the_window_before_the_latest_hour_are_pruned()
    {
        var window = Options with { TrendingWindowHours = 3 };
        var s = Fold(null, window,
            E("a", InteractionType.Watch, H0, 1),
            E("b", InteractionType.Watch, H0.AddHours(1), 1),
            E("c", InteractionType.Watch, H0.AddHours(2), 1));
        Assert.Equal([HourOf(H0), HourOf(H0) + 1, HourOf(H0) + 2], s.HourlyViews.Keys);

        s.Apply(E("d", InteractionType.Watch, H0.AddHours(3), 1), null, window);
        Assert.Equal([HourOf(H0) + 1, HourOf(H0) + 2, HourOf(H0) + 3], s.HourlyViews.Keys);

        // A late view for an hour already outside the window is counted as a view but not as trending.
        s.Apply(E("e", InteractionType.Watch, H0, 1), null, window);
        Assert.Equal([HourOf(H0) + 1, HourOf(H0) + 2, HourOf(H0) + 3], s.HourlyViews.Keys);
        Assert.Equal(5, s.Views);

        // A jump far ahead leaves only the new hour.
        s.Apply(E("f", InteractionType.Watch, H0.AddDays(30), 1), null, window);
        Assert.Equal([new KeyValuePair<long, long>(HourOf(H0.AddDays(30)), 1)], s.HourlyViews);
    }

    [Fact]
    public void Pruning_does_not_depend_on_arrival_order()
    {
        var window = Options with { TrendingWindowHours = 3 };
        var events = new[] { 0, 5, 1, 2, 3, 2, 4, 0 }.Select((h, i) => E($"w{i}", InteractionType.Watch, H0.AddHours(h).AddMinutes(i), 1)).ToArray();

        var forward = Fold(null, window, events);
        var backward = Fold(null, window, [.. events.Reverse()]);

        Assert.Equal([(HourOf(H0) + 3, 1L), (HourOf(H0) + 4, 1L), (HourOf(H0) + 5, 1L)], forward.HourlyViews.Select(kv => (kv.Key, kv.Value)));
        Assert.Equal(forward.HourlyViews, backward.HourlyViews);
    }

    [Fact]
    public void The_default_window_is_fourteen_days()
    {
        var s = Fold(null, Options, E("a", InteractionType.Watch, H0, 1), E("b", InteractionType.Watch, H0.AddHours(335), 1));
        Assert.Equal(2, s.HourlyViews.Count);

        s.Apply(E("c", InteractionType.Watch, H0.AddHours(336), 1), null, Options);
        Assert.Equal([HourOf(H0) + 335, HourOf(H0) + 336], s.HourlyViews.Keys);
    }
}
