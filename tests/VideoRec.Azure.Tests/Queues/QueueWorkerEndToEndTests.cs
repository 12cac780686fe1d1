using System.Text;
using VideoRec.Azure.Tests.Support;
using VideoRec.Contracts;
using VideoRec.Core.Domain;
using VideoRec.Core.Ingestion;
using VideoRec.Local.Sqlite;

namespace VideoRec.Azure.Tests.Queues;

/// <summary>
/// The ingestion path with a real Storage queue: batches enqueued to Azurite, drained by Core's <see cref="QueueWorker"/>
/// (which refreshes the marked vectors after each round) into a SQLite feature store, end exactly as the same events
/// applied directly and refreshed once.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class QueueWorkerEndToEndTests(AzuriteFixture azurite)
{
    private static CancellationToken None => CancellationToken.None;

    [Fact]
    public async Task EnqueuedBatches_DrainedByTheQueueWorker_EndAsTheSameEventsAppliedDirectly()
    {
        using var temp = new TempDirectory();
        var harness = new QueueHarness(azurite, "e2e");
        var events = TestEvents.Random(seed: 20250602, count: 1500, users: 25, videos: 30, textLength: 30);
        var users = events.Select(e => e.UserId).Distinct().Order(StringComparer.Ordinal).ToArray();
        var videos = Enumerable.Range(0, 30).Select(i => $"v{i}").ToArray();
        var big = new EventBatch("big", TestEvents.T0.AddDays(4), events.Take(1000).ToArray());
        Assert.True(Encoding.UTF8.GetByteCount(EventBatchCodec.Serialize(big)) > 64 * 1024);
        var small = TestEvents.Batches(seed: 3, events.Skip(1000).ToArray(), maxSize: 60);

        var viaQueue = await NewStoreAsync(temp.File("via-queue.db"), videos);
        var direct = await NewStoreAsync(temp.File("direct.db"), videos);
        var queueRefresher = new RecordingRefresher(RecordingRefresher.FeedbackSummary);
        var directRefresher = new RecordingRefresher(RecordingRefresher.FeedbackSummary);
        var options = new IngestionOptions { RecentListLength = 5, TrendingWindowHours = 24, MaxDeliveryAttempts = 3 };

        await harness.Queue.EnqueueAsync(big, None);
        foreach (var batch in small)
        {
            await harness.Queue.EnqueueAsync(batch, None);
        }

        await harness.Queue.EnqueueAsync(small[2], None); // a client retry: delivered twice
        await harness.Events.SendMessageAsync("this is not an event batch"); // a stranger's message, Base64 like ours
        var messages = EventBatchCodec.Split(big, harness.Options.MaxPayloadBytes).Count + small.Count + 2;
        Assert.Equal(messages, await harness.CountAsync());

        var processor = new EventBatchProcessor(viaQueue, new IngestionRules(options, queueRefresher), harness.Queue);
        var worker = new QueueWorker(harness.Queue, processor, options)
        {
            Lease = TimeSpan.FromSeconds(30),
        };
        var handled = 0;
        await Eventually.UntilAsync(async () =>
        {
            handled += await worker.DrainOnceAsync(32, None);
            return await harness.CountAsync();
        }, count => count == 0, TimeSpan.FromMinutes(2), "the worker to drain the queue");
        await processor.RefreshVectorsAsync(None); // stored vectors are refreshed when the worker goes quiet
        await direct.ApplyAsync(events, new IngestionRules(options, directRefresher), None);
        await direct.RefreshVectorsAsync(directRefresher, int.MaxValue, None);

        Assert.Equal(messages, handled);
        var expected = await StoreSnapshot.TakeAsync(direct, users, videos);
        Assert.Equal(expected, await StoreSnapshot.TakeAsync(viaQueue, users, videos));
        Assert.Contains("summary-1", expected, StringComparison.Ordinal);
        Assert.Equal(1500, (await Task.WhenAll(users.Select(u => viaQueue.GetUserEventsAsync(u, None)))).Sum(e => e.Count));
        var poisoned = Assert.Single(await harness.PoisonedAsync());
        Assert.Equal("this is not an event batch", poisoned.Payload);
        Assert.StartsWith("The queue message is not an event batch: ", poisoned.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailingStore_ReleasesUntilTheAttemptsAreSpent_ThenPoisonsWithTheLastError()
    {
        var harness = new QueueHarness(azurite, "e2efail");
        var options = new IngestionOptions { MaxDeliveryAttempts = 2 };
        var store = new FailingStore();
        var worker = new QueueWorker(harness.Queue, new EventBatchProcessor(store, new IngestionRules(options, null), harness.Queue), options);
        var batch = new EventBatch("b1", TestEvents.T0, [new IngestEvent("e1", "u1", "v1", InteractionType.Like, TestEvents.T0)]);
        await harness.Queue.EnqueueAsync(batch, None);

        // Deliveries 1 and 2 fail and release; delivery 3 is over the limit: poisoned with the last error.
        await Eventually.UntilAsync(async () =>
        {
            await worker.DrainOnceAsync(32, None);
            return await harness.CountAsync();
        }, count => count == 0, TimeSpan.FromMinutes(1), "the message to be poisoned");

        Assert.Equal(2, store.Calls);
        var entry = Assert.Single(await harness.PoisonedAsync());
        Assert.Equal(EventBatchCodec.Serialize(batch), entry.Payload);
        Assert.Equal("Failed 2 deliveries (the last error is recorded on the message). Last error: StoreUnavailableException: the store is down", entry.Reason);
    }

    private static async Task<SqliteFeatureStore> NewStoreAsync(string path, string[] videos)
    {
        var store = new SqliteFeatureStore(new SqliteDatabase(path));
        for (var i = 0; i < videos.Length; i++)
        {
            await store.UpsertVideoAsync(new Video(videos[i], "Video " + i) { DurationSeconds = i % 3 == 0 ? null : 60 * (i + 1) }, None);
        }

        return store;
    }

    /// <summary>A store that is always unavailable.</summary>
    private sealed class FailingStore : IFeatureStore
    {
        public int Calls { get; private set; }

        public Task<ApplyResult> ApplyAsync(IReadOnlyList<IngestEvent> events, IngestionRules rules, CancellationToken cancellationToken)
        {
            Calls++;
            throw new StoreUnavailableException("the store is down");
        }

        public Task<UserAggregates?> GetUserAggregatesAsync(string userId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<IngestEvent>> GetUserEventsAsync(string userId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<UserVector?> GetUserVectorAsync(string userId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<VideoStatistics?> GetVideoStatisticsAsync(string videoId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<UpsertOutcome> UpsertVideoAsync(Video video, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<Video?> GetVideoAsync(string videoId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyDictionary<string, double>> GetVideoDurationsAsync(IReadOnlyCollection<string> videoIds, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<UpsertOutcome> UpsertUserAsync(UserProfile profile, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<UserProfile?> GetUserAsync(string userId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> DeleteUserAsync(string userId, DateTimeOffset deletedAt, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<int> RefreshVectorsAsync(IUserVectorRefresher refresher, int maxUsers, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<UserServingState> GetServingStateAsync(string userId, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
