using System.Text;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using VideoRec.Azure.Queues;
using VideoRec.Azure.Tests.Support;
using VideoRec.Contracts;
using VideoRec.Core.Embeddings;
using VideoRec.Core.Ingestion;
using CoreQueueMessage = VideoRec.Core.Ingestion.QueueMessage;

namespace VideoRec.Azure.Tests.Queues;

/// <summary>The embedding refresh queue on Azurite's real queue service.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class StorageQueueEmbeddingRefreshQueueTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static CancellationToken None => CancellationToken.None;

    /// <summary>The refresh queue on fresh queues, with <see cref="QueueHarness"/>'s raw clients and counts over the same names.</summary>
    private sealed class Harness
    {
        private readonly QueueHarness _queues;

        public Harness(AzuriteFixture azurite, string prefix, TimeProvider? time = null)
        {
            _queues = new QueueHarness(azurite, prefix, time);
            Queue = new StorageQueueEmbeddingRefreshQueue(azurite.Service(), Options, time);
        }

        public StorageQueueOptions Options => _queues.Options;

        public StorageQueueEmbeddingRefreshQueue Queue { get; }

        public Task<int> CountAsync() => _queues.CountAsync();

        public Task<IReadOnlyList<PoisonEnvelope>> PoisonedAsync() => _queues.PoisonedAsync();

        public async Task<List<CoreQueueMessage>> ReceiveAllAsync()
        {
            var messages = new List<CoreQueueMessage>();
            for (var received = await Queue.ReceiveAsync(32, Lease, None); received.Count > 0; received = await Queue.ReceiveAsync(32, Lease, None))
            {
                messages.AddRange(received);
            }

            return messages;
        }
    }

    [Fact]
    public async Task Enqueue_ThenReceive_ThePayloadDeserialisesToTheSameRequest_AsBase64Json()
    {
        var harness = new Harness(azurite, "refresh-roundtrip");
        var request = new EmbeddingRefreshRequest(["v1", "vidéo \"q\"", "ビデオ"], ["u1"]);

        await harness.Queue.EnqueueAsync(request, None);

        // On the wire the text is Base64 of the UTF-8 JSON, as the Functions queue trigger expects by default.
        var wire = new QueueClient(azurite.ConnectionString, harness.Options.QueueName);
        var peeked = Assert.Single((await wire.PeekMessagesAsync(1)).Value);
        Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes(request.Serialize())), peeked.Body.ToString());
        var message = Assert.Single(await harness.Queue.ReceiveAsync(10, Lease, None));
        var back = EmbeddingRefreshRequest.Deserialize(message.Payload);
        Assert.Equal(request.VideoIds, back.VideoIds);
        Assert.Equal(request.UserIds, back.UserIds);
        Assert.Equal(1, message.DequeueCount);
        Assert.IsType<StorageQueueReceipt>(message.Receipt);

        await harness.Queue.CompleteAsync(message, None);
        Assert.Equal(0, await harness.CountAsync());
    }

    [Fact]
    public async Task Enqueue_EmptyRequest_SendsNothing()
    {
        var harness = new Harness(azurite, "refresh-empty");

        await harness.Queue.EnqueueAsync(new EmbeddingRefreshRequest([], []), None);

        Assert.Empty(await harness.Queue.ReceiveAsync(10, Lease, None));
    }

    [Fact]
    public async Task Enqueue_LargeRequest_IsSplitIntoSeveralMessages_WhoseMergeIsTheOriginal()
    {
        var harness = new Harness(azurite, "refresh-split");
        var videos = Enumerable.Range(0, 5000).Select(i => $"video-{i:D6}-{new string((char)('a' + i % 26), 27)}").ToList();
        Assert.All(videos, v => Assert.Equal(40, v.Length));
        var users = Enumerable.Range(0, 300).Select(i => $"user-{i}").ToList();
        var request = new EmbeddingRefreshRequest(videos, users);
        Assert.True(Encoding.UTF8.GetByteCount(request.Serialize()) > 64 * 1024);

        await harness.Queue.EnqueueAsync(request, None);

        var messages = await harness.ReceiveAllAsync();
        Assert.InRange(messages.Count, 5, 6); // ~215 KB in parts of at most 48 KiB, packed
        Assert.All(messages, m => Assert.InRange(Encoding.UTF8.GetByteCount(m.Payload), 1, harness.Options.MaxPayloadBytes));
        var parts = messages.Select(m => EmbeddingRefreshRequest.Deserialize(m.Payload)).ToList();
        var merged = EmbeddingRefreshRequest.Merge(parts);
        Assert.Equal(videos.Order(StringComparer.Ordinal), merged.VideoIds.Order(StringComparer.Ordinal));
        Assert.Equal(users.Order(StringComparer.Ordinal), merged.UserIds.Order(StringComparer.Ordinal));
        Assert.Equal(videos.Count + users.Count, parts.Sum(p => p.VideoIds.Count + p.UserIds.Count)); // each id once
    }

    [Fact]
    public async Task Poison_GoesToThePoisonQueue_WithItsReasonAndTheLastError()
    {
        var clock = new ManualClock(new DateTimeOffset(2025, 6, 3, 8, 30, 0, TimeSpan.Zero));
        var harness = new Harness(azurite, "refresh-poison", clock);
        await harness.Queue.EnqueueAsync(EmbeddingRefreshRequest.ForUsers("u1"), None);
        var first = Assert.Single(await harness.Queue.ReceiveAsync(10, Lease, None));
        await harness.Queue.ReleaseAsync(first, "StoreUnavailableException: Cosmos DB is unavailable", None);
        var second = Assert.Single(await harness.Queue.ReceiveAsync(10, Lease, None));
        Assert.Equal(2, second.DequeueCount);

        await harness.Queue.PoisonAsync(second, "Failed 1 deliveries.", None);

        var entry = Assert.Single(await harness.PoisonedAsync());
        Assert.Equal("Failed 1 deliveries. Last error: StoreUnavailableException: Cosmos DB is unavailable", entry.Reason);
        Assert.Equal(first.Payload, entry.Payload);
        Assert.Equal(clock.GetUtcNow(), entry.FailedAt);
        Assert.Equal(0, await harness.CountAsync());
        Assert.Equal(harness.Options.PoisonQueueName, harness.Queue.PoisonQueueName);
    }

    [Fact]
    public async Task StaleReceipt_CannotComplete_ReleaseOrPoison()
    {
        var harness = new Harness(azurite, "refresh-stale");
        await harness.Queue.EnqueueAsync(EmbeddingRefreshRequest.ForVideos("v1"), None);
        var first = Assert.Single(await harness.Queue.ReceiveAsync(10, TimeSpan.FromSeconds(1), None));
        var second = Assert.Single(await Eventually.UntilAsync(() => harness.Queue.ReceiveAsync(10, Lease, None), r => r.Count > 0, Patience, "the lease to expire"));
        Assert.Equal(first.MessageId, second.MessageId);

        await harness.Queue.CompleteAsync(first, None);
        await harness.Queue.ReleaseAsync(first, "late", None);
        await harness.Queue.PoisonAsync(first, "late poison", None);

        Assert.Equal(1, await harness.CountAsync());
        Assert.Empty(await harness.PoisonedAsync());
        Assert.Empty(await harness.Queue.ReceiveAsync(10, Lease, None)); // still leased to the second consumer
        await harness.Queue.CompleteAsync(second, None);
        Assert.Equal(0, await harness.CountAsync());
    }

    [Fact]
    public async Task RefreshAndEventQueues_OnOneAccount_AreSeparate()
    {
        var events = new QueueHarness(azurite, "refresh-sep-events");
        var refresh = new Harness(azurite, "refresh-sep");

        await refresh.Queue.EnqueueAsync(EmbeddingRefreshRequest.ForVideos("v1"), None);

        Assert.Empty(await events.Queue.ReceiveAsync(10, Lease, None));
        Assert.Single(await refresh.Queue.ReceiveAsync(10, Lease, None));
    }

    [Fact]
    public async Task Registration_GivesTheRefreshQueue_WithoutTakingTheEventQueuesSource()
    {
        var refreshOptions = AzuriteFixture.UniqueOptions("refresh-di");
        var services = new ServiceCollection()
            .AddStorageQueue(azurite.ConnectionString, options: AzuriteFixture.UniqueOptions("refresh-di-events"))
            .AddStorageEmbeddingRefreshQueue(azurite.ConnectionString, options: refreshOptions);
        using var provider = new DescriptorServiceProvider(services);

        var queue = provider.GetRequiredService<StorageQueueEmbeddingRefreshQueue>();
        Assert.Same(queue, provider.GetRequiredService<IEmbeddingRefreshQueue>());
        Assert.Same(queue, provider.GetRequiredKeyedService<IEventQueueSource>(AzureEmbeddingStoreServiceCollectionExtensions.EmbeddingRefreshQueueKey));
        Assert.Same(queue, provider.GetRequiredKeyedService<IPoisonSink>(AzureEmbeddingStoreServiceCollectionExtensions.EmbeddingRefreshQueueKey));
        Assert.IsType<StorageQueueEventQueue>(provider.GetRequiredService<IEventQueueSource>());
        Assert.IsType<StorageQueueEventQueue>(provider.GetRequiredService<IPoisonSink>());
        Assert.Equal(refreshOptions.QueueName, queue.QueueName);

        await queue.EnqueueAsync(EmbeddingRefreshRequest.ForUsers("u1"), None);
        var message = Assert.Single(await provider.GetRequiredKeyedService<IEventQueueSource>(AzureEmbeddingStoreServiceCollectionExtensions.EmbeddingRefreshQueueKey)
            .ReceiveAsync(10, Lease, None));
        Assert.Equal(["u1"], EmbeddingRefreshRequest.Deserialize(message.Payload).UserIds);
    }
}

