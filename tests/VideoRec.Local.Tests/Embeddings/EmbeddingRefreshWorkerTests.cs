using VideoRec.Contracts;
using VideoRec.Core.Domain;
using VideoRec.Core.Embeddings;
using VideoRec.Core.Ingestion;
using VideoRec.Local.Sqlite;
using VideoRec.Local.Tests.Support;

namespace VideoRec.Local.Tests.Embeddings;

/// <summary>The refresh queue end to end: producers (event processing, video upserts), the worker, poison and retries.</summary>
public sealed class EmbeddingRefreshWorkerTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2025, 6, 2, 10, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _directory = new();
    private readonly ManualClock _clock = new(T0.AddHours(1));
    private readonly SqliteFeatureStore _features;
    private readonly SqliteEmbeddingStore _embeddings;
    private readonly SqliteEmbeddingRefreshQueue _queue;
    private readonly SqliteEventQueue _events;
    private readonly HashingGenerator _generator = new();

    public EmbeddingRefreshWorkerTests()
    {
        var database = new SqliteDatabase(_directory.File("w.db"));
        _features = new SqliteFeatureStore(database);
        _embeddings = new SqliteEmbeddingStore(database);
        _queue = new SqliteEmbeddingRefreshQueue(database, _clock);
        _events = new SqliteEventQueue(database, _clock);
    }

    private static CancellationToken None => CancellationToken.None;

    private EmbeddingRefreshWorker Worker(EmbeddingOptions? options = null) =>
        new(_queue, new EmbeddingRefreshHandler(_features, _embeddings, _generator, options), options ?? new EmbeddingOptions());

    private EventBatchProcessor Processor() => new(_features, new IngestionRules(new IngestionOptions(), null), _events, embeddingRefresh: _queue);

    private static IngestEvent Search(string id, string user, int minute, string query) => new(id, user, null, InteractionType.Search, T0.AddMinutes(minute)) { Text = query };

    [Fact]
    public async Task ABatch_QueuesItsSearchersOnce_AndARedeliveryQueuesThemAgain()
    {
        var batch = new EventBatch("b1", T0, [
            Search("e1", "u1", 1, "cats"), Search("e2", "u1", 2, "dogs"), Search("e3", "u2", 3, "birds"),
            new IngestEvent("e4", "u3", "v1", InteractionType.Click, T0),
        ]);

        await Processor().ProcessAsync(batch, None);
        await Processor().ProcessAsync(batch, None); // redelivered after a crash: duplicates, but the refresh is queued again

        var messages = await _queue.ReceiveAsync(10, TimeSpan.FromMinutes(1), None);
        Assert.Equal(2, messages.Count);
        Assert.All(messages, m => Assert.Equal("""{"videoIds":[],"userIds":["u1","u2"]}""", m.Payload));
    }

    [Fact]
    public async Task ABatchWithoutSearches_QueuesNothing()
    {
        await Processor().ProcessAsync(new EventBatch("b1", T0, [new IngestEvent("e1", "u1", "v1", InteractionType.Like, T0)]), None);

        Assert.Equal(0, _queue.Count());
    }

    [Fact]
    public async Task Worker_MergesMessages_RefreshesEachUserOnce_AndCompletesThem()
    {
        await _features.ApplyAsync([Search("e1", "u1", 1, "cats"), Search("e2", "u2", 2, "dogs")], new IngestionRules(new IngestionOptions(), null), None);
        await _features.UpsertVideoAsync(new Video("v1", "Cats") { Tags = ["pets"] }, None);
        await _queue.EnqueueAsync(EmbeddingRefreshRequest.ForUsers("u1"), None);
        await _queue.EnqueueAsync(EmbeddingRefreshRequest.ForUsers("u1", "u2"), None);
        await _queue.EnqueueAsync(EmbeddingRefreshRequest.ForVideos("v1"), None);

        var result = await Worker().DrainAsync(None);

        Assert.Equal(new EmbeddingRefreshResult(TextsEmbedded: 2, UsersUpdated: 2, QueriesEmbedded: 2), result);
        Assert.Equal(2, _generator.Calls); // one merged refresh: one model call for the video texts, one for the queries of both users
        Assert.Equal(["Cats", "cats", "dogs", "pets"], _generator.Seen.Order(StringComparer.Ordinal));
        Assert.Equal(0, _queue.Count());
    }

    [Fact]
    public async Task AnUnreadableMessage_IsPoisoned_AndTheOthersStillComplete()
    {
        await _features.UpsertVideoAsync(new Video("v1", "Title"), None);
        await _queue.EnqueueAsync(EmbeddingRefreshRequest.ForVideos("v1"), None);
        var database = new SqliteDatabase(_directory.File("w.db"));
        database.InTransaction((connection, transaction) =>
        {
            using var insert = SqliteDatabase.Command(connection, "INSERT INTO embedding_queue(batch_id, payload, enqueued_ticks, visible_ticks) VALUES ('x', 'not json', 0, 0);");
            insert.Transaction = transaction;
            return insert.ExecuteNonQuery();
        });

        var result = await Worker().DrainAsync(None);

        Assert.Equal(2, result.TextsEmbedded);
        var (payload, reason) = Assert.Single(_queue.Poisoned());
        Assert.Equal("not json", payload);
        Assert.StartsWith("Not an embedding refresh message:", reason, StringComparison.Ordinal);
        Assert.Equal(0, _queue.Count());
    }

    [Fact]
    public async Task AFailingRefresh_IsReleased_AndPoisonedAfterTheLastAttempt()
    {
        await _features.UpsertVideoAsync(new Video("v1", "Title"), None);
        await _queue.EnqueueAsync(EmbeddingRefreshRequest.ForVideos("v1"), None);
        _generator.Failure = new TimeoutException("model timed out");
        var worker = Worker(new EmbeddingOptions { MaxDeliveryAttempts = 2 });

        for (var attempt = 1; attempt <= 2; attempt++)
        {
            Assert.Equal(1, (await worker.DrainOnceAsync(10, None)).Messages);
            Assert.Equal(1, _queue.Count()); // released: visible again at once
        }

        Assert.Equal(1, (await worker.DrainOnceAsync(10, None)).Messages);
        var (_, reason) = Assert.Single(_queue.Poisoned());
        Assert.Equal("Failed 2 deliveries (the last error is recorded on the message). Last error: TimeoutException: model timed out", reason);
        Assert.Null(await _embeddings.GetVideoEmbeddingAsync("v1", VideoTextField.Title, None));
    }

    [Fact]
    public async Task AMergedFailure_FallsBackToOneByOne_SoOnlyTheBadMessageIsReleased()
    {
        await _features.UpsertVideoAsync(new Video("good", "Fine title"), None);
        await _features.UpsertVideoAsync(new Video("bad", "poison pill"), None);
        await _queue.EnqueueAsync(EmbeddingRefreshRequest.ForVideos("good"), None);
        await _queue.EnqueueAsync(EmbeddingRefreshRequest.ForVideos("bad"), None);
        var failing = new FailingOnText("poison pill", _generator);
        var worker = new EmbeddingRefreshWorker(_queue, new EmbeddingRefreshHandler(_features, _embeddings, failing), new EmbeddingOptions());

        var (messages, result) = await worker.DrainOnceAsync(10, None);

        Assert.Equal(2, messages);
        Assert.Equal(2, result.TextsEmbedded); // "good": title and (empty) tags
        Assert.NotNull(await _embeddings.GetVideoEmbeddingAsync("good", VideoTextField.Title, None));
        Assert.Null(await _embeddings.GetVideoEmbeddingAsync("bad", VideoTextField.Title, None));
        var left = Assert.Single(await _queue.ReceiveAsync(10, TimeSpan.FromMinutes(1), None));
        Assert.Equal("""{"videoIds":["bad"],"userIds":[]}""", left.Payload);
    }

    public void Dispose() => _directory.Dispose();

    /// <summary>Fails any call that includes <paramref name="text"/>; otherwise delegates.</summary>
    private sealed class FailingOnText(string text, HashingGenerator inner) : Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>
    {
        public Task<Microsoft.Extensions.AI.GeneratedEmbeddings<Microsoft.Extensions.AI.Embedding<float>>> GenerateAsync(IEnumerable<string> values, Microsoft.Extensions.AI.EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            var list = values.ToList();
            return list.Contains(text) ? throw new InvalidOperationException("cannot embed that") : inner.GenerateAsync(list, options, cancellationToken);
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => inner.GetService(serviceType, serviceKey);

        public void Dispose()
        {
        }
    }
}
