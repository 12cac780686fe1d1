using Azure.Storage.Queues;
using VideoRec.Azure.Queues;

namespace VideoRec.Azure.Tests.Support;

/// <summary>A <see cref="StorageQueueEventQueue"/> on fresh queues in Azurite, with raw clients to look inside them.</summary>
public sealed class QueueHarness
{
    public QueueHarness(AzuriteFixture azurite, string prefix, TimeProvider? time = null, Func<StorageQueueOptions, StorageQueueOptions>? configure = null)
    {
        var service = azurite.Service();
        Options = (configure ?? (o => o))(AzuriteFixture.UniqueOptions(prefix));
        Queue = new StorageQueueEventQueue(service, Options, time);
        Events = service.GetQueueClient(Options.QueueName);
        Poison = service.GetQueueClient(Options.PoisonQueueName);
    }

    public StorageQueueOptions Options { get; }

    public StorageQueueEventQueue Queue { get; }

    /// <summary>The event queue, as the SDK sees it (Base64 messages).</summary>
    public QueueClient Events { get; }

    /// <summary>The poison queue.</summary>
    public QueueClient Poison { get; }

    /// <summary>Messages in the event queue, visible or leased.</summary>
    public async Task<int> CountAsync() => (await Events.GetPropertiesAsync()).Value.ApproximateMessagesCount;

    /// <summary>The poison envelopes, oldest first (up to 32).</summary>
    public async Task<IReadOnlyList<PoisonEnvelope>> PoisonedAsync()
    {
        if (!(await Poison.ExistsAsync()).Value)
        {
            return [];
        }

        var peeked = await Poison.PeekMessagesAsync(32);
        return peeked.Value.Select(m => PoisonEnvelope.Parse(m.Body.ToString())).ToArray();
    }
}
