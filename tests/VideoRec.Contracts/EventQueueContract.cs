using VideoRec.Core.Domain;
using VideoRec.Core.Ingestion;

namespace VideoRec.Contracts;

/// <summary>
/// The behaviour every durable event queue owes the ingestion path (<see cref="IEventQueue"/>,
/// <see cref="IEventQueueSource"/>, <see cref="IPoisonSink"/>), as facts that run once per implementation. Batches
/// here are small, so each is one message. Ordering is not part of the interfaces, so nothing here asserts it.
/// </summary>
public abstract class EventQueueContract
{
    /// <summary>The lease used throughout.</summary>
    protected static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    private static readonly DateTimeOffset Start = new(2025, 6, 2, 10, 0, 0, TimeSpan.Zero);

    /// <summary>The clock the queue under test must use for leases (xunit makes a new one per test).</summary>
    protected ManualClock Clock { get; } = new(Start);

    /// <summary>A new, empty queue on <see cref="Clock"/>.</summary>
    protected abstract QueueUnderTest CreateQueue();

    /// <summary>Lets <paramref name="by"/> pass for the queue (moves <see cref="Clock"/>).</summary>
    protected virtual Task AdvanceAsync(TimeSpan by)
    {
        Clock.Advance(by);
        return Task.CompletedTask;
    }

    private static CancellationToken None => CancellationToken.None;

    [Fact]
    public async Task Receive_EmptyQueue_ReturnsNothing()
    {
        var queue = CreateQueue();

        Assert.Empty(await queue.ReceiveAsync(10, Lease, None));
        Assert.Equal(0, await queue.CountAsync());
    }

    [Fact]
    public async Task Enqueue_ThenReceive_HandsOutTheBatchWithDequeueCountOne()
    {
        var queue = CreateQueue();
        var batch = Batch("b1", 3);

        await queue.EnqueueAsync(batch, None);

        Assert.Equal(1, await queue.CountAsync());
        var message = Assert.Single(await queue.ReceiveAsync(10, Lease, None));
        Assert.False(string.IsNullOrEmpty(message.MessageId));
        Assert.Equal(1, message.DequeueCount);
        Assert.Equal(EventBatchCodec.Serialize(batch), EventBatchCodec.Serialize(EventBatchCodec.Deserialize(message.Payload)));
        Assert.Equal(batch.Events, EventBatchCodec.Deserialize(message.Payload).Events);
    }

    [Fact]
    public async Task Receive_HidesTheMessageUntilItsLeaseEnds_ThenHandsItOutAgainCounted()
    {
        var queue = CreateQueue();
        await queue.EnqueueAsync(Batch("b1", 1), None);
        var first = Assert.Single(await queue.ReceiveAsync(10, Lease, None));

        Assert.Empty(await queue.ReceiveAsync(10, Lease, None));
        await AdvanceAsync(Lease / 2);
        Assert.Empty(await queue.ReceiveAsync(10, Lease, None));
        Assert.Equal(1, await queue.CountAsync()); // leased messages still count as waiting

        await AdvanceAsync(Lease / 2 + TimeSpan.FromSeconds(1));
        var second = Assert.Single(await queue.ReceiveAsync(10, Lease, None));
        Assert.Equal(first.MessageId, second.MessageId);
        Assert.Equal(first.Payload, second.Payload);
        Assert.Equal(2, second.DequeueCount);

        await AdvanceAsync(Lease + TimeSpan.FromSeconds(1));
        Assert.Equal(3, Assert.Single(await queue.ReceiveAsync(10, Lease, None)).DequeueCount);
    }

    [Fact]
    public async Task Complete_RemovesTheMessageForGood()
    {
        var queue = CreateQueue();
        await queue.EnqueueAsync(Batch("b1", 2), None);
        var message = Assert.Single(await queue.ReceiveAsync(10, Lease, None));

        await queue.CompleteAsync(message, None);

        Assert.Equal(0, await queue.CountAsync());
        await AdvanceAsync(Lease * 2);
        Assert.Empty(await queue.ReceiveAsync(10, Lease, None));
        Assert.Empty(await queue.PoisonedAsync());
    }

    [Fact]
    public async Task Release_MakesTheMessageVisibleAgainAtOnce()
    {
        var queue = CreateQueue();
        await queue.EnqueueAsync(Batch("b1", 2), None);
        var first = Assert.Single(await queue.ReceiveAsync(10, Lease, None));

        await queue.ReleaseAsync(first, "TimeoutException: the store timed out", None);

        var second = Assert.Single(await queue.ReceiveAsync(10, Lease, None));
        Assert.Equal(first.MessageId, second.MessageId);
        Assert.Equal(first.Payload, second.Payload);
        Assert.Equal(2, second.DequeueCount);
        Assert.Equal(1, await queue.CountAsync());
    }

