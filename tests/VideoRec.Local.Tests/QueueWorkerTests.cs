using VideoRec.Contracts;
using VideoRec.Core.Domain;
using VideoRec.Core.Ingestion;
using VideoRec.Local.Sqlite;
using VideoRec.Local.Tests.Support;

namespace VideoRec.Local.Tests;

/// <summary>
/// <see cref="QueueWorker"/> and <see cref="EventBatchProcessor"/> over the SQLite queue and store: what is completed,
/// released, retried and poisoned, and with which reason. Failures are injected with <see cref="FaultyStore"/>.
/// </summary>
public sealed class QueueWorkerTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2025, 6, 2, 10, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _directory = new();
    private readonly ManualClock _clock = new(T0);
    private readonly string _path;
    private readonly SqliteEventQueue _queue;
    private readonly SqliteFeatureStore _store;

    public QueueWorkerTests()
    {
        _path = _directory.File("worker.db");
        var database = new SqliteDatabase(_path);
        _queue = new SqliteEventQueue(database, _clock);
        _store = new SqliteFeatureStore(database);
    }

    public void Dispose() => _directory.Dispose();

    private static CancellationToken None => CancellationToken.None;

    [Fact]
    public async Task MalformedPayloads_GoStraightToPoisonWithTheParseReason_OthersAreApplied()
    {
        var store = new FaultyStore(_store, (_, _) => null);
        const string noEvents = """{"batchId":"b1","acceptedAt":"2025-06-02T10:00:00+00:00"}""";
        const string notJson = "this is not JSON";
        var good = Batch("good", Watch("e1", "u1", "v1", T0, 10));
        var unknownField = EventBatchCodec.Serialize(good).Replace("\"batchId\":\"good\"", "\"batchId\":\"newer\",\"priority\":1", StringComparison.Ordinal);
        EnqueueRaw(noEvents);
        EnqueueRaw(notJson);
        EnqueueRaw(unknownField);
        await _queue.EnqueueAsync(good, None);

        Assert.Equal(4, await Worker(store).DrainOnceAsync(10, None));

        Assert.Equal(0, _queue.Count());
        var poisoned = _queue.Poisoned();
        Assert.Equal([noEvents, notJson, unknownField], poisoned.Select(p => p.Payload));
        Assert.Equal("The queue message is not an event batch: batchId, events, eventId and userId are required.", poisoned[0].Reason);
        // The JSON reader's own words (System.Text.Json of .NET 10).
        Assert.Equal("The queue message is not an event batch: 'this is not JSON' is an invalid JSON literal. Expected the literal 'true'. Path: $ | LineNumber: 0 | BytePositionInLine: 1.",
            poisoned[1].Reason);
        Assert.Equal("The queue message is not an event batch: The JSON property 'priority' could not be mapped to any .NET member contained in type 'VideoRec.Core.Ingestion.EventBatch'.",
            poisoned[2].Reason);
        // Only the good batch reached the store, on its first delivery.
        Assert.Equal([["e1"]], store.Calls);
        Assert.Equal([good.Events[0]], await _store.GetUserEventsAsync("u1", None));
    }

    [Fact]
    public async Task BatchFailingOnDelivery_IsReleasedAndRetried_UntilItLands()
    {
        var store = new FaultyStore(_store, (_, call) => call < 2 ? new TimeoutException("the store timed out") : null);
        var batch = Batch("b1", Watch("e1", "u1", "v1", T0, 10));
        await _queue.EnqueueAsync(batch, None);
        var worker = Worker(store);

        Assert.Equal(1, await worker.DrainOnceAsync(10, None));
        Assert.Equal(1, _queue.Count());
        Assert.Equal("TimeoutException: the store timed out", LastError());
        Assert.Equal(1, await worker.DrainOnceAsync(10, None)); // released: visible again at once
        Assert.Equal(1, _queue.Count());
        Assert.Equal(1, await worker.DrainOnceAsync(10, None));

        Assert.Equal(0, _queue.Count());
        Assert.Empty(_queue.Poisoned());
        Assert.Equal([["e1"], ["e1"], ["e1"]], store.Calls);
        Assert.Equal(batch.Events, await _store.GetUserEventsAsync("u1", None));
        Assert.Equal(1, (await _store.GetUserAggregatesAsync("u1", None))!.Counts["watch"]);
    }

    [Fact]
    public async Task BatchThatKeepsFailing_GoesToPoisonAfterMaxDeliveryAttempts_WithTheLastError()
    {
        var store = new FaultyStore(_store, (_, call) => new StoreUnavailableException($"database is locked (attempt {call + 1})"));
        var batch = Batch("b1", Watch("e1", "u1", "v1", T0, 10), Simple("e2", "u2", "v1", InteractionType.Like, T0), Watch("e3", "u3", "v2", T0, 20));
        await _queue.EnqueueAsync(batch, None);
        var worker = Worker(store, maxDeliveryAttempts: 3);

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            Assert.Equal(1, await worker.DrainOnceAsync(10, None));
            Assert.Equal(1, _queue.Count());
            Assert.Empty(_queue.Poisoned());
            Assert.Equal($"StoreUnavailableException: database is locked (attempt {attempt})", LastError());
        }

        Assert.Equal(1, await worker.DrainOnceAsync(10, None)); // the 4th delivery is not attempted

        Assert.Equal(0, _queue.Count());
        Assert.Equal(
            [(EventBatchCodec.Serialize(batch), "Failed 3 deliveries (the last error is recorded on the message). Last error: StoreUnavailableException: database is locked (attempt 3)")],
            _queue.Poisoned());
        Assert.Equal([["e1", "e2", "e3"], ["e1", "e2", "e3"], ["e1", "e2", "e3"]], store.Calls); // never split
        foreach (var user in new[] { "u1", "u2", "u3" })
        {
            Assert.Empty(await _store.GetUserEventsAsync(user, None));
        }
    }

    [Fact]
    public async Task SingleEventThatKeepsFailing_GoesToPoisonAfterMaxDeliveryAttempts_WithTheLastError()
    {
        var store = new FaultyStore(_store, (_, _) => new InvalidOperationException("cannot apply"));
        var batch = Batch("b1", Watch("e1", "u1", "v1", T0, 10));
        await _queue.EnqueueAsync(batch, None);
        var worker = Worker(store, maxDeliveryAttempts: 2);

        Assert.Equal(1, await worker.DrainOnceAsync(10, None));
        Assert.Equal(1, await worker.DrainOnceAsync(10, None));
        Assert.Empty(_queue.Poisoned());
        Assert.Equal(1, await worker.DrainOnceAsync(10, None));

        Assert.Equal(
            [(EventBatchCodec.Serialize(batch), "Failed 2 deliveries (the last error is recorded on the message). Last error: InvalidOperationException: cannot apply")],
            _queue.Poisoned());
        Assert.Equal(0, _queue.Count());
        Assert.Equal(2, store.Calls.Count);
    }

    [Fact]
    public async Task EventThatFailsOnItsOwn_GoesToPoisonWithItsReason_TheRestOfTheBatchLands()
    {
        var store = new FaultyStore(_store, (events, _) => events.Any(e => e.EventId == "e2") ? new ArgumentException("event e2 is corrupt") : null);
        var e1 = Watch("e1", "u1", "v1", T0, 10);
        var e2 = Simple("e2", "u1", "v1", InteractionType.Like, T0.AddMinutes(1));
        var e3 = Simple("e3", "u2", "v1", InteractionType.Share, T0.AddMinutes(2));
        var batch = Batch("b1", e1, e2, e3);
        await _queue.EnqueueAsync(batch, None);

        Assert.Equal(1, await Worker(store).DrainOnceAsync(10, None));

        Assert.Equal(0, _queue.Count()); // completed on its first delivery
        Assert.Equal([(EventBatchCodec.Serialize(batch with { BatchId = "b1:e2", Events = [e2] }), "ArgumentException: event e2 is corrupt")], _queue.Poisoned());
        Assert.Equal([["e1", "e2", "e3"], ["e1"], ["e2"], ["e3"]], store.Calls);
        Assert.Equal([e1], await _store.GetUserEventsAsync("u1", None));
        Assert.Equal([e3], await _store.GetUserEventsAsync("u2", None));
        var statistics = await _store.GetVideoStatisticsAsync("v1", None);
        Assert.Equal((1, 0, 1), (statistics!.Views, statistics.Likes, statistics.Shares));
    }

    [Fact]
    public async Task StoreUnavailable_ReleasesTheMessageWithoutSplitting_ThenTheWholeBatchLands()
    {
        var store = new FaultyStore(_store, (_, call) => call == 0 ? new StoreUnavailableException("database is locked") : null);
        var batch = Batch("b1", Watch("e1", "u1", "v1", T0, 10), Simple("e2", "u1", "v1", InteractionType.Like, T0.AddMinutes(1)));
        await _queue.EnqueueAsync(batch, None);
        var worker = Worker(store);

        Assert.Equal(1, await worker.DrainOnceAsync(10, None));

        Assert.Equal([["e1", "e2"]], store.Calls);
        Assert.Equal(1, _queue.Count());
        Assert.Empty(_queue.Poisoned());
        Assert.Empty(await _store.GetUserEventsAsync("u1", None));
        Assert.Equal("StoreUnavailableException: database is locked", LastError());

        Assert.Equal(1, await worker.DrainOnceAsync(10, None));

        Assert.Equal([["e1", "e2"], ["e1", "e2"]], store.Calls);
        Assert.Equal(0, _queue.Count());
        Assert.Equal(batch.Events, await _store.GetUserEventsAsync("u1", None));
    }

    [Fact]
    public async Task MessageAppliedButNotCompleted_IsDeliveredAgainAfterItsLease_AndChangesNothing()
    {
        var e1 = Watch("e1", "u1", "v1", T0, 10);
        var e2 = Simple("e2", "u1", "v1", InteractionType.Like, T0.AddMinutes(1));
        await _queue.EnqueueAsync(Batch("b1", e1, e2), None);
        var rules = new IngestionRules(new IngestionOptions(), new RecordingRefresher(RecordingRefresher.FeedbackSummary));
        // A consumer applies the batch and dies before completing it.
        var taken = Assert.Single(await _queue.ReceiveAsync(10, TimeSpan.FromMinutes(5), None));
        await new EventBatchProcessor(_store, rules, _queue).ProcessAsync(EventBatchCodec.Deserialize(taken.Payload), None);
        var before = await SnapshotAsync();

        Assert.Equal(0, await Worker(_store).DrainOnceAsync(10, None)); // still leased
        _clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await Worker(_store).DrainOnceAsync(10, None));

        Assert.Equal(0, _queue.Count());
        Assert.Empty(_queue.Poisoned());
        Assert.Equal(before, await SnapshotAsync());
    }

    private QueueWorker Worker(IFeatureStore store, int maxDeliveryAttempts = 5)
    {
        var options = new IngestionOptions { MaxDeliveryAttempts = maxDeliveryAttempts };
        return new QueueWorker(_queue, new EventBatchProcessor(store, new IngestionRules(options, null), _queue), options);
    }

    private void EnqueueRaw(string payload) => SqliteFile.Execute(_path,
        "INSERT INTO queue(batch_id, payload, enqueued_ticks, visible_ticks, dequeue_count) VALUES ('raw', $payload, 0, 0, 0);", ("$payload", payload));

    private string? LastError()
    {
        using var connection = SqliteFile.Open(_path, readOnly: true);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT last_error FROM queue;";
        return command.ExecuteScalar() as string;
    }

    private async Task<string> SnapshotAsync() => string.Join('\n',
        FeatureStoreJson(await _store.GetUserAggregatesAsync("u1", None)),
        FeatureStoreJson(await _store.GetUserEventsAsync("u1", None)),
        FeatureStoreJson(await _store.GetUserVectorAsync("u1", None)),
        FeatureStoreJson(await _store.GetVideoStatisticsAsync("v1", None)));

    private static string FeatureStoreJson<T>(T value) => System.Text.Json.JsonSerializer.Serialize(value);

    private static EventBatch Batch(string id, params IngestEvent[] events) => new(id, T0, events);

    private static IngestEvent Watch(string id, string user, string video, DateTimeOffset at, double seconds) =>
        new(id, user, video, InteractionType.Watch, at) { Seconds = seconds };

    private static IngestEvent Simple(string id, string user, string video, InteractionType type, DateTimeOffset at) => new(id, user, video, type, at);

    /// <summary>
    /// A store that records the event ids of every apply and throws what <c>fault(events, callIndex)</c> returns, if
    /// anything, before the inner store sees the call.
    /// </summary>
    private sealed class FaultyStore(IFeatureStore inner, Func<IReadOnlyList<IngestEvent>, int, Exception?> fault) : IFeatureStore
    {
        private readonly List<string[]> _calls = [];

        public IReadOnlyList<string[]> Calls => _calls;

        public Task<ApplyResult> ApplyAsync(IReadOnlyList<IngestEvent> events, IngestionRules rules, CancellationToken cancellationToken)
        {
            var call = _calls.Count;
            _calls.Add(events.Select(e => e.EventId).ToArray());
            return fault(events, call) is { } exception ? throw exception : inner.ApplyAsync(events, rules, cancellationToken);
        }

        public Task<UserAggregates?> GetUserAggregatesAsync(string userId, CancellationToken cancellationToken) => inner.GetUserAggregatesAsync(userId, cancellationToken);

        public Task<IReadOnlyList<IngestEvent>> GetUserEventsAsync(string userId, CancellationToken cancellationToken) => inner.GetUserEventsAsync(userId, cancellationToken);

        public Task<UserVector?> GetUserVectorAsync(string userId, CancellationToken cancellationToken) => inner.GetUserVectorAsync(userId, cancellationToken);

        public Task<VideoStatistics?> GetVideoStatisticsAsync(string videoId, CancellationToken cancellationToken) => inner.GetVideoStatisticsAsync(videoId, cancellationToken);

        public Task<UpsertOutcome> UpsertVideoAsync(Video video, CancellationToken cancellationToken) => inner.UpsertVideoAsync(video, cancellationToken);

        public Task<Video?> GetVideoAsync(string videoId, CancellationToken cancellationToken) => inner.GetVideoAsync(videoId, cancellationToken);

        public Task<IReadOnlyDictionary<string, double>> GetVideoDurationsAsync(IReadOnlyCollection<string> videoIds, CancellationToken cancellationToken) =>
            inner.GetVideoDurationsAsync(videoIds, cancellationToken);

        public Task<UpsertOutcome> UpsertUserAsync(UserProfile profile, CancellationToken cancellationToken) => inner.UpsertUserAsync(profile, cancellationToken);

        public Task<UserProfile?> GetUserAsync(string userId, CancellationToken cancellationToken) => inner.GetUserAsync(userId, cancellationToken);

        public Task<bool> DeleteUserAsync(string userId, DateTimeOffset deletedAt, CancellationToken cancellationToken) =>
            inner.DeleteUserAsync(userId, deletedAt, cancellationToken);

        public Task<int> RefreshVectorsAsync(IUserVectorRefresher refresher, int maxUsers, CancellationToken cancellationToken) =>
            inner.RefreshVectorsAsync(refresher, maxUsers, cancellationToken);

        public Task<UserServingState> GetServingStateAsync(string userId, CancellationToken cancellationToken) =>
            inner.GetServingStateAsync(userId, cancellationToken);
    }
}
