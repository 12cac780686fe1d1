using System.Text;
using VideoRec.Azure.Queues;
using VideoRec.Azure.Tests.Support;
using VideoRec.Contracts;
using VideoRec.Core.Domain;
using VideoRec.Core.Ingestion;
using CoreQueueMessage = VideoRec.Core.Ingestion.QueueMessage;

namespace VideoRec.Azure.Tests.Queues;

/// <summary>The Storage queue adapter against Azurite's real queue service.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class StorageQueueEventQueueTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static CancellationToken None => CancellationToken.None;

    private static EventBatch Batch(string id, int events) => new(id, TestEvents.T0, Enumerable.Range(0, events)
        .Select(i => new IngestEvent($"{id}-e{i}", "u" + i, "v" + i, InteractionType.Watch, TestEvents.T0.AddMinutes(-i)) { Seconds = 10 + i, Device = "web" })
        .ToArray());

    [Fact]
    public async Task Enqueue_ThenReceive_ReturnsTheBatchAsOneBase64Message()
    {
        var harness = new QueueHarness(azurite, "roundtrip");
        var batch = Batch("b1", 3) with { Events = [.. Batch("b1", 3).Events, new IngestEvent("b1-s", "u9", null, InteractionType.Search, TestEvents.T0) { Text = "café \"quoted\" ✓" }] };

        await harness.Queue.EnqueueAsync(batch, None);

        Assert.Equal(1, await harness.CountAsync());
        // On the wire the text is Base64 of the UTF-8 JSON, as the Functions queue trigger expects by default.
        var raw = new global::Azure.Storage.Queues.QueueClient(azurite.ConnectionString, harness.Options.QueueName);
        var peeked = Assert.Single((await raw.PeekMessagesAsync(1)).Value);
        Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes(EventBatchCodec.Serialize(batch))), peeked.Body.ToString());

        var message = Assert.Single(await harness.Queue.ReceiveAsync(10, Lease, None));
        Assert.Equal(EventBatchCodec.Serialize(batch), message.Payload);
        Assert.Equal(batch.Events, EventBatchCodec.Deserialize(message.Payload).Events);
        Assert.Equal(1, message.DequeueCount);
        var receipt = Assert.IsType<StorageQueueReceipt>(message.Receipt);
        Assert.Equal(message.MessageId, receipt.MessageId);
        Assert.False(string.IsNullOrEmpty(receipt.PopReceipt));
    }

    [Fact]
    public async Task Receive_EmptyQueue_ReturnsNothing_AndAtMost32PerCall()
    {
        var harness = new QueueHarness(azurite, "receivemax");
        Assert.Empty(await harness.Queue.ReceiveAsync(10, Lease, None));

        for (var i = 0; i < 35; i++)
        {
            await harness.Queue.EnqueueAsync(Batch($"b{i:D2}", 1), None);
        }

        var first = await harness.Queue.ReceiveAsync(100, Lease, None);
        var second = await harness.Queue.ReceiveAsync(100, Lease, None);

        Assert.Equal(32, first.Count);
        Assert.Equal(3, second.Count);
        Assert.Equal(Enumerable.Range(0, 35).Select(i => $"b{i:D2}"),
            first.Concat(second).Select(m => EventBatchCodec.Deserialize(m.Payload).BatchId).Order(StringComparer.Ordinal));
        Assert.Empty(await harness.Queue.ReceiveAsync(10, Lease, None));
    }

    [Fact]
    public async Task Enqueue_BatchOver64KiB_IsSplitIntoSeveralMessages_EveryEventComesBackOnce()
    {
        var harness = new QueueHarness(azurite, "split");
        var events = TestEvents.Random(seed: 7, count: 1000, users: 40, videos: 60, textLength: 40);
        var batch = new EventBatch("big", TestEvents.T0, events);
        var whole = Encoding.UTF8.GetByteCount(EventBatchCodec.Serialize(batch));
        Assert.True(whole > 64 * 1024, $"The batch is only {whole} bytes.");
        var expectedParts = EventBatchCodec.Split(batch, 48 * 1024);
        Assert.True(expectedParts.Count >= 3, $"Only {expectedParts.Count} parts.");

        await harness.Queue.EnqueueAsync(batch, None);

        Assert.Equal(expectedParts.Count, await harness.CountAsync());
        var messages = new List<CoreQueueMessage>();
        for (var received = await harness.Queue.ReceiveAsync(32, Lease, None); received.Count > 0; received = await harness.Queue.ReceiveAsync(32, Lease, None))
        {
            messages.AddRange(received);
        }

        Assert.Equal(expectedParts.Count, messages.Count);
        Assert.All(messages, m => Assert.True(Encoding.UTF8.GetByteCount(m.Payload) <= 48 * 1024));
        var parts = messages.Select(m => EventBatchCodec.Deserialize(m.Payload)).OrderBy(p => int.Parse(p.BatchId["big-".Length..], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(expectedParts.Select(p => p.BatchId), parts.Select(p => p.BatchId));
        Assert.Equal(events, parts.SelectMany(p => p.Events));
    }

    [Fact]
    public async Task Complete_RemovesTheMessage()
    {
        var harness = new QueueHarness(azurite, "complete");
        await harness.Queue.EnqueueAsync(Batch("b1", 2), None);
        await harness.Queue.EnqueueAsync(Batch("b2", 2), None);
        var messages = await harness.Queue.ReceiveAsync(10, Lease, None);
        var b1 = Assert.Single(messages, m => EventBatchCodec.Deserialize(m.Payload).BatchId == "b1");

        await harness.Queue.CompleteAsync(b1, None);

        Assert.Equal(1, await harness.CountAsync());
        await harness.Queue.ReleaseAsync(messages.Single(m => m != b1), "look again", None);
        var left = Assert.Single(await harness.Queue.ReceiveAsync(10, Lease, None));
        Assert.Equal("b2", EventBatchCodec.Deserialize(left.Payload).BatchId);
        Assert.Empty(await harness.PoisonedAsync());
    }

    [Fact]
    public async Task Release_MakesTheMessageVisibleAgain_WithDequeueCountTwo()
    {
        var harness = new QueueHarness(azurite, "release");
        await harness.Queue.EnqueueAsync(Batch("b1", 2), None);
        var first = Assert.Single(await harness.Queue.ReceiveAsync(10, Lease, None));
        Assert.Empty(await harness.Queue.ReceiveAsync(10, Lease, None));

        await harness.Queue.ReleaseAsync(first, "TimeoutException: the store timed out", None);

        var second = Assert.Single(await harness.Queue.ReceiveAsync(10, Lease, None));
        Assert.Equal(first.MessageId, second.MessageId);
        Assert.Equal(first.Payload, second.Payload);
        Assert.Equal(2, second.DequeueCount);
        Assert.Equal(1, await harness.CountAsync());
    }

    [Fact]
    public async Task LeaseExpiry_RedeliversTheMessage_AndTheOldReceiptCompletesNothing()
    {
        var harness = new QueueHarness(azurite, "lease");
        await harness.Queue.EnqueueAsync(Batch("b1", 1), None);
        var first = Assert.Single(await harness.Queue.ReceiveAsync(10, TimeSpan.FromSeconds(1), None));

        // Nobody completes it: once the lease runs out it is handed out again, counted.
        var again = await Eventually.UntilAsync(() => harness.Queue.ReceiveAsync(10, Lease, None), r => r.Count > 0, Patience, "the lease to expire");
        var second = Assert.Single(again);
        Assert.Equal(first.MessageId, second.MessageId);
        Assert.Equal(first.Payload, second.Payload);
        Assert.Equal(2, second.DequeueCount);

        await harness.Queue.CompleteAsync(first, None);        // stale receipt: no effect
        await harness.Queue.ReleaseAsync(first, "late", None);  // stale receipt: no effect
        Assert.Equal(1, await harness.CountAsync());
        Assert.Empty(await harness.Queue.ReceiveAsync(10, Lease, None)); // still leased to the second consumer

        await harness.Queue.CompleteAsync(second, None);
        Assert.Equal(0, await harness.CountAsync());
    }

    [Fact]
    public async Task Poison_MovesTheMessageToThePoisonQueue_WithTheReasonAndTheLastError()
    {
        var clock = new ManualClock(new DateTimeOffset(2025, 6, 3, 8, 30, 0, TimeSpan.Zero));
        var harness = new QueueHarness(azurite, "poison", clock);
        await harness.Queue.EnqueueAsync(Batch("keep", 1), None);
        await harness.Queue.EnqueueAsync(Batch("bad", 1), None);
        var received = await harness.Queue.ReceiveAsync(10, Lease, None);
        var bad = Assert.Single(received, m => EventBatchCodec.Deserialize(m.Payload).BatchId == "bad");
        await harness.Queue.ReleaseAsync(received.Single(m => m != bad), "keep for later", None);
        await harness.Queue.ReleaseAsync(bad, "IOException: disk full", None);
        var again = Assert.Single(await harness.Queue.ReceiveAsync(10, Lease, None), m => m.MessageId == bad.MessageId);
        await harness.Queue.ReleaseAsync(again, "InvalidOperationException: boom", None);
        var third = await Eventually.UntilAsync(
            async () => (await harness.Queue.ReceiveAsync(10, Lease, None)).SingleOrDefault(m => m.MessageId == bad.MessageId), m => m is not null, Patience, "the bad message");

        await harness.Queue.PoisonAsync(third!, "Failed 2 deliveries.", None);

        var entry = Assert.Single(await harness.PoisonedAsync());
        Assert.Equal("Failed 2 deliveries. Last error: InvalidOperationException: boom", entry.Reason);
        Assert.Equal(bad.Payload, entry.Payload);
        Assert.Equal(clock.GetUtcNow(), entry.FailedAt);
        Assert.Equal(1, await harness.CountAsync()); // "keep" is still there
        var raw = Assert.Single((await harness.Poison.PeekMessagesAsync(1)).Value).Body.ToString();
        Assert.Equal(
            $$"""{"reason":"Failed 2 deliveries. Last error: InvalidOperationException: boom","payload":{{System.Text.Json.JsonSerializer.Serialize(bad.Payload)}},"failedAt":"2025-06-03T08:30:00+00:00"}""",
            raw);
    }

    [Fact]
    public async Task Poison_WithoutEarlierFailures_KeepsTheReasonAsGiven()
    {
        var harness = new QueueHarness(azurite, "poisonplain");
        await harness.Queue.EnqueueAsync(Batch("b1", 1), None);
        var message = Assert.Single(await harness.Queue.ReceiveAsync(10, Lease, None));

        await harness.Queue.PoisonAsync(message, "The queue message is not an event batch.", None);

        var entry = Assert.Single(await harness.PoisonedAsync());
        Assert.Equal("The queue message is not an event batch.", entry.Reason);
        Assert.Equal(message.Payload, entry.Payload);
        Assert.Equal(0, await harness.CountAsync());
    }

    [Fact]
    public async Task PoisonSink_SendsTheEnvelope_WithoutTouchingTheEventQueue()
    {
        var harness = new QueueHarness(azurite, "sink");
        await harness.Queue.EnqueueAsync(Batch("b1", 1), None);
        var single = EventBatchCodec.Serialize(Batch("b0:e1", 1));

        await harness.Queue.AddAsync(single, "ArgumentException: bad event", None);
        await harness.Queue.AddAsync("second", "reason 2", None);

        var entries = await harness.PoisonedAsync();
        Assert.Equal([(single, "ArgumentException: bad event"), ("second", "reason 2")], entries.Select(e => (e.Payload, e.Reason)));
        Assert.Equal(1, await harness.CountAsync());
    }

    [Fact]
    public async Task Poison_PayloadTooLargeForAnEnvelope_TravelsCompressed_AndReadsBackWhole()
    {
        var harness = new QueueHarness(azurite, "poisonbig");
        // A 48 KiB payload of quotes doubles when escaped in JSON: far over a message once in the envelope.
        var payload = new string('"', 48 * 1024);

        await harness.Queue.AddAsync(payload, "FormatException: not a batch", None);

        var raw = Assert.Single((await harness.Poison.PeekMessagesAsync(1)).Value).Body.ToString();
        Assert.Contains("\"payloadGzip\":", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("\"payload\":", raw, StringComparison.Ordinal);
        var entry = Assert.Single(await harness.PoisonedAsync());
        Assert.Equal(payload, entry.Payload);
        Assert.Equal("FormatException: not a batch", entry.Reason);
    }

    [Fact]
    public async Task TwoConsumers_NeverBothCompleteTheSameMessage()
    {
        var harness = new QueueHarness(azurite, "consumers");
        var a = harness.Queue;
        var b = new StorageQueueEventQueue(azurite.Service(), harness.Options); // another process's adapter
        await a.EnqueueAsync(Batch("b1", 1), None);

        var byA = Assert.Single(await a.ReceiveAsync(10, TimeSpan.FromSeconds(1), None));
        Assert.Empty(await b.ReceiveAsync(10, Lease, None)); // hidden from B while A's lease lasts
        var byB = Assert.Single(await Eventually.UntilAsync(() => b.ReceiveAsync(10, Lease, None), r => r.Count > 0, Patience, "A's lease to expire"));
        Assert.Equal(byA.MessageId, byB.MessageId);

        // A wakes up late: its complete, release and poison all do nothing (B holds the message now).
        await a.CompleteAsync(byA, None);
        await a.ReleaseAsync(byA, "late", None);
        await a.PoisonAsync(byA, "late poison", None);
        Assert.Equal(1, await harness.CountAsync());
        Assert.Empty(await harness.PoisonedAsync());
        Assert.Empty(await a.ReceiveAsync(10, Lease, None)); // still B's

        await b.CompleteAsync(byB, None);
        Assert.Equal(0, await harness.CountAsync());

        // Completing again with either receipt is a no-op, not a crash.
        await b.CompleteAsync(byB, None);
        await a.CompleteAsync(byA, None);
        Assert.Equal(0, await harness.CountAsync());
    }

    [Fact]
    public async Task Complete_WithAMessageFromAnotherQueue_IsRefusedClearly()
    {
        var harness = new QueueHarness(azurite, "foreign");
        var foreign = new CoreQueueMessage("1", "{}", 1, Receipt: 42L);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => harness.Queue.CompleteAsync(foreign, None));

        Assert.StartsWith("The message was not received from a StorageQueueEventQueue (its receipt is Int64).", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableService_AfterRetries_IsStoreUnavailable()
    {
        // Nothing listens on a port we just closed; the SDK's connection errors are transient and retried, then reported.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var connection = $"DefaultEndpointsProtocol=http;AccountName={AzuriteFixture.AccountName};AccountKey={AzuriteFixture.AccountKey};QueueEndpoint=http://127.0.0.1:{port}/{AzuriteFixture.AccountName};";
        var queue = new StorageQueueEventQueue(StorageQueueEventQueue.CreateServiceClient(connection),
            new StorageQueueOptions { QueueName = "unreachable", MaxRetryAttempts = 2, RetryDelay = TimeSpan.FromMilliseconds(10) });

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => queue.EnqueueAsync(Batch("b1", 1), None));

        Assert.StartsWith("Azure Storage queue 'unreachable' (create queues) is unavailable:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientError_IsNotRetried_AndNotStoreUnavailable()
    {
        // An invalid queue name is a 400 from the service: a caller's error, surfaced at once as the SDK's exception.
        var queue = new StorageQueueEventQueue(azurite.Service(), new StorageQueueOptions { QueueName = "Invalid_Name", MaxRetryAttempts = 3 });

        var error = await Assert.ThrowsAsync<global::Azure.RequestFailedException>(() => queue.EnqueueAsync(Batch("b1", 1), None));

        Assert.Equal(400, error.Status);
    }
}
