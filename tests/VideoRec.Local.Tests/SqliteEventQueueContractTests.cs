using VideoRec.Contracts;
using VideoRec.Core.Ingestion;
using VideoRec.Local.Sqlite;
using VideoRec.Local.Tests.Support;

namespace VideoRec.Local.Tests;

/// <summary>
/// The event-queue contract against <see cref="SqliteEventQueue"/>, plus what the SQLite queue promises beyond it
/// (receipts that go stale, the last error on poison) or does by construction (FIFO by insertion, survival of a reopen).
/// </summary>
public sealed class SqliteEventQueueContractTests : EventQueueContract, IDisposable
{
    private readonly TempDirectory _directory = new();

    protected override QueueUnderTest CreateQueue() => Wrap(new SqliteEventQueue(new SqliteDatabase(_directory.File(Guid.NewGuid().ToString("N") + ".db")), Clock));

    public void Dispose() => _directory.Dispose();

    private static QueueUnderTest Wrap(SqliteEventQueue queue) =>
        QueueUnderTest.Of(queue, q => q.Count(), q => q.Poisoned().Select(p => new PoisonEntry(p.Payload, p.Reason)));

    private static CancellationToken None => CancellationToken.None;

    [Fact]
    public async Task Receive_HandsOutVisibleMessagesInEnqueueOrder()
    {
        // Not promised by IEventQueueSource; the SQLite queue orders by its insertion sequence (ORDER BY seq).
        var queue = CreateQueue();
        var ids = Enumerable.Range(0, 12).Select(i => $"b{(i * 7) % 12:D2}").ToArray(); // not sorted
        foreach (var id in ids)
        {
            await queue.EnqueueAsync(Batch(id, 1), None);
        }

        var first = await queue.ReceiveAsync(5, Lease, None);
        await queue.ReleaseAsync(first[1], "retry", None); // released: visible again in its original place
        var rest = await queue.ReceiveAsync(20, Lease, None);

        Assert.Equal(ids[..5], first.Select(BatchId));
        Assert.Equal([ids[1], .. ids[5..]], rest.Select(BatchId));
    }

    [Fact]
    public async Task StaleReceipt_AfterTheLeaseEndedAndAnotherConsumerTookTheMessage_CannotCompleteOrReleaseIt()
    {
        var queue = CreateQueue();
        await queue.EnqueueAsync(Batch("b1", 1), None);
        var stale = Assert.Single(await queue.ReceiveAsync(1, Lease, None));
        await AdvanceAsync(Lease + TimeSpan.FromSeconds(1));
        var current = Assert.Single(await queue.ReceiveAsync(1, Lease, None));

        await queue.CompleteAsync(stale, None);
        await queue.ReleaseAsync(stale, "too late", None);

        Assert.Equal(1, await queue.CountAsync());
        Assert.Empty(await queue.ReceiveAsync(1, Lease, None)); // still leased to the current consumer
        await queue.CompleteAsync(current, None);
        Assert.Equal(0, await queue.CountAsync());
    }

    [Fact]
    public async Task Poison_AfterAFailedDelivery_AppendsTheLastError()
    {
        var queue = CreateQueue();
        await queue.EnqueueAsync(Batch("b1", 1), None);
        await queue.ReleaseAsync(Assert.Single(await queue.ReceiveAsync(1, Lease, None)), "IOException: disk full", None);
        await queue.ReleaseAsync(Assert.Single(await queue.ReceiveAsync(1, Lease, None)), "TimeoutException: slow", None);
        var message = Assert.Single(await queue.ReceiveAsync(1, Lease, None));

        await queue.PoisonAsync(message, "Failed 2 deliveries.", None);

        Assert.Equal([new PoisonEntry(message.Payload, "Failed 2 deliveries. Last error: TimeoutException: slow")], await queue.PoisonedAsync());
    }

    [Fact]
    public async Task EnqueuedBatch_SurvivesDisposingEverythingAndReopeningTheFile()
    {
        var path = _directory.File("durable.db");
        var batch = Batch("durable", 4);
        await Wrap(new SqliteEventQueue(new SqliteDatabase(path), Clock)).EnqueueAsync(batch, None);
        _directory.ClearPools();

        var reopened = Wrap(new SqliteEventQueue(new SqliteDatabase(path), Clock));

        Assert.Equal(1, await reopened.CountAsync());
        var message = Assert.Single(await reopened.ReceiveAsync(10, Lease, None));
        Assert.Equal(1, message.DequeueCount);
        Assert.Equal(EventBatchCodec.Serialize(batch), message.Payload);
    }

    private static string BatchId(QueueMessage message) => EventBatchCodec.Deserialize(message.Payload).BatchId;
}
