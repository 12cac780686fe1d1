using VideoRec.Core.Domain;
using VideoRec.Core.Ingestion;

namespace VideoRec.Core.Tests.Ingestion;

/// <summary>User aggregates folded from events, worked out by hand.</summary>
public sealed class UserAggregatesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 2, 1, 8, 0, 0, TimeSpan.Zero);

    private static IngestEvent E(string id, InteractionType type, int minute, string? video = "v1", double? seconds = null, string? text = null) =>
        new(id, "u1", type == InteractionType.Search ? null : video, type, T0.AddMinutes(minute)) { Seconds = seconds, Text = text };

    private static UserAggregates Fold(int recentLength, params IngestEvent[] events)
    {
        var aggregates = new UserAggregates { UserId = "u1" };
        foreach (var e in events)
        {
            aggregates.Apply(e, recentLength);
        }

        return aggregates;
    }

    [Fact]
    public void Counts_watch_time_and_first_and_last_times_add_up()
    {
        var a = Fold(50,
            E("e1", InteractionType.Impression, 5, seconds: 2.5),
            E("e2", InteractionType.Click, 6),
            E("e3", InteractionType.Watch, 7, seconds: 10.5),
            E("e4", InteractionType.Watch, 3, "v2", seconds: 20.25),
            E("e5", InteractionType.Like, 9),
            E("e6", InteractionType.Search, 1, text: "cats"),
            E("e7", InteractionType.Comment, 12, text: "nice"),
            E("e8", InteractionType.Share, 11),
            E("e9", InteractionType.Dislike, 10, "v2"),
            E("e10", InteractionType.Watch, 8, "v3", seconds: 0.0625));

        Assert.Equal(new Dictionary<string, long>
        {
            ["click"] = 1, ["comment"] = 1, ["dislike"] = 1, ["impression"] = 1, ["like"] = 1, ["search"] = 1, ["share"] = 1, ["watch"] = 3,
        }, a.Counts);
        // 10.5 s + 20.25 s + 0.0625 s (62.5 ms rounds away from zero to 63 ms); impression dwell is not watch time.
        Assert.Equal(10_500 + 20_250 + 63, a.WatchMilliseconds);
        Assert.Equal(30.813, a.TotalWatchSeconds);
        Assert.Equal(T0.AddMinutes(1), a.FirstEventAt);
        Assert.Equal(T0.AddMinutes(12), a.LastEventAt);
    }

    [Fact]
    public void Milliseconds_round_half_away_from_zero()
    {
        Assert.Equal(0, UserAggregates.Milliseconds(null));
        Assert.Equal(0, UserAggregates.Milliseconds(0));
        Assert.Equal(1, UserAggregates.Milliseconds(0.0005));
        Assert.Equal(0, UserAggregates.Milliseconds(0.0004));
        Assert.Equal(63, UserAggregates.Milliseconds(0.0625));
        Assert.Equal(86_400_000, UserAggregates.Milliseconds(86400));
    }

    [Fact]
    public void Recent_lists_hold_the_right_items_newest_first()
    {
        var a = Fold(50,
            E("w1", InteractionType.Watch, 1, "v1", seconds: 30),
            E("w2", InteractionType.Watch, 3, "v2", seconds: 40),
            E("w3", InteractionType.Watch, 2, "v3", seconds: 50),
            E("l1", InteractionType.Like, 4, "v4"),
            E("d1", InteractionType.Dislike, 5, "v5"),
            E("i1", InteractionType.Impression, 6, "v6"),
            E("i2", InteractionType.Impression, 7, "v7", seconds: 1.5),
            E("s1", InteractionType.Search, 8, text: "dogs"),
            E("c1", InteractionType.Click, 9, "v8"),
            E("m1", InteractionType.Comment, 10, "v9", text: "hi"),
            E("h1", InteractionType.Share, 11, "v10"));

        Assert.Equal(
        [
            new RecentItem("w2", T0.AddMinutes(3), "v2", Seconds: 40),
            new RecentItem("w3", T0.AddMinutes(2), "v3", Seconds: 50),
            new RecentItem("w1", T0.AddMinutes(1), "v1", Seconds: 30),
        ], a.Watched);
        Assert.Equal([new RecentItem("l1", T0.AddMinutes(4), "v4")], a.Liked);
        Assert.Equal([new RecentItem("d1", T0.AddMinutes(5), "v5")], a.Disliked);
        Assert.Equal([new RecentItem("i2", T0.AddMinutes(7), "v7", Seconds: 1.5), new RecentItem("i1", T0.AddMinutes(6), "v6")], a.Impressed);
        Assert.Equal([new RecentItem("s1", T0.AddMinutes(8), Query: "dogs")], a.Searches);
    }

    [Fact]
    public void Recent_lists_break_time_ties_by_event_id_ascending()
    {
        var a = Fold(50,
            E("b", InteractionType.Like, 1, "v1"),
            E("c", InteractionType.Like, 1, "v2"),
            E("a", InteractionType.Like, 1, "v3"),
            E("B", InteractionType.Like, 1, "v4"),
            E("z", InteractionType.Like, 2, "v5"));

        // Newest first; at the same time, ordinal event id order ("B" < "a" < "b" < "c").
        Assert.Equal(["z", "B", "a", "b", "c"], a.Liked.Select(i => i.EventId));
    }

    [Fact]
    public void Recent_lists_keep_the_newest_n_whatever_the_arrival_order()
    {
        var events = Enumerable.Range(0, 8).Select(i => E($"w{i}", InteractionType.Watch, i, $"v{i}", seconds: i)).ToArray();

        var forward = Fold(3, events);
        var backward = Fold(3, [.. events.Reverse()]);
        var shuffled = Fold(3, events[4], events[0], events[7], events[2], events[6], events[1], events[5], events[3]);

        Assert.Equal(["w7", "w6", "w5"], forward.Watched.Select(i => i.EventId));
        Assert.Equal(forward.Watched, backward.Watched);
        Assert.Equal(forward.Watched, shuffled.Watched);
        Assert.Equal(8, forward.Counts["watch"]);
        Assert.Equal(28_000, forward.WatchMilliseconds);
    }

    [Fact]
    public void An_item_older_than_a_full_list_is_dropped_and_a_tie_at_the_boundary_goes_by_event_id()
    {
        var a = Fold(2,
            E("m", InteractionType.Dislike, 5),
            E("n", InteractionType.Dislike, 5),
            E("old", InteractionType.Dislike, 1));
        Assert.Equal(["m", "n"], a.Disliked.Select(i => i.EventId));

        a.Apply(E("l", InteractionType.Dislike, 5), 2);
        Assert.Equal(["l", "m"], a.Disliked.Select(i => i.EventId));

        a.Apply(E("o", InteractionType.Dislike, 5), 2);
        Assert.Equal(["l", "m"], a.Disliked.Select(i => i.EventId));
        Assert.Equal(5, a.Counts["dislike"]);
    }

    [Fact]
    public void A_capacity_of_zero_keeps_no_items_but_still_counts()
    {
        var a = Fold(0, E("w", InteractionType.Watch, 1, seconds: 5), E("s", InteractionType.Search, 2, text: "q"));

        Assert.Empty(a.Watched);
        Assert.Empty(a.Searches);
        Assert.Equal(2, a.Counts.Values.Sum());
        Assert.Equal(5_000, a.WatchMilliseconds);
    }

    [Fact]
    public void A_new_aggregate_is_empty()
    {
        var a = new UserAggregates { UserId = "u" };

        Assert.Empty(a.Counts);
        Assert.Equal(0, a.TotalWatchSeconds);
        Assert.Null(a.FirstEventAt);
        Assert.Null(a.LastEventAt);
    }

    [Fact]
    public void The_response_lists_every_type_and_every_recent_list()
    {
        var a = Fold(50, E("w", InteractionType.Watch, 1, seconds: 1.5), E("s", InteractionType.Search, 2, text: "q"));
        var vector = new UserVector("m1", [0.5f, -1f], T0.AddMinutes(1));

        var response = UserAggregatesResponse.From(a, vector);

        Assert.Equal("u1", response.UserId);
        Assert.Equal(["impression", "click", "watch", "like", "dislike", "share", "comment", "search"], response.Counts.Keys);
        Assert.Equal([0L, 0, 1, 0, 0, 0, 0, 1], response.Counts.Values);
        Assert.Equal(1.5, response.TotalWatchSeconds);
        Assert.Equal(["watched", "liked", "disliked", "impressed", "searches"], response.Recent.Keys);
        Assert.Equal("w", Assert.Single(response.Recent["watched"]).EventId);
        Assert.Equal("q", Assert.Single(response.Recent["searches"]).Query);
        Assert.Equal(new UserVectorResponse("m1", T0.AddMinutes(1), vector.Vector), response.Vector);
        Assert.Null(UserAggregatesResponse.From(a, null).Vector);
    }
}