/// <summary>The refresh queue's splitting, defaults and guards (no service needed).</summary>
public sealed class StorageQueueEmbeddingRefreshQueueSplitTests
{
    [Fact]
    public void Split_ARequestThatFits_IsItself()
    {
        var request = new EmbeddingRefreshRequest(["v1"], ["u1"]);

        Assert.Same(request, Assert.Single(StorageQueueEmbeddingRefreshQueue.Split(request, 1024)));
    }

    [Fact]
    public void Split_PacksIdsInOrder_EachPartFits_AndTheConcatenationIsTheOriginal()
    {
        // Escaped characters (quotes, non-ASCII as \uXXXX) count as the serializer writes them.
        var videos = Enumerable.Range(0, 400).Select(i => $"v{i}-\"é\"-ビ").ToList();
        var users = Enumerable.Range(0, 90).Select(i => $"u{i}").ToList();
        var request = new EmbeddingRefreshRequest(videos, users);

        var parts = StorageQueueEmbeddingRefreshQueue.Split(request, 1024);

        Assert.True(parts.Count > 5);
        Assert.All(parts, p => Assert.InRange(Encoding.UTF8.GetByteCount(p.Serialize()), 1, 1024));
        Assert.Equal(videos, parts.SelectMany(p => p.VideoIds));
        Assert.Equal(users, parts.SelectMany(p => p.UserIds));
        // Packed: every part but the last is too full to take the next id.
        for (var i = 0; i < parts.Count - 1; i++)
        {
            var next = parts[i + 1].VideoIds.Count > 0 ? parts[i + 1].VideoIds[0] : parts[i + 1].UserIds[0];
            var grown = parts[i + 1].VideoIds.Count > 0
                ? parts[i] with { VideoIds = [.. parts[i].VideoIds, next] }
                : parts[i] with { UserIds = [.. parts[i].UserIds, next] };
            Assert.True(Encoding.UTF8.GetByteCount(grown.Serialize()) > 1024, $"Part {i} could have taken '{next}'.");
        }
    }

