using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using VideoRec.Api.Tests.Support;
using VideoRec.Core.Bundles;
using VideoRec.Core.Domain;
using VideoRec.Core.Ingestion;
using VideoRec.Core.Serving;
using VideoRec.Functions;
using VideoRec.Local.Sqlite;
using static VideoRec.Api.Tests.Functions.FunctionHttp;

namespace VideoRec.Api.Tests.Functions;

/// <summary>
/// The ingestion functions called directly, as the isolated worker calls them, over a real SQLite feature store and
/// queue table in a temporary file, with a fixed clock.
/// </summary>
public sealed class IngestionFunctionsTests : IDisposable
{
    /// <summary>The clock of the handler: half past the hour, so views in that hour have a trending weight of exactly 1.</summary>
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 30, 0, TimeSpan.Zero);

    private static readonly Lazy<ModelBundle> Bundle = new(TestData.Train);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "vrec-functions-tests-" + Guid.NewGuid().ToString("N"));
    private readonly SqliteFeatureStore _store;
    private readonly SqliteEventQueue _queue;
    private readonly IngestionOptions _options = new();

    public IngestionFunctionsTests()
    {
        var database = new SqliteDatabase(Path.Combine(_root, "videorec.db"));
        _store = new SqliteFeatureStore(database);
        _queue = new SqliteEventQueue(database, new FixedTimeProvider(Now));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static IUserVectorRefresher Refresher() => new WalsFoldInRefresher(new FixedModelBundleProvider(Bundle.Value));

    private IngestionFunctions Functions(IFeatureStore? store = null, IUserVectorRefresher? refresher = null)
    {
        store ??= _store;
        var processor = new EventBatchProcessor(store, new IngestionRules(_options, refresher), _queue, NullLogger<EventBatchProcessor>.Instance);
        var handler = new IngestionHandler(store, _queue, _options, new FixedTimeProvider(Now), refresher);
        return new IngestionFunctions(handler, _options, processor, _queue, NullLogger<IngestionFunctions>.Instance);
    }

    private static DateTimeOffset At(int minute) => Now.AddMinutes(minute - 30);

    private static IngestEvent Event(string id, string user, InteractionType type, string? video, int minute, double? seconds = null, string? text = null) =>
        new(id, user, video, type, At(minute)) { Seconds = seconds, Text = text };

    private static string Message(string batchId, params IngestEvent[] events) => EventBatchCodec.Serialize(new EventBatch(batchId, Now, events));

    /// <summary>Ten events of <c>u1</c> (every type) and one watch of <c>u2</c>, all in the hour of <see cref="Now"/>.</summary>
    private static IngestEvent[] Sample() =>
    [
        Event("e0", "u1", InteractionType.Impression, "v01", 0, seconds: 2.5),
        Event("e1", "u1", InteractionType.Click, "v01", 1),
        Event("e2", "u1", InteractionType.Watch, "v01", 2, seconds: 30.5),
        Event("e3", "u1", InteractionType.Watch, "v02", 3, seconds: 12.25),
        Event("e4", "u1", InteractionType.Like, "v02", 4),
        Event("e5", "u1", InteractionType.Search, null, 5, text: "cats"),
        Event("e6", "u1", InteractionType.Dislike, "v05", 6),
        Event("e7", "u1", InteractionType.Share, "v01", 7),
        Event("e8", "u1", InteractionType.Comment, "v01", 8, text: "nice"),
        Event("e9", "u1", InteractionType.Like, "v03", 2),
        Event("f0", "u2", InteractionType.Watch, "v01", 10, seconds: 100),
    ];

    /// <summary>The aggregates of <c>u1</c> after <see cref="Sample"/>, worked out by hand (recent lists newest first).</summary>
    private const string SampleAggregatesOfU1 = """
        {
          "userId": "u1",
          "counts": { "impression": 1, "click": 1, "watch": 2, "like": 2, "dislike": 1, "share": 1, "comment": 1, "search": 1 },
          "totalWatchSeconds": 42.75,
          "firstEventAt": "2025-06-01T12:00:00+00:00",
          "lastEventAt": "2025-06-01T12:08:00+00:00",
          "recent": {
            "watched": [
              { "eventId": "e3", "at": "2025-06-01T12:03:00+00:00", "videoId": "v02", "query": null, "seconds": 12.25 },
              { "eventId": "e2", "at": "2025-06-01T12:02:00+00:00", "videoId": "v01", "query": null, "seconds": 30.5 }
            ],
            "liked": [
              { "eventId": "e4", "at": "2025-06-01T12:04:00+00:00", "videoId": "v02", "query": null, "seconds": null },
              { "eventId": "e9", "at": "2025-06-01T12:02:00+00:00", "videoId": "v03", "query": null, "seconds": null }
            ],
            "disliked": [ { "eventId": "e6", "at": "2025-06-01T12:06:00+00:00", "videoId": "v05", "query": null, "seconds": null } ],
            "impressed": [ { "eventId": "e0", "at": "2025-06-01T12:00:00+00:00", "videoId": "v01", "query": null, "seconds": 2.5 } ],
            "searches": [ { "eventId": "e5", "at": "2025-06-01T12:05:00+00:00", "videoId": null, "query": "cats", "seconds": null } ]
          },
          "vector": null,
          "searchEmbedding": null
        }
        """;

    [Fact]
    public async Task IngestEvents_answers_202_naming_accepted_and_refused_events_and_queues_one_batch()
    {
        const string body = """
            [
              {"eventId":"e0","userId":"u1","videoId":"v01","type":"like","timestamp":"2025-06-01T12:00:00Z"},
              {"eventId":"e1","userId":"u1","videoId":"v01","type":"poke","timestamp":"2025-06-01T12:01:00Z"},
              {"eventId":"e2","userId":"u1","videoId":"v02","type":"watch","value":30,"device":"tv","timestamp":"2025-06-01T12:02:00+02:00"}
            ]
            """;

        var result = await ExecuteAsync(await Functions().IngestEvents(Request(HttpMethods.Post, body)));

        Assert.Equal(202, result.Status);
        Assert.Equal("application/json; charset=utf-8", result.ContentType);
        Assert.Null(result.Location);
        var batchId = (string)result.Json!["batchId"]!;
        Assert.Matches("^[0-9a-f]{32}$", batchId);
        AssertJson($$"""
            {
              "batchId": "{{batchId}}",
              "accepted": [ { "index": 0, "eventId": "e0" }, { "index": 2, "eventId": "e2" } ],
              "rejected": [
                { "index": 1, "eventId": "e1", "errors": { "type": [ "type must be one of impression, click, watch, like, dislike, share, comment, search, found 'poke'." ] } }
              ]
            }
            """, result.Json);

        Assert.Equal(1, _queue.Count());
        var message = Assert.Single(await _queue.ReceiveAsync(10, TimeSpan.FromMinutes(1), CancellationToken.None));
        var queued = EventBatchCodec.Deserialize(message.Payload);
        Assert.Equal(batchId, queued.BatchId);
        Assert.Equal(Now, queued.AcceptedAt);
        Assert.Equal(
            [
                new IngestEvent("e0", "u1", "v01", InteractionType.Like, At(0)),
                new IngestEvent("e2", "u1", "v02", InteractionType.Watch, new DateTimeOffset(2025, 6, 1, 10, 2, 0, TimeSpan.Zero)) { Seconds = 30, Device = "tv" },
            ],
            queued.Events);
        Assert.Empty(_queue.Poisoned());
    }

    [Fact]
    public async Task IngestEvents_with_nothing_acceptable_is_400_and_queues_nothing()
    {
        var result = await ExecuteAsync(await Functions().IngestEvents(Request(HttpMethods.Post, "{\"eventId\":\"e0\"}")));

        Assert.Equal(400, result.Status);
        Assert.Equal("application/problem+json", result.ContentType);
        AssertJson("""{ "body": [ "The body must be a JSON array of events, found an object." ] }""", result.Json!["errors"]);
        Assert.Equal(0, _queue.Count());

        var media = await ExecuteAsync(await Functions().IngestEvents(Request(HttpMethods.Post, "[]", "text/plain")));
        Assert.Equal(415, media.Status);
        Assert.Equal(0, _queue.Count());
    }

    [Fact]
    public async Task ProcessEvents_applies_a_batch_with_hand_computed_aggregates_and_statistics()
    {
        var functions = Functions();
        Assert.Equal(201, (await ExecuteAsync(await functions.UpsertVideo(Request(HttpMethods.Put, "{\"title\":\"One\",\"durationSeconds\":100}"), "v01"))).Status);

        await functions.ProcessEvents(Message("batch-1", Sample()), 1, CancellationToken.None);

        var aggregates = await ExecuteAsync(await functions.UserAggregates(Request(HttpMethods.Get), "u1"));
        Assert.Equal(200, aggregates.Status);
        Assert.Equal("application/json; charset=utf-8", aggregates.ContentType);
        AssertJson(SampleAggregatesOfU1, aggregates.Json);

        var u2 = await _store.GetUserAggregatesAsync("u2", CancellationToken.None);
        Assert.NotNull(u2);
        Assert.Equal([("watch", 1L)], u2.Counts.Select(c => (c.Key, c.Value)));
        Assert.Equal(100, u2.TotalWatchSeconds);

        // v01: impression, click, two watches (30.5 s and a 100 s completion of its 100 s), a share and a comment,
        // all viewed in the current hour, whose middle is now: a trending weight of exactly 1 per view.
        var statistics = await ExecuteAsync(await functions.VideoStatistics(Request(HttpMethods.Get), "v01"));
        Assert.Equal(200, statistics.Status);
        AssertJson("""
            {
              "videoId": "v01", "impressions": 1, "clicks": 1, "views": 2, "likes": 0, "dislikes": 0, "shares": 1, "comments": 1,
              "totalWatchSeconds": 130.5, "completions": 1, "clickThroughRate": 1, "completionRate": 0.5, "trendingScore": 2
            }
            """, statistics.Json);
        Assert.Empty(_queue.Poisoned());

        // Redelivery of the same message changes nothing.
        await functions.ProcessEvents(Message("batch-1", Sample()), 2, CancellationToken.None);
        AssertJson(SampleAggregatesOfU1, (await ExecuteAsync(await functions.UserAggregates(Request(HttpMethods.Get), "u1"))).Json);
        Assert.Equal(statistics.Text, (await ExecuteAsync(await functions.VideoStatistics(Request(HttpMethods.Get), "v01"))).Text);
    }

    [Fact]
    public async Task ProcessEvents_with_a_refresher_stores_the_fold_in_vector()
    {
        var refresher = Refresher();
        var functions = Functions(refresher: refresher);

        await functions.ProcessEvents(Message("batch-v",
            Event("g0", "fresh", InteractionType.Like, "v05", 1),
            Event("g1", "fresh", InteractionType.Watch, "v06", 2, seconds: 60),
            Event("g2", "fresh", InteractionType.Impression, "v01", 3)), 1, CancellationToken.None);

        // Stored by the function's refresh (not merely computed when read): the serving state is fresh.
        var state = await _store.GetServingStateAsync("fresh", CancellationToken.None);
        Assert.False(state.VectorStale);
        var stored = state.Vector;
        Assert.NotNull(stored);
        var history = await _store.GetUserEventsAsync("fresh", CancellationToken.None);
        Assert.Equal(["g0", "g1", "g2"], history.Select(e => e.EventId));
        var expected = refresher.Refresh("fresh", history, new Dictionary<string, double>())!;
        Assert.Equal(Bundle.Value.Version, stored.ModelVersion);
        Assert.Equal(At(2), stored.AsOf); // the impression does not change the vector
        Assert.Equal(4, stored.Vector.Length);
        Assert.Equal(expected.Vector, stored.Vector);

        var aggregates = await ExecuteAsync(await functions.UserAggregates(Request(HttpMethods.Get), "fresh"));
        Assert.Equal(200, aggregates.Status);
        var vector = aggregates.Json!["vector"]!;
        Assert.Equal(Bundle.Value.Version, (string?)vector["modelVersion"]);
        Assert.Equal(At(2), vector["asOf"]!.GetValue<DateTimeOffset>());
        Assert.Equal(stored.Vector, vector["factors"]!.AsArray().Select(f => f!.GetValue<float>()));
    }

    [Fact]
    public async Task ProcessEvents_without_a_refresher_stores_no_vector()
    {
        await Functions().ProcessEvents(Message("batch-n", Event("h0", "plain", InteractionType.Like, "v05", 1)), 1, CancellationToken.None);

        Assert.Null(await _store.GetUserVectorAsync("plain", CancellationToken.None));
        Assert.NotNull(await _store.GetUserAggregatesAsync("plain", CancellationToken.None));
    }

    [Fact]
    public async Task A_message_that_is_not_json_goes_to_poison_with_the_parse_error()
    {
        await Functions().ProcessEvents("not json", 1, CancellationToken.None);

        var (payload, reason) = Assert.Single(_queue.Poisoned());
        Assert.Equal("not json", payload);
        Assert.StartsWith("The queue message is not an event batch: ", reason, StringComparison.Ordinal);
        Assert.Contains("is an invalid JSON literal", reason, StringComparison.Ordinal); // the System.Text.Json reason follows
    }

    [Fact]
    public async Task A_batch_without_user_ids_goes_to_poison_naming_the_required_fields()
    {
        const string message = """{"batchId":"b","acceptedAt":"2025-06-01T12:00:00Z","events":[{"eventId":"e","videoId":"v01","type":"like","timestamp":"2025-06-01T12:00:00Z"}]}""";

        await Functions().ProcessEvents(message, 1, CancellationToken.None);

        Assert.Equal([(message, "The queue message is not an event batch: batchId, events, eventId and userId are required.")], _queue.Poisoned());
        Assert.Null(await _store.GetVideoStatisticsAsync("v01", CancellationToken.None));
    }

    [Fact]
    public async Task An_event_that_fails_on_its_own_goes_to_poison_while_the_rest_of_the_batch_lands()
    {
        var store = new FaultyStore(_store) { CursedEventId = "k1" };
        IngestEvent[] events =
        [
            Event("k0", "iso", InteractionType.Like, "v01", 1),
            Event("k1", "iso", InteractionType.Like, "v02", 2),
            Event("k2", "iso", InteractionType.Watch, "v03", 3, seconds: 7),
        ];

        await Functions(store).ProcessEvents(Message("batch-k", events), 1, CancellationToken.None);

        // The whole batch first, then each event on its own.
        Assert.Equal([["k0", "k1", "k2"], ["k0"], ["k1"], ["k2"]], store.Applies);
        var (payload, reason) = Assert.Single(_queue.Poisoned());
        Assert.Equal("InvalidOperationException: Event k1 cannot be stored.", reason);
        var poisoned = EventBatchCodec.Deserialize(payload);
        Assert.Equal("batch-k:k1", poisoned.BatchId);
        Assert.Equal([events[1]], poisoned.Events);

        var aggregates = await _store.GetUserAggregatesAsync("iso", CancellationToken.None);
        Assert.NotNull(aggregates);
        Assert.Equal([("like", 1L), ("watch", 1L)], aggregates.Counts.Select(c => (c.Key, c.Value)));
        Assert.Equal(7, aggregates.TotalWatchSeconds);
        Assert.Equal(["k0", "k2"], (await _store.GetUserEventsAsync("iso", CancellationToken.None)).Select(e => e.EventId));
    }

    [Fact]
    public async Task A_single_event_batch_that_keeps_failing_is_redelivered_then_poisoned_as_a_message()
    {
        // With one event there is nothing to isolate: the failure goes back to the runtime until the last delivery.
        var store = new FaultyStore(_store) { CursedEventId = "s0" };
        var message = Message("batch-s", Event("s0", "single", InteractionType.Like, "v01", 1));
        var functions = Functions(store);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => functions.ProcessEvents(message, 1, CancellationToken.None));
        Assert.Equal("Event s0 cannot be stored.", error.Message);
        Assert.Empty(_queue.Poisoned());

        await functions.ProcessEvents(message, _options.MaxDeliveryAttempts, CancellationToken.None);
        Assert.Equal([(message, "Failed 5 deliveries. Last error: InvalidOperationException: Event s0 cannot be stored.")], _queue.Poisoned());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task An_unavailable_store_below_the_last_delivery_rethrows_for_redelivery(int dequeueCount)
    {
        var store = new FaultyStore(_store) { Unavailable = true };
        var message = Message("batch-u", Event("u0", "down", InteractionType.Like, "v01", 1), Event("u1", "down", InteractionType.Click, "v02", 2));
        var functions = Functions(store);

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => functions.ProcessEvents(message, dequeueCount, CancellationToken.None));

        Assert.Equal("The store is down.", error.Message);
        Assert.Equal([["u0", "u1"]], store.Applies); // no event-by-event retry of an unavailable store
        Assert.Empty(_queue.Poisoned());
        Assert.Null(await _store.GetUserAggregatesAsync("down", CancellationToken.None));

        // The redelivery after the store is back applies the batch.
        store.Unavailable = false;
        await functions.ProcessEvents(message, dequeueCount + 1, CancellationToken.None);
        var aggregates = await _store.GetUserAggregatesAsync("down", CancellationToken.None);
        Assert.NotNull(aggregates);
        Assert.Equal([("click", 1L), ("like", 1L)], aggregates.Counts.Select(c => (c.Key, c.Value)));
        Assert.Empty(_queue.Poisoned());
    }

    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    public async Task An_unavailable_store_at_the_last_delivery_poisons_the_message_without_throwing(int dequeueCount)
    {
        var store = new FaultyStore(_store) { Unavailable = true };
        var message = Message("batch-w", Event("w0", "gone", InteractionType.Like, "v01", 1), Event("w1", "gone", InteractionType.Click, "v02", 2));

        await Functions(store).ProcessEvents(message, dequeueCount, CancellationToken.None);

        Assert.Equal([(message, $"Failed {dequeueCount} deliveries. Last error: StoreUnavailableException: The store is down.")], _queue.Poisoned());
        Assert.Null(await _store.GetUserAggregatesAsync("gone", CancellationToken.None));
    }

    [Fact]
    public async Task UpsertVideo_creates_with_201_then_replaces_with_200()
    {
        var functions = Functions();

        var created = await ExecuteAsync(await functions.UpsertVideo(Request(HttpMethods.Put,
            """{"title":"First","tags":["a","b"],"durationSeconds":61.5,"language":"en","allowedRegions":["US"],"uploadedAt":"2025-01-02T03:04:05+01:00","creatorId":"c1","likes":3,"views":40}"""), "vid-1"));

        Assert.Equal(201, created.Status);
        Assert.Equal("/api/videos/vid-1", created.Location);
        AssertJson("""
            {
              "id": "vid-1", "title": "First", "durationSeconds": 61.5, "tags": ["a", "b"], "language": "en", "likes": 3, "views": 40,
              "uploadedAt": "2025-01-02T02:04:05+00:00", "allowedRegions": ["US"], "creatorId": "c1"
            }
            """, created.Json);

        var replaced = await ExecuteAsync(await functions.UpsertVideo(Request(HttpMethods.Put, """{"title":"Second"}"""), "vid-1"));

        Assert.Equal(200, replaced.Status);
        Assert.Null(replaced.Location);
        AssertJson("""
            {
              "id": "vid-1", "title": "Second", "durationSeconds": null, "tags": [], "language": null, "likes": 0, "views": 0,
              "uploadedAt": null, "allowedRegions": [], "creatorId": null
            }
            """, replaced.Json);
        Assert.Equal("Second", (await _store.GetVideoAsync("vid-1", CancellationToken.None))?.Title);

        var bad = await ExecuteAsync(await functions.UpsertVideo(Request(HttpMethods.Put, """{"title":""}"""), "vid-1"));
        Assert.Equal(400, bad.Status);
        AssertJson("""{ "title": [ "title must be 1 to 500 printable characters, found ''." ] }""", bad.Json!["errors"]);
    }

    [Fact]
    public async Task UpsertUser_creates_with_201_then_replaces_with_200()
    {
        var functions = Functions();

        var created = await ExecuteAsync(await functions.UpsertUser(Request(HttpMethods.Put,
            """{"age":41,"gender":"F","city":"Chicago","country":"US","language":"en-US","timeZone":"America/Chicago","occupation":"nurse","postalCode":"60601"}"""), "user-1"));

        Assert.Equal(201, created.Status);
        Assert.Equal("/api/users/user-1", created.Location);
        AssertJson("""
            {
              "id": "user-1", "age": 41, "gender": "F", "city": "Chicago", "country": "US", "language": "en-US",
              "timeZone": "America/Chicago", "postalCode": "60601", "occupation": "nurse"
            }
            """, created.Json);

        var replaced = await ExecuteAsync(await functions.UpsertUser(Request(HttpMethods.Put, "{\"age\":42}"), "user-1"));

        Assert.Equal(200, replaced.Status);
        Assert.Null(replaced.Location);
        AssertJson("""
            { "id": "user-1", "age": 42, "gender": null, "city": null, "country": null, "language": null, "timeZone": null, "postalCode": null, "occupation": null }
            """, replaced.Json);
        Assert.Equal(42, (await _store.GetUserAsync("user-1", CancellationToken.None))?.Age);
    }

    [Fact]
    public async Task UserAggregates_is_404_before_any_event_and_200_after()
    {
        var functions = Functions();

        AssertProblem(await ExecuteAsync(await functions.UserAggregates(Request(HttpMethods.Get), "u1")), 404, "Not found.", "No event of user 'u1' has been applied.");

        await functions.ProcessEvents(Message("batch-a", Sample()), 1, CancellationToken.None);

        var found = await ExecuteAsync(await functions.UserAggregates(Request(HttpMethods.Get), "u1"));
        Assert.Equal(200, found.Status);
        AssertJson(SampleAggregatesOfU1, found.Json);

        var bad = await ExecuteAsync(await functions.UserAggregates(Request(HttpMethods.Get), " u1"));
        Assert.Equal(400, bad.Status);
        AssertJson("""{ "userId": [ "userId must not start or end with whitespace." ] }""", bad.Json!["errors"]);
    }

    [Fact]
    public async Task VideoStatistics_is_404_before_any_event_and_hand_computed_after()
    {
        var functions = Functions();
        AssertProblem(await ExecuteAsync(await functions.VideoStatistics(Request(HttpMethods.Get), "v02")), 404, "Not found.", "No event about video 'v02' has been applied.");

        // v02 has no known duration: no completions. Views: 12.25 s at 12:03 and 40 s at 11:45 (hour 11: weight 2^(-1/24)).
        await functions.ProcessEvents(Message("batch-s", [.. Sample(), Event("x0", "u3", InteractionType.Watch, "v02", -15, seconds: 40), Event("x1", "u3", InteractionType.Impression, "v02", -14)]), 1, CancellationToken.None);

        var statistics = await ExecuteAsync(await functions.VideoStatistics(Request(HttpMethods.Get), "v02"));
        Assert.Equal(200, statistics.Status);
        var trending = Math.Round(1 + Math.Pow(2, -1.0 / 24), 6);
        AssertJson($$"""
            {
              "videoId": "v02", "impressions": 1, "clicks": 0, "views": 2, "likes": 1, "dislikes": 0, "shares": 0, "comments": 0,
              "totalWatchSeconds": 52.25, "completions": 0, "clickThroughRate": 0, "completionRate": 0, "trendingScore": {{trending.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}}
            }
            """, statistics.Json);
    }

    [Fact]
    public async Task DeleteUser_is_204_then_404()
    {
        var functions = Functions();
        await functions.ProcessEvents(Message("batch-d", Sample()), 1, CancellationToken.None);
        Assert.Equal(201, (await ExecuteAsync(await functions.UpsertUser(Request(HttpMethods.Put, "{\"age\":30}"), "u1"))).Status);

        var deleted = await ExecuteAsync(await functions.DeleteUser(Request(HttpMethods.Delete), "u1"));

        Assert.Equal(204, deleted.Status);
        Assert.Equal("", deleted.Text);
        Assert.Null(await _store.GetUserAggregatesAsync("u1", CancellationToken.None));
        Assert.Null(await _store.GetUserAsync("u1", CancellationToken.None));
        Assert.Empty(await _store.GetUserEventsAsync("u1", CancellationToken.None));
        Assert.NotNull(await _store.GetUserAggregatesAsync("u2", CancellationToken.None));
        AssertProblem(await ExecuteAsync(await functions.UserAggregates(Request(HttpMethods.Get), "u1")), 404, "Not found.", "No event of user 'u1' has been applied.");

        AssertProblem(await ExecuteAsync(await functions.DeleteUser(Request(HttpMethods.Delete), "u1")), 404, "Not found.", "User 'u1' has no stored data.");
    }
}