    [Fact]
    public async Task Poison_MovesTheMessageToThePoisonQueueWithItsReason()
    {
        var queue = CreateQueue();
        await queue.EnqueueAsync(Batch("keep", 1), None);
        await queue.EnqueueAsync(Batch("bad", 1), None);
        var messages = await queue.ReceiveAsync(10, Lease, None);
        var bad = Assert.Single(messages, m => EventBatchCodec.Deserialize(m.Payload).BatchId == "bad");
        var keep = Assert.Single(messages, m => EventBatchCodec.Deserialize(m.Payload).BatchId == "keep");

        await queue.PoisonAsync(bad, "The payload is not an event batch.", None);
        await queue.ReleaseAsync(keep, "later", None);

        Assert.Equal([new PoisonEntry(bad.Payload, "The payload is not an event batch.")], await queue.PoisonedAsync());
        Assert.Equal(1, await queue.CountAsync());
        await AdvanceAsync(Lease * 2);
        Assert.Equal("keep", EventBatchCodec.Deserialize(Assert.Single(await queue.ReceiveAsync(10, Lease, None)).Payload).BatchId);
    }

    [Fact]
    public async Task Poison_AfterReleases_KeepsTheReasonFirst()
    {
        var queue = CreateQueue();
        await queue.EnqueueAsync(Batch("b1", 1), None);
        await queue.ReleaseAsync(Assert.Single(await queue.ReceiveAsync(10, Lease, None)), "IOException: disk full", None);
        var message = Assert.Single(await queue.ReceiveAsync(10, Lease, None));

        await queue.PoisonAsync(message, "Failed 1 deliveries.", None);

        var entry = Assert.Single(await queue.PoisonedAsync());
        Assert.Equal(message.Payload, entry.Payload);
        Assert.StartsWith("Failed 1 deliveries.", entry.Reason, StringComparison.Ordinal);
        Assert.Equal(0, await queue.CountAsync());
    }

    [Fact]
    public async Task PoisonSink_RecordsPayloadAndReason_WithoutTouchingTheQueue()
    {
        var queue = CreateQueue();
        await queue.EnqueueAsync(Batch("b1", 1), None);
        var single = EventBatchCodec.Serialize(Batch("b0:e1", 1));

        await queue.AddAsync(single, "ArgumentException: bad event", None);
        await queue.AddAsync("second", "reason 2", None);

        Assert.Equal([new PoisonEntry(single, "ArgumentException: bad event"), new PoisonEntry("second", "reason 2")], await queue.PoisonedAsync());
        Assert.Equal(1, await queue.CountAsync());
    }

    [Fact]
    public async Task Receive_HandsOutAtMostMax_AndEachMessageToOneConsumerAtATime()
    {
        var queue = CreateQueue();
        foreach (var id in new[] { "b1", "b2", "b3", "b4", "b5" })
        {
            await queue.EnqueueAsync(Batch(id, 1), None);
        }

        var first = await queue.ReceiveAsync(2, Lease, None);
        var second = await queue.ReceiveAsync(2, Lease, None);
        var third = await queue.ReceiveAsync(10, Lease, None);

        Assert.Equal(2, first.Count);
        Assert.Equal(2, second.Count);
        Assert.Single(third);
        Assert.Empty(await queue.ReceiveAsync(10, Lease, None));
        var all = first.Concat(second).Concat(third).ToArray();
        Assert.Equal(["b1", "b2", "b3", "b4", "b5"], all.Select(m => EventBatchCodec.Deserialize(m.Payload).BatchId).Order(StringComparer.Ordinal));
        Assert.Equal(5, all.Select(m => m.MessageId).Distinct(StringComparer.Ordinal).Count());
        Assert.All(all, m => Assert.Equal(1, m.DequeueCount));
    }

    [Fact]
    public async Task EveryEnqueuedBatch_IsDeliveredUntilCompleted()
    {
        var queue = CreateQueue();
        var ids = Enumerable.Range(0, 25).Select(i => $"batch-{i:D2}").ToArray();
        foreach (var id in ids)
        {
            await queue.EnqueueAsync(Batch(id, 2), None);
        }

        // Complete some, release some, abandon the rest (lease runs out): in the end each is completed exactly once.
        var completed = new List<string>();
        for (var round = 0; round < 40 && completed.Count < ids.Length; round++)
        {
            foreach (var (message, i) in (await queue.ReceiveAsync(7, Lease, None)).Select((m, i) => (m, i)))
            {
                switch ((i + round) % 3)
                {
                    case 0:
                        await queue.CompleteAsync(message, None);
                        completed.Add(EventBatchCodec.Deserialize(message.Payload).BatchId);
                        break;
                    case 1:
                        await queue.ReleaseAsync(message, "retry", None);
                        break;
                }
            }

            await AdvanceAsync(Lease + TimeSpan.FromSeconds(1));
        }

        Assert.Equal(ids, completed.Order(StringComparer.Ordinal));
        Assert.Equal(0, await queue.CountAsync());
        Assert.Empty(await queue.PoisonedAsync());
    }

    /// <summary>A batch of <paramref name="events"/> watch events with ids derived from <paramref name="id"/>.</summary>
    protected static EventBatch Batch(string id, int events) => new(id, Start, Enumerable.Range(0, events)
        .Select(i => new IngestEvent($"{id}-e{i}", "u" + i, "v" + i, InteractionType.Watch, Start.AddMinutes(-i)) { Seconds = 10 + i, Device = "web" })
        .ToArray());
}