    [Fact]
    public void Split_AnIdTooLongForAnyMessage_IsRefused()
    {
        var request = EmbeddingRefreshRequest.ForVideos(new string('x', 2000), "v2");

        Assert.Throws<ArgumentException>(() => StorageQueueEmbeddingRefreshQueue.Split(request, 1024));
    }

    [Fact]
    public void Defaults_AreTheirOwnQueues_AndTheEventQueuesNamesAreRefused()
    {
        var service = StorageMessageQueue.CreateServiceClient($"DefaultEndpointsProtocol=http;AccountName={AzuriteFixture.AccountName};AccountKey={AzuriteFixture.AccountKey};QueueEndpoint=http://127.0.0.1:1/{AzuriteFixture.AccountName};");

        var queue = new StorageQueueEmbeddingRefreshQueue(service);

        Assert.Equal(("embedding-refresh", "embedding-refresh-poison"), (queue.QueueName, queue.PoisonQueueName));
        Assert.Throws<ArgumentException>(() => new StorageQueueEmbeddingRefreshQueue(service, new StorageQueueOptions()));
        Assert.Throws<ArgumentException>(() => new StorageQueueEmbeddingRefreshQueue(service, StorageQueueEmbeddingRefreshQueue.DefaultOptions with { PoisonQueueName = "events-poison" }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StorageQueueEmbeddingRefreshQueue(service, StorageQueueEmbeddingRefreshQueue.DefaultOptions with { MaxPayloadBytes = 100 }));
    }

    [Fact]
    public async Task Complete_WithAMessageFromElsewhere_NamesThisQueueType()
    {
        var service = StorageMessageQueue.CreateServiceClient($"DefaultEndpointsProtocol=http;AccountName={AzuriteFixture.AccountName};AccountKey={AzuriteFixture.AccountKey};QueueEndpoint=http://127.0.0.1:1/{AzuriteFixture.AccountName};");
        var queue = new StorageQueueEmbeddingRefreshQueue(service);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => queue.CompleteAsync(new CoreQueueMessage("1", "{}", 1, Receipt: 42L), CancellationToken.None));

        Assert.StartsWith("The message was not received from a StorageQueueEmbeddingRefreshQueue (its receipt is Int64).", error.Message, StringComparison.Ordinal);
    }
}
