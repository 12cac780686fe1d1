using Azure.Storage.Queues;
using VideoRec.Core.Ingestion;

namespace VideoRec.Azure.Queues;

/// <summary>What a <see cref="StorageMessageQueue"/> needs to complete or release a message it handed out.</summary>
/// <param name="MessageId">The queue's id of the message.</param>
/// <param name="PopReceipt">The receipt of this delivery; a later delivery (after the lease ran out) makes it stale.</param>
public sealed record StorageQueueReceipt(string MessageId, string PopReceipt);

/// <summary>
/// The durable event queue on Azure Storage Queues (ARCHITECTURE, "Ingest"): the API enqueues batches, the Functions
/// queue trigger or the local <see cref="QueueWorker"/> takes them. Messages are Base64 text, the queue trigger's
/// default. A batch larger than <see cref="StorageQueueOptions.MaxPayloadBytes"/> is split into several messages, all
/// sent before <see cref="EnqueueAsync"/> returns. Receiving hides a message for the lease; the pop receipt is the
/// receipt, so a consumer whose lease ran out cannot complete or release a message another consumer now holds (the
/// call does nothing). Poisoned messages go to the poison queue as a <see cref="PoisonEnvelope"/>. Transient failures
/// are retried with jittered back-off, then surface as <see cref="StoreUnavailableException"/>. The receiving,
/// completing, releasing and poisoning are <see cref="StorageMessageQueue"/>'s.
/// </summary>
public sealed class StorageQueueEventQueue : StorageMessageQueue, IEventQueue
{
    /// <summary>Uses the queues of <paramref name="service"/>, which must encode messages as Base64 (see <see cref="StorageMessageQueue.CreateServiceClient(string)"/>).</summary>
    /// <param name="service">The storage account's queue service.</param>
    /// <param name="options">Queue names, sizes and retries; <c>null</c> for the defaults.</param>
    /// <param name="time">The clock for the poison envelope's time; <c>null</c> for the system clock.</param>
    public StorageQueueEventQueue(QueueServiceClient service, StorageQueueOptions? options = null, TimeProvider? time = null)
        : base(service ?? throw new ArgumentNullException(nameof(service)), options ?? new StorageQueueOptions(), time)
    {
    }

    /// <inheritdoc />
    public async Task EnqueueAsync(EventBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await EnsureCreatedAsync(cancellationToken);
        foreach (var part in EventBatchCodec.Split(batch, Options.MaxPayloadBytes))
        {
            await SendAsync(EventBatchCodec.Serialize(part), cancellationToken);
        }
    }
}
