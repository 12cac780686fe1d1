using System.Text.Json;
using VideoRec.Core.Domain;
using VideoRec.Core.Ingestion;

namespace VideoRec.Contracts;

/// <summary>
/// The behaviour every <see cref="IFeatureStore"/> owes its callers (the XML docs of the interface), as facts that run
/// once per implementation: derive, implement <see cref="CreateStore"/>, and every [Fact] here runs against it.
/// Expected values are worked out by hand in each test.
/// </summary>
public abstract class FeatureStoreContract
{
    /// <summary>10:00 UTC, so that minutes after it share an hour bucket and <c>T0 + 1 h</c> starts the next.</summary>
    protected static readonly DateTimeOffset T0 = new(2025, 6, 2, 10, 0, 0, TimeSpan.Zero);

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>A new, empty store, independent of every other store this returns (a test may create several).</summary>
    protected abstract IFeatureStore CreateStore();

    private static CancellationToken None => CancellationToken.None;

    // ---- Request ids (online attribution) ----

    [Fact]
    public async Task Apply_RequestId_IsStoredAndReadBack_AndEventsWithoutOneStayValid()
    {
        var store = CreateStore();
        var clicked = Simple("r1", "u1", "v1", InteractionType.Click, T0) with { RequestId = "req-7" };
        var plain = Simple("r2", "u1", "v2", InteractionType.Click, T0.AddMinutes(1));

        await store.ApplyAsync([clicked, plain], Rules(), None);
        // A redelivery carrying another request id is a duplicate: the first stays.
        await store.ApplyAsync([clicked with { RequestId = "req-8" }], Rules(), None);

        var events = await store.GetUserEventsAsync("u1", None);
        Assert.Equal(["req-7", null], events.Select(e => e.RequestId));
        Assert.Equal([clicked, plain], events);
    }

    // ---- Apply and read back ----

    [Fact]
    public async Task Apply_NewEvents_AreStoredAndFoldedIntoAggregatesAndStatistics()
    {
        var store = CreateStore();
        Assert.Equal(UpsertOutcome.Created, await store.UpsertVideoAsync(new Video("v1", "One") { DurationSeconds = 100 }, None));
        Assert.Equal(UpsertOutcome.Created, await store.UpsertVideoAsync(new Video("v2", "Two"), None));
        var e01 = Impression("e01", "u1", "v1", T0, 2.5) with { Device = "mobile", Location = new GeoLocation(48.85, 2.35) };
        var e02 = Simple("e02", "u1", "v1", InteractionType.Click, T0.AddMinutes(1));
        var e03 = Watch("e03", "u1", "v1", T0.AddMinutes(2), 95); // ≥ 0.9 × 100 s: a completion
        var e04 = Simple("e04", "u1", "v1", InteractionType.Like, T0.AddMinutes(3));
        var e05 = Search("e05", "u1", T0.AddMinutes(4), "cats");
        var e06 = Watch("e06", "u1", "v2", T0.AddMinutes(5), 30.0004) with { Device = "tv" }; // 30,000 ms; unknown duration: no completion
        var e07 = Comment("e07", "u1", "v1", T0.AddMinutes(6), "nice");
        var e08 = Simple("e08", "u1", "v1", InteractionType.Share, T0.AddMinutes(7));
        var e09 = Simple("e09", "u1", "v2", InteractionType.Dislike, T0.AddMinutes(8));
        var e10 = Watch("e10", "u2", "v1", T0.AddHours(1), 45.5); // next hour bucket; 45.5 < 90: no completion

        // Input order differs from time order: outcomes follow the input.
        var result = await ApplyAsync(store, [e10, e03, e01, e09, e02, e05, e04, e06, e08, e07], Rules(), None);

        Assert.Equal(Enumerable.Repeat(EventOutcome.Applied, 10), result.Outcomes);
        Assert.Equal(10, result.Applied);
        Assert.Equal(0, result.Duplicates);

        var u1 = new UserAggregates
        {
            UserId = "u1",
            Counts = Counts(("click", 1), ("comment", 1), ("dislike", 1), ("impression", 1), ("like", 1), ("search", 1), ("share", 1), ("watch", 2)),
            WatchMilliseconds = 125_000,
            Watched = [new("e06", T0.AddMinutes(5), "v2", Seconds: 30.0004), new("e03", T0.AddMinutes(2), "v1", Seconds: 95)],
            Liked = [new("e04", T0.AddMinutes(3), "v1")],
            Disliked = [new("e09", T0.AddMinutes(8), "v2")],
            Impressed = [new("e01", T0, "v1", Seconds: 2.5)],
            Searches = [new("e05", T0.AddMinutes(4), Query: "cats")],
            FirstEventAt = T0,
            LastEventAt = T0.AddMinutes(8),
        };
        var u2 = new UserAggregates
        {
            UserId = "u2",
            Counts = Counts(("watch", 1)),
            WatchMilliseconds = 45_500,
            Watched = [new("e10", T0.AddHours(1), "v1", Seconds: 45.5)],
            FirstEventAt = T0.AddHours(1),
            LastEventAt = T0.AddHours(1),
        };
        Assert.Equal(Json(u1), Json(await store.GetUserAggregatesAsync("u1", None)));
        Assert.Equal(Json(u2), Json(await store.GetUserAggregatesAsync("u2", None)));
        Assert.Equal(125.0, (await store.GetUserAggregatesAsync("u1", None))!.TotalWatchSeconds);

        var v1 = new VideoStatistics
        {
            VideoId = "v1",
            Impressions = 1,
            Clicks = 1,
            Views = 2,
            Likes = 1,
            Shares = 1,
            Comments = 1,
            WatchMilliseconds = 140_500,
            Completions = 1,
            HourlyViews = new() { [Hour(T0)] = 1, [Hour(T0) + 1] = 1 },
        };
        var v2 = new VideoStatistics
        {
            VideoId = "v2",
            Views = 1,
            Dislikes = 1,
            WatchMilliseconds = 30_000,
            HourlyViews = new() { [Hour(T0)] = 1 },
        };
        Assert.Equal(Json(v1), Json(await store.GetVideoStatisticsAsync("v1", None)));
        Assert.Equal(Json(v2), Json(await store.GetVideoStatisticsAsync("v2", None)));

        Assert.Equal([e01, e02, e03, e04, e05, e06, e07, e08, e09], await store.GetUserEventsAsync("u1", None));
        Assert.Equal([e10], await store.GetUserEventsAsync("u2", None));

        // Nothing else exists, and without a refresher no vector is computed.
        Assert.Null(await store.GetUserAggregatesAsync("u3", None));
        Assert.Empty(await store.GetUserEventsAsync("u3", None));
        Assert.Null(await store.GetVideoStatisticsAsync("v3", None));
        Assert.Null(await store.GetUserVectorAsync("u1", None));
        Assert.Null(await store.GetUserVectorAsync("u2", None));
    }

