using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace VideoRec.Core.Ingestion;

/// <summary>
/// Drains an <see cref="IEventQueueSource"/> into an <see cref="EventBatchProcessor"/> (the local counterpart of the
/// Functions queue trigger): a message is completed only after its batch is applied, released on failure so it is
/// delivered again, and moved to the poison queue with its reason when it cannot be read or keeps failing.
/// </summary>
/// <param name="source">The queue.</param>
/// <param name="processor">The batch handler.</param>
/// <param name="options">Delivery attempts before poison.</param>
/// <param name="logger">Logs failures.</param>
public sealed class QueueWorker(IEventQueueSource source, EventBatchProcessor processor, IngestionOptions options, ILogger<QueueWorker>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<QueueWorker>.Instance;

    /// <summary>How long a received message stays hidden from other consumers (a crashed worker's messages come back after it). Default 1 minute.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Messages taken per receive. Default 8: small enough that a crash holds back little work.</summary>
    public int ReceiveBatch { get; init; } = 8;

    /// <summary>Processes up to <paramref name="maxMessages"/> visible messages once.</summary>
    /// <returns>The number of messages handled (completed, released or poisoned).</returns>
    public async Task<int> DrainOnceAsync(int maxMessages, CancellationToken cancellationToken)
    {
        var messages = await source.ReceiveAsync(maxMessages, Lease, cancellationToken);
        foreach (var message in messages)
        {
            await HandleAsync(message, cancellationToken);
        }

        return messages.Count;
    }

    /// <summary>Drains until cancelled, pausing <paramref name="idle"/> when the queue is empty.</summary>
    public async Task RunAsync(TimeSpan idle, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (await DrainOnceAsync(ReceiveBatch, cancellationToken) == 0)
                {
                    await Task.Delay(idle, cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _logger.LogError(e, "The queue worker failed to receive; retrying.");
                await Task.Delay(idle, cancellationToken);
            }
        }
    }

    private async Task HandleAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        if (message.DequeueCount > options.MaxDeliveryAttempts)
        {
            await source.PoisonAsync(message, $"Failed {message.DequeueCount - 1} deliveries (the last error is recorded on the message).", cancellationToken);
            return;
        }

        EventBatch batch;
        try
        {
            batch = EventBatchCodec.Deserialize(message.Payload);
        }
        catch (FormatException e)
        {
            await source.PoisonAsync(message, e.Message, cancellationToken);
            return;
        }

        try
        {
            await processor.ProcessAsync(batch, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning("Batch {BatchId} failed on delivery {Attempt}: {Error}", batch.BatchId, message.DequeueCount, e.Message);
            await source.ReleaseAsync(message, $"{e.GetType().Name}: {e.Message}", CancellationToken.None);
            return;
        }

        await source.CompleteAsync(message, cancellationToken);
    }
}