    [Fact]
    public async Task Apply_NothingToApply_ReturnsNoOutcomes()
    {
        var store = CreateStore();

        var result = await ApplyAsync(store, [], Rules(), None);

        Assert.Empty(result.Outcomes);
        Assert.Equal(0, result.Applied);
    }

    [Fact]
    public async Task Apply_Cancelled_ThrowsAndStoresNothing()
    {
        var store = CreateStore();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            store.ApplyAsync([Watch("w1", "u1", "v1", T0, 10)], Rules(), cancelled.Token));

        Assert.Empty(await store.GetUserEventsAsync("u1", None));
        Assert.Null(await store.GetUserAggregatesAsync("u1", None));
        Assert.Null(await store.GetVideoStatisticsAsync("v1", None));
    }

    [Fact]
    public async Task GetUserEvents_OrdersByTimestampThenEventId()
    {
        var store = CreateStore();
        var b = Watch("b", "u1", "v1", T0.AddMinutes(1), 10);
        var a = Simple("a", "u1", "v1", InteractionType.Like, T0.AddMinutes(1));
        var c = Simple("c", "u1", "v1", InteractionType.Click, T0);
        var z = Impression("z", "u1", "v1", T0.AddMinutes(-1), null);

        await ApplyAsync(store, [b, a], Rules(), None);
        await ApplyAsync(store, [c, z], Rules(), None);

        Assert.Equal([z, c, a, b], await store.GetUserEventsAsync("u1", None));
    }

    [Fact]
    public async Task RecentLists_KeepTheNewestByTimeThenEventId_InAnyArrivalOrder()
    {
        var store = CreateStore();
        var wa = Watch("w-a", "u1", "v1", T0.AddMinutes(2), 1);
        var wb = Watch("w-b", "u1", "v2", T0.AddMinutes(2), 2);
        var wc = Watch("w-c", "u1", "v3", T0.AddMinutes(3), 3);
        var wd = Watch("w-d", "u1", "v4", T0, 4);
        var we = Watch("w-e", "u1", "v5", T0.AddMinutes(1), 5);

        await ApplyAsync(store, [wd, wb], Rules(recent: 3), None);
        await ApplyAsync(store, [wc, we, wa], Rules(recent: 3), None);

        var aggregates = await store.GetUserAggregatesAsync("u1", None);
        Assert.NotNull(aggregates);
        // Newest first; the two at T0+2m by event id; w-e and w-d fell off, but still count.
        Assert.Equal(
            Json(new List<RecentItem> { new("w-c", T0.AddMinutes(3), "v3", Seconds: 3), new("w-a", T0.AddMinutes(2), "v1", Seconds: 1), new("w-b", T0.AddMinutes(2), "v2", Seconds: 2) }),
            Json(aggregates.Watched));
        Assert.Equal(5, aggregates.Counts["watch"]);
        Assert.Equal(15_000, aggregates.WatchMilliseconds);
        Assert.Equal(T0, aggregates.FirstEventAt);
        Assert.Equal(T0.AddMinutes(3), aggregates.LastEventAt);
    }

    [Fact]
    public async Task TrendingWindow_KeepsHourlyViewsWithinTheWindowOfTheLatestView_InAnyArrivalOrder()
    {
        var store = CreateStore();
        var h = Hour(T0);
        // Window 3 h: with the latest view in hour h+5, hours h+3..h+5 are kept; views in h and h+2 are dropped.
        await ApplyAsync(store, [Watch("a", "u1", "v1", T0, 1), Watch("b", "u1", "v1", T0.AddHours(3), 1)], Rules(trendingWindowHours: 3), None);
        await ApplyAsync(store, [Watch("c", "u2", "v1", T0.AddHours(5), 1), Watch("d", "u2", "v1", T0.AddHours(2), 1)], Rules(trendingWindowHours: 3), None);
        await ApplyAsync(store, [Watch("e", "u3", "v1", T0.AddHours(4), 1), Watch("f", "u3", "v1", T0.AddHours(3).AddMinutes(59), 1)], Rules(trendingWindowHours: 3), None);

        var statistics = await store.GetVideoStatisticsAsync("v1", None);

        Assert.NotNull(statistics);
        Assert.Equal(6, statistics.Views);
        Assert.Equal(Json(new SortedDictionary<long, long> { [h + 3] = 2, [h + 4] = 1, [h + 5] = 1 }), Json(statistics.HourlyViews));
    }

    // ---- Idempotency and order independence ----

    [Fact]
    public async Task Apply_SameEventsAgain_AreDuplicatesAndChangeNothing()
    {
        var store = CreateStore();
        var rules = Rules(vectors: new RecordingRefresher(RecordingRefresher.FeedbackSummary));
        var events = new[]
        {
            Watch("w1", "u1", "v1", T0, 30),
            Simple("l1", "u1", "v1", InteractionType.Like, T0.AddMinutes(1)),
            Impression("i1", "u2", "v1", T0.AddMinutes(2), 1.5),
        };
        await ApplyAsync(store, events, rules, None);
        var before = await SnapshotAsync(store, ["u1", "u2"], ["v1"]);

        var again = await ApplyAsync(store, events, rules, None);
        var single = await ApplyAsync(store, [events[0]], rules, None);

        Assert.Equal([EventOutcome.Duplicate, EventOutcome.Duplicate, EventOutcome.Duplicate], again.Outcomes);
        Assert.Equal(0, again.Applied);
        Assert.Equal(3, again.Duplicates);
        Assert.Equal([EventOutcome.Duplicate], single.Outcomes);
        Assert.Equal(before, await SnapshotAsync(store, ["u1", "u2"], ["v1"]));
    }

    [Fact]
    public async Task Apply_BatchMixingNewAndDuplicateEvents_AppliesOnlyTheNewOnes()
    {
        var a = Watch("a", "u1", "v1", T0, 10);
        var b = Simple("b", "u1", "v1", InteractionType.Like, T0.AddMinutes(1));
        var c = Watch("c", "u1", "v2", T0.AddMinutes(2), 20);
        var d = Simple("d", "u2", "v1", InteractionType.Share, T0.AddMinutes(3));
        var mixed = CreateStore();
        await ApplyAsync(mixed, [a, b], Rules(), None);

        var result = await ApplyAsync(mixed, [c, a, d, b], Rules(), None);

        Assert.Equal([EventOutcome.Applied, EventOutcome.Duplicate, EventOutcome.Applied, EventOutcome.Duplicate], result.Outcomes);
        Assert.Equal(2, result.Applied);
        Assert.Equal(2, result.Duplicates);
        var once = CreateStore();
        await ApplyAsync(once, [a, b, c, d], Rules(), None);
        Assert.Equal(await SnapshotAsync(once, ["u1", "u2"], ["v1", "v2"]), await SnapshotAsync(mixed, ["u1", "u2"], ["v1", "v2"]));
        var aggregates = await mixed.GetUserAggregatesAsync("u1", None);
        Assert.Equal(Json(Counts(("like", 1), ("watch", 2))), Json(aggregates!.Counts));
        Assert.Equal(30_000, aggregates.WatchMilliseconds);
    }

    [Fact]
    public async Task Apply_ShuffledSplitAndRedelivered_EndsExactlyAsOneInOrderDelivery()
    {
        var random = new Random(20250602);
        var users = new[] { "u1", "u2", "u3", "u4" };
        var videos = new[] { "v1", "v2", "v3", "v4", "v5", "v6" };
        var durations = new double?[] { 60, 300, null, 1200, 45.5, null };
        var events = RandomEvents(random, users, videos, 400, TimeSpan.FromDays(3));
        var inOrder = events.OrderBy(e => e.Timestamp).ThenBy(e => e.EventId, StringComparer.Ordinal).ToArray();

        async Task<IFeatureStore> NewStoreAsync()
        {
            var store = CreateStore();
            for (var i = 0; i < videos.Length; i++)
            {
                await store.UpsertVideoAsync(new Video(videos[i], "Video " + i) { DurationSeconds = durations[i] }, None);
            }

            return store;
        }

        // Small recent lists and a 24 h trending window over 3 days, so eviction and pruning both happen.
        IngestionRules NewRules() => Rules(recent: 4, trendingWindowHours: 24, vectors: new RecordingRefresher(RecordingRefresher.FeedbackSummary));

        var single = await NewStoreAsync();
        var singleResult = await ApplyAsync(single, inOrder, NewRules(), None);
        Assert.Equal(400, singleResult.Applied);

        var shuffled = await NewStoreAsync();
        var shuffledRules = NewRules();
        foreach (var chunk in Chunks(random, Shuffle(random, events), 40))
        {
            await ApplyAsync(shuffled, chunk, shuffledRules, None);
        }

        var twice = await NewStoreAsync();
        var twiceRules = NewRules();
        var applied = 0;
        var duplicates = 0;
        // Two deliveries of every event, each shuffled and chunked, the chunks of both interleaved at random (an
        // event id appears at most once per call, as in a real batch).
        var deliveries = Chunks(random, Shuffle(random, events), 25).Concat(Chunks(random, Shuffle(random, events), 25)).ToArray();
        random.Shuffle(deliveries);
        foreach (var chunk in deliveries)
        {
            var result = await ApplyAsync(twice, chunk, twiceRules, None);
            applied += result.Applied;
            duplicates += result.Duplicates;
        }

        Assert.Equal(400, applied);
        Assert.Equal(400, duplicates);
        var expected = await SnapshotAsync(single, users, videos);
        Assert.Equal(expected, await SnapshotAsync(shuffled, users, videos));
        Assert.Equal(expected, await SnapshotAsync(twice, users, videos));
        // The snapshot really holds every kind of state.
        Assert.Contains("\"hourlyViews\":{", expected, StringComparison.Ordinal);
        Assert.Contains("summary-1", expected, StringComparison.Ordinal);
    }

    // ---- Deletion ----

    [Fact]
    public async Task DeleteUser_RemovesEventsAggregatesVectorAndProfile_KeepsOthersAndVideoStatistics()
    {
        var store = CreateStore();
        var refresher = new RecordingRefresher(RecordingRefresher.FeedbackSummary);
        var rules = Rules(vectors: refresher);
        await store.UpsertUserAsync(new UserProfile("u1") { Country = "FR" }, None);
        await store.UpsertUserAsync(new UserProfile("u2") { Country = "JP" }, None);
        var w1 = Watch("w1", "u1", "v1", T0, 10);
        await ApplyAsync(store, [w1, Simple("l1", "u1", "v1", InteractionType.Like, T0.AddMinutes(1)), Impression("i1", "u1", "v1", T0.AddMinutes(2), null)], rules, None);
        await ApplyAsync(store, [Watch("w2", "u2", "v1", T0.AddMinutes(3), 20)], rules, None);
        Assert.NotNull(await store.GetUserVectorAsync("u1", None));
        var u2Before = await SnapshotAsync(store, ["u2"], []);
        var statisticsBefore = Json(await store.GetVideoStatisticsAsync("v1", None));

        Assert.True(await store.DeleteUserAsync("u1", T0.AddHours(1), None));

        Assert.Empty(await store.GetUserEventsAsync("u1", None));
        Assert.Null(await store.GetUserAggregatesAsync("u1", None));
        Assert.Null(await store.GetUserVectorAsync("u1", None));
        Assert.Null(await store.GetUserAsync("u1", None));
        Assert.Equal(u2Before, await SnapshotAsync(store, ["u2"], []));
        Assert.Equal(new UserProfile("u2") { Country = "JP" }, await store.GetUserAsync("u2", None));
        Assert.Equal(statisticsBefore, Json(await store.GetVideoStatisticsAsync("v1", None)));

        // Nothing of u1 is left, and "nobody" never had anything.
        Assert.False(await store.DeleteUserAsync("u1", T0.AddHours(1), None));
        Assert.False(await store.DeleteUserAsync("nobody", T0, None));
    }

    [Fact]
    public async Task DeleteUser_EventsFromBeforeTheDeletionArrivingLater_AreNotStored_LaterEventsAre()
    {
        var store = CreateStore();
        var refresher = new RecordingRefresher(RecordingRefresher.FeedbackSummary);
        var rules = Rules(vectors: refresher);
        var w1 = Watch("w1", "u1", "v1", T0, 10);
        await ApplyAsync(store, [w1], rules, None);
        var statisticsAfterW1 = await store.GetVideoStatisticsAsync("v1", None);
        Assert.True(await store.DeleteUserAsync("u1", T0.AddHours(1), None));
        refresher.Clear();

        var redelivered = w1;                                                              // applied before the deletion
        var late = Watch("late", "u1", "v1", T0.AddMinutes(30), 40);                       // happened before it, arrives now
        var after = Simple("after", "u1", "v1", InteractionType.Like, T0.AddHours(2));     // happened after it
        var other = Simple("other", "u2", "v1", InteractionType.Like, T0.AddMinutes(30));  // another user
        var result = await ApplyAsync(store, [redelivered, late, after, other], rules, None);

        Assert.Equal([EventOutcome.UserDeleted, EventOutcome.UserDeleted, EventOutcome.Applied, EventOutcome.Applied], result.Outcomes);
        Assert.Equal(2, result.Applied);
        Assert.Equal(0, result.Duplicates);
        Assert.Equal([after], await store.GetUserEventsAsync("u1", None));
        var expected = new UserAggregates
        {
            UserId = "u1",
            Counts = Counts(("like", 1)),
            Liked = [new("after", T0.AddHours(2), "v1")],
            FirstEventAt = T0.AddHours(2),
            LastEventAt = T0.AddHours(2),
        };
        Assert.Equal(Json(expected), Json(await store.GetUserAggregatesAsync("u1", None)));
        // Statistics: w1's view stays (anonymous), the late watch is not counted, the two likes are.
        var statistics = await store.GetVideoStatisticsAsync("v1", None);
        Assert.Equal(1, statisticsAfterW1!.Views);
        Assert.Equal(1, statistics!.Views);
        Assert.Equal(10_000, statistics.WatchMilliseconds);
        Assert.Equal(2, statistics.Likes);
        // The vector is recomputed from what is stored now: the one like after the deletion.
        var u1Call = Assert.Single(refresher.Calls, c => c.UserId == "u1");
        Assert.Equal([after], u1Call.History);
        Assert.Equal(Json(new UserVector("summary-1", [1, 0, 0], T0.AddHours(2))), Json(await store.GetUserVectorAsync("u1", None)));
    }

    [Fact]
    public async Task DeleteUser_WithOnlyAProfileOrOnlyEvents_ReportsThatSomethingExisted()
    {
        var store = CreateStore();
        await store.UpsertUserAsync(new UserProfile("profile-only"), None);
        await ApplyAsync(store, [Impression("i1", "events-only", "v1", T0, 3)], Rules(), None);

        Assert.True(await store.DeleteUserAsync("profile-only", T0.AddHours(1), None));
        Assert.True(await store.DeleteUserAsync("events-only", T0.AddHours(1), None));

        Assert.Null(await store.GetUserAsync("profile-only", None));
        Assert.Empty(await store.GetUserEventsAsync("events-only", None));
        Assert.Null(await store.GetUserAggregatesAsync("events-only", None));
        // A profile can be created again after a deletion.
        Assert.Equal(UpsertOutcome.Created, await store.UpsertUserAsync(new UserProfile("profile-only") { Age = 30 }, None));
        Assert.Equal(30, (await store.GetUserAsync("profile-only", None))!.Age);
    }

    // ---- Catalogue and profiles ----

    [Fact]
    public async Task UpsertVideo_CreatesThenUpdates_AndReadsBack()
    {
        var store = CreateStore();
        var first = new Video("v1", "First title")
        {
            DurationSeconds = 123.5,
            Tags = ["music", "live"],
            Language = "en",
            Likes = 7,
            Views = 1000,
            UploadedAt = T0,
            AllowedRegions = ["FR", "JP"],
            CreatorId = "c1",
        };
        var second = new Video("v1", "Second title") { Tags = ["news"] };

        Assert.Null(await store.GetVideoAsync("v1", None));
        Assert.Equal(UpsertOutcome.Created, await store.UpsertVideoAsync(first, None));
        Assert.Equal(Json(first), Json(await store.GetVideoAsync("v1", None)));
        Assert.Equal(UpsertOutcome.Updated, await store.UpsertVideoAsync(second, None));
        Assert.Equal(Json(second), Json(await store.GetVideoAsync("v1", None)));
        Assert.Null(await store.GetVideoAsync("v2", None));
        // The replaced entry has no duration any more.
        Assert.Empty(await store.GetVideoDurationsAsync(["v1"], None));
    }

    [Fact]
    public async Task UpsertUser_CreatesThenUpdates_AndReadsBack()
    {
        var store = CreateStore();
        var first = new UserProfile("u1")
        {
            Age = 41,
            Gender = "F",
            City = "Lyon",
            Country = "FR",
            Language = "fr",
            TimeZone = "Europe/Paris",
            PostalCode = "69001",
            Occupation = "engineer",
        };
        var second = new UserProfile("u1") { Country = "BE" };

        Assert.Null(await store.GetUserAsync("u1", None));
        Assert.Equal(UpsertOutcome.Created, await store.UpsertUserAsync(first, None));
        Assert.Equal(first, await store.GetUserAsync("u1", None));
        Assert.Equal(UpsertOutcome.Updated, await store.UpsertUserAsync(second, None));
        Assert.Equal(second, await store.GetUserAsync("u1", None));
        Assert.Null(await store.GetUserAsync("u2", None));
    }

    [Fact]
    public async Task GetVideoDurations_ReturnsOnlyKnownDurationsOfTheListedVideos()
    {
        var store = CreateStore();
        await store.UpsertVideoAsync(new Video("v1", "One") { DurationSeconds = 100 }, None);
        await store.UpsertVideoAsync(new Video("v2", "Two"), None);
        await store.UpsertVideoAsync(new Video("v3", "Three") { DurationSeconds = 250.5 }, None);
        await store.UpsertVideoAsync(new Video("v4", "Four") { DurationSeconds = 7 }, None);

        var durations = await store.GetVideoDurationsAsync(["v1", "v2", "v3", "missing"], None);

        Assert.Equal(new SortedDictionary<string, double>(StringComparer.Ordinal) { ["v1"] = 100, ["v3"] = 250.5 },
            new SortedDictionary<string, double>(durations.ToDictionary(), StringComparer.Ordinal));
        Assert.Empty(await store.GetVideoDurationsAsync([], None));
    }

    // ---- Vectors ----

    [Fact]
    public async Task Vectors_AreRefreshedOnlyForUsersWhoseNewEventsChangeFeedback_FromTheFullOrderedHistory()
    {
        var store = CreateStore();
        await store.UpsertVideoAsync(new Video("v1", "One") { DurationSeconds = 100 }, None);
        await store.UpsertVideoAsync(new Video("v2", "Two"), None);
        await store.UpsertVideoAsync(new Video("v3", "Three") { DurationSeconds = 600 }, None);
        var u1Vector = new UserVector("m1", [0.5f, -1.25f, 3f], T0.AddMinutes(3));
        var u2Vector = new UserVector("m1", [1.5f, -2.25f, 0.125f], T0.AddMinutes(10));
        var answers = new Queue<UserVector?>();
        var refresher = new RecordingRefresher(call => call.UserId == "u1" ? u1Vector : answers.Dequeue());
        var rules = Rules(vectors: refresher);
        var i1 = Impression("i1", "u1", "v1", T0, null);
        var s1 = Search("s1", "u1", T0.AddMinutes(1), "jazz");
        var w1 = Watch("w1", "u2", "v1", T0.AddMinutes(10), 50);
        var i2 = Impression("i2", "u2", "v2", T0.AddMinutes(5), 4);
        var i3 = Impression("i3", "u1", "v3", T0.AddMinutes(2), null);
        var i4 = Impression("i4", "u2", "v3", T0.AddMinutes(20), null);
        var l1 = Simple("l1", "u2", "v3", InteractionType.Like, T0.AddMinutes(1));
        var c1 = Simple("c1", "u1", "v1", InteractionType.Click, T0.AddMinutes(3));

        // Impressions and searches do not change feedback: no refresh.
        await ApplyAsync(store, [i1, s1], rules, None);
        Assert.Empty(refresher.Calls);
        Assert.Null(await store.GetUserVectorAsync("u1", None));

        // u2's watch does: one refresh with u2's whole history in (time, id) order and the known durations (v2 has none).
        answers.Enqueue(u2Vector);
        await ApplyAsync(store, [w1, i2, i3], rules, None);
        var call = Assert.Single(refresher.Calls);
        Assert.Equal("u2", call.UserId);
        Assert.Equal([i2, w1], call.History);
        Assert.Equal(Durations(("v1", 100)), call.Durations);
        AssertVector(u2Vector, await store.GetUserVectorAsync("u2", None));
        Assert.Null(await store.GetUserVectorAsync("u1", None));

        // Another impression, and a duplicate of the watch: no refresh, the vector stays.
        refresher.Clear();
        await ApplyAsync(store, [i4], rules, None);
        await ApplyAsync(store, [w1], rules, None);
        Assert.Empty(refresher.Calls);
        AssertVector(u2Vector, await store.GetUserVectorAsync("u2", None));

        // A like (arriving late) for u2 and a click for u1: one refresh each. u2's answer is null: its vector is removed.
        answers.Enqueue(null);
        await ApplyAsync(store, [l1, c1], rules, None);
        var calls = refresher.Calls.OrderBy(c => c.UserId, StringComparer.Ordinal).ToArray();
        Assert.Equal(["u1", "u2"], calls.Select(c => c.UserId));
        Assert.Equal([i1, s1, i3, c1], calls[0].History);
        Assert.Equal(Durations(("v1", 100), ("v3", 600)), calls[0].Durations);
        Assert.Equal([l1, i2, w1, i4], calls[1].History);
        Assert.Equal(Durations(("v1", 100), ("v3", 600)), calls[1].Durations);
        AssertVector(u1Vector, await store.GetUserVectorAsync("u1", None));
        Assert.Null(await store.GetUserVectorAsync("u2", None));
    }

    [Fact]
    public async Task Vectors_EveryFeedbackTypeTriggersARefresh()
    {
        var feedbackTypes = new[] { InteractionType.Click, InteractionType.Watch, InteractionType.Like, InteractionType.Dislike, InteractionType.Share, InteractionType.Comment };
        var store = CreateStore();
        var refresher = new RecordingRefresher(RecordingRefresher.FeedbackSummary);
        var rules = Rules(vectors: refresher);

        var events = feedbackTypes.Select((type, i) => type switch
        {
            InteractionType.Watch => Watch($"e{i}", $"u{i}", "v1", T0, 12),
            InteractionType.Comment => Comment($"e{i}", $"u{i}", "v1", T0, "hello"),
            _ => Simple($"e{i}", $"u{i}", "v1", type, T0),
        }).ToArray();
        await ApplyAsync(store, events, rules, None);

        Assert.Equal(feedbackTypes.Select((_, i) => $"u{i}"), refresher.Calls.Select(c => c.UserId).Order(StringComparer.Ordinal));
        AssertVector(new UserVector("summary-1", [1, 12, 0], T0), await store.GetUserVectorAsync("u1", None));
        AssertVector(new UserVector("summary-1", [1, 0, 0], T0), await store.GetUserVectorAsync("u5", None));
    }

    // ---- Helpers ----

    /// <summary>Rules with the given recent-list length and trending window, and an optional refresher.</summary>
    // ---- Deferred vector refresh and serving state ----

    [Fact]
    public async Task RefreshVectors_CoversEveryMarkedUserOnceWhateverTheNumberOfApplies_AndRespectsTheLimit()
    {
        var store = CreateStore();
        var refresher = new RecordingRefresher(RecordingRefresher.FeedbackSummary);
        var rules = Rules(vectors: refresher);
        await store.ApplyAsync([Watch("w1", "u1", "v1", T0, 10)], rules, None);
        await store.ApplyAsync([Simple("l1", "u1", "v2", InteractionType.Like, T0.AddMinutes(1)), Simple("c1", "u2", "v1", InteractionType.Click, T0)], rules, None);
        await store.ApplyAsync([Impression("i1", "u3", "v1", T0, 1), Simple("l2", "u4", "v1", InteractionType.Like, T0)], rules, None);
        Assert.Empty(refresher.Calls);
        Assert.Null(await store.GetUserVectorAsync("u1", None));

        var first = await store.RefreshVectorsAsync(refresher, 2, None);
        var second = await store.RefreshVectorsAsync(refresher, 2, None);
        var third = await store.RefreshVectorsAsync(refresher, 2, None);

        Assert.Equal((2, 1, 0), (first, second, third));
        Assert.Equal(["u1", "u2", "u4"], refresher.Calls.Select(c => c.UserId).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(["w1", "l1"], Assert.Single(refresher.Calls, c => c.UserId == "u1").History.Select(e => e.EventId).ToArray());
        Assert.NotNull(await store.GetUserVectorAsync("u1", None));
        Assert.Null(await store.GetUserVectorAsync("u3", None));
    }

    [Fact]
    public async Task Apply_WithoutARefresher_MarksNothing()
    {
        var store = CreateStore();
        await store.ApplyAsync([Watch("w1", "u1", "v1", T0, 10)], Rules(), None);

        Assert.Equal(0, await store.RefreshVectorsAsync(new RecordingRefresher(RecordingRefresher.FeedbackSummary), 10, None));
    }

    [Fact]
    public async Task ServingState_HoldsTheVectorTheConsumedVideosAndTheDeletionTime()
    {
        var store = CreateStore();
        var rules = Rules(vectors: new RecordingRefresher(RecordingRefresher.FeedbackSummary));
        await ApplyAsync(store,
        [
            Impression("i1", "u1", "v9", T0, 1),
            Watch("w1", "u1", "v1", T0, 10),
            Simple("d1", "u1", "v2", InteractionType.Dislike, T0),
            Simple("c1", "u1", "v3", InteractionType.Click, T0),
            new IngestEvent("s1", "u1", null, InteractionType.Search, T0) { Text = "cats" },
        ], rules, None);

        var state = await store.GetServingStateAsync("u1", None);

        Assert.Equal(["v1", "v2", "v3"], state.ConsumedVideoIds.Order(StringComparer.Ordinal).ToArray());
        Assert.NotNull(state.Vector);
        Assert.Null(state.DeletedAt);
        var nobody = await store.GetServingStateAsync("nobody", None);
        Assert.Equal((null, 0, null), (nobody.Vector, nobody.ConsumedVideoIds.Count, nobody.DeletedAt));

        await store.DeleteUserAsync("u1", T0.AddHours(1), None);
        var deleted = await store.GetServingStateAsync("u1", None);
        Assert.Equal((null, 0, (DateTimeOffset?)T0.AddHours(1)), (deleted.Vector, deleted.ConsumedVideoIds.Count, deleted.DeletedAt));
    }

    [Fact]
    public async Task DeleteUser_AnEventTimedAfterTheDeletionButAppliedBeforeIt_StaysADuplicate()
    {
        // A client clock running ahead: the event says T0 + 2 h, it was applied before the deletion at T0 + 1 h.
        var store = CreateStore();
        var rules = Rules();
        var ahead = Watch("ahead", "u1", "v1", T0.AddHours(2), 10);
        await store.ApplyAsync([ahead], rules, None);
        await store.DeleteUserAsync("u1", T0.AddHours(1), None);

        var redelivered = await store.ApplyAsync([ahead], rules, None);

        Assert.Equal([EventOutcome.Duplicate], redelivered.Outcomes);
        Assert.Equal(1, (await store.GetVideoStatisticsAsync("v1", None))!.Views);
        Assert.Null(await store.GetUserAggregatesAsync("u1", None));
    }

    /// <summary>Applies, then refreshes every marked vector, as the queue worker does after each round.</summary>
    protected static async Task<ApplyResult> ApplyAsync(IFeatureStore store, IReadOnlyList<IngestEvent> events, IngestionRules rules, CancellationToken cancellationToken)
    {
        var result = await store.ApplyAsync(events, rules, cancellationToken);
        if (rules.Vectors is { } vectors)
        {
            await store.RefreshVectorsAsync(vectors, int.MaxValue, cancellationToken);
        }

        return result;
    }

    protected static IngestionRules Rules(int recent = 50, int trendingWindowHours = 14 * 24, IUserVectorRefresher? vectors = null) =>
        new(new IngestionOptions { RecentListLength = recent, TrendingWindowHours = trendingWindowHours }, vectors);

    protected static IngestEvent Watch(string id, string user, string video, DateTimeOffset at, double seconds) =>
        new(id, user, video, InteractionType.Watch, at) { Seconds = seconds };

    protected static IngestEvent Impression(string id, string user, string video, DateTimeOffset at, double? dwell) =>
        new(id, user, video, InteractionType.Impression, at) { Seconds = dwell };

    protected static IngestEvent Simple(string id, string user, string video, InteractionType type, DateTimeOffset at) => new(id, user, video, type, at);

    protected static IngestEvent Comment(string id, string user, string video, DateTimeOffset at, string text) =>
        new(id, user, video, InteractionType.Comment, at) { Text = text };

    protected static IngestEvent Search(string id, string user, DateTimeOffset at, string query) =>
        new(id, user, null, InteractionType.Search, at) { Text = query };

    /// <summary>The object as the store's JSON documents look (camelCase), for exact comparison of whole documents.</summary>
    protected static string Json<T>(T value) => JsonSerializer.Serialize(value, JsonOptions);

    /// <summary>Hours since the Unix epoch, as the hourly view buckets count them.</summary>
    protected static long Hour(DateTimeOffset at) => at.ToUnixTimeMilliseconds() / 3_600_000;

    /// <summary>Everything the store holds about these users and videos, as one comparable string.</summary>
    protected static async Task<string> SnapshotAsync(IFeatureStore store, IEnumerable<string> users, IEnumerable<string> videos)
    {
        var parts = new List<string>();
        foreach (var user in users)
        {
            parts.Add($"user {user}: {Json(await store.GetUserAggregatesAsync(user, None))}");
            parts.Add($"events {user}: {Json(await store.GetUserEventsAsync(user, None))}");
            parts.Add($"vector {user}: {Json(await store.GetUserVectorAsync(user, None))}");
        }

        foreach (var video in videos)
        {
            parts.Add($"video {video}: {Json(await store.GetVideoStatisticsAsync(video, None))}");
        }

        return string.Join('\n', parts);
    }

    private static SortedDictionary<string, long> Counts(params (string Type, long Count)[] counts) =>
        new(counts.ToDictionary(c => c.Type, c => c.Count), StringComparer.Ordinal);

    private static SortedDictionary<string, double> Durations(params (string Video, double Seconds)[] durations) =>
        new(durations.ToDictionary(d => d.Video, d => d.Seconds), StringComparer.Ordinal);

    private static void AssertVector(UserVector expected, UserVector? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.ModelVersion, actual.ModelVersion);
        Assert.Equal(expected.Vector, actual.Vector);
        Assert.Equal(expected.AsOf, actual.AsOf);
    }

    /// <summary>Seeded events of every type; timestamps at whole seconds, so some share a time and tie-break by id.</summary>
    private static List<IngestEvent> RandomEvents(Random random, string[] users, string[] videos, int count, TimeSpan span)
    {
        var types = Enum.GetValues<InteractionType>();
        var events = new List<IngestEvent>(count);
        for (var i = 0; i < count; i++)
        {
            var id = $"e{random.Next(100_000):D5}-{i:D4}";
            var user = users[random.Next(users.Length)];
            var video = videos[random.Next(videos.Length)];
            var at = T0.AddSeconds(random.Next((int)span.TotalSeconds / 60) * 60);
            var type = types[random.Next(types.Length)];
            events.Add(type switch
            {
                InteractionType.Watch => Watch(id, user, video, at, Math.Round(random.NextDouble() * 900, 3)),
                InteractionType.Impression => Impression(id, user, video, at, random.Next(3) == 0 ? null : Math.Round(random.NextDouble() * 20, 2)),
                InteractionType.Comment => Comment(id, user, video, at, "comment " + i),
                InteractionType.Search => Search(id, user, at, "query " + random.Next(10)),
                _ => Simple(id, user, video, type, at),
            });
        }

        return events;
    }

    private static IngestEvent[] Shuffle(Random random, IReadOnlyList<IngestEvent> events)
    {
        var copy = events.ToArray();
        random.Shuffle(copy);
        return copy;
    }

    private static IEnumerable<IngestEvent[]> Chunks(Random random, IngestEvent[] events, int maxSize)
    {
        for (var start = 0; start < events.Length;)
        {
            var size = Math.Min(random.Next(1, maxSize + 1), events.Length - start);
            yield return events[start..(start + size)];
            start += size;
        }
    }
}
