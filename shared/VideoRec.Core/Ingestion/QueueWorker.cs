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

    /// <summary>Messages taken per receive. Default 16: small batches merge into few transactions, and a crash holds back little work.</summary>
    public int ReceiveBatch { get; init; } = 16;

    /// <summary>Most events applied in one merged transaction. Default 1,000.</summary>
    public int MergeUpTo { get; init; } = 1000;

    /// <summary>
    /// Longest time between stored-vector refreshes while the queue stays busy (it also refreshes whenever it runs dry).
    /// Recommendations never wait for it: serving computes a stale user's vector itself. Default 30 s.
    /// </summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the queue must have been quiet since the last refresh before an idle refresh. Default 250 ms.</summary>
    public TimeSpan IdleRefreshDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Users whose stored vectors this worker's periodic and idle refreshes recomputed so far.</summary>
    public int RefreshedUsers { get; private set; }

    private readonly TimeProvider time = TimeProvider.System;
    private long _lastRefresh = TimeProvider.System.GetTimestamp();

    /// <summary>Processes up to <paramref name="maxMessages"/> visible messages once.</summary>
    /// <returns>The number of messages handled (completed, released or poisoned).</returns>
    public async Task<int> DrainOnceAsync(int maxMessages, CancellationToken cancellationToken)
    {
        var messages = await source.ReceiveAsync(maxMessages, Lease, cancellationToken);
        var readable = new List<(QueueMessage Message, EventBatch Batch)>(messages.Count);
        foreach (var message in messages)
        {
            if (await ReadAsync(message, cancellationToken) is { } batch)
            {
                readable.Add((message, batch));
            }
        }

        // Small batches of a round are applied together, up to MergeUpTo events: one transaction and one aggregate
        // update per user for all of them (an event id repeated across them is applied once). The cap keeps each write
        // transaction short, so clients enqueueing meanwhile do not wait long for the database.
        var start = 0;
        while (start < readable.Count)
        {
            var end = start + 1;
            var events = readable[start].Batch.Events.Count;
            while (end < readable.Count && events + readable[end].Batch.Events.Count <= MergeUpTo)
            {
                events += readable[end++].Batch.Events.Count;
            }

            var group = readable[start..end];
            var merged = group.Count == 1 ? group[0].Batch : new EventBatch(
                $"{group[0].Batch.BatchId}+{group.Count - 1}",
                group[0].Batch.AcceptedAt,
                group.SelectMany(r => r.Batch.Events).DistinctBy(e => e.EventId, StringComparer.Ordinal).ToArray());
            await ProcessAsync(group.Select(r => r.Message).ToArray(), merged, cancellationToken);
            start = end;
        }

        // Stored vectors are refreshed when the queue is quiet or every RefreshInterval while it is not: one refresh then
        // covers a user's events from every batch since the last one, which matters for the most active users.
        var sinceRefresh = time.GetElapsedTime(_lastRefresh);
        if ((messages.Count == 0 && sinceRefresh >= IdleRefreshDelay) || sinceRefresh >= RefreshInterval)
        {
            RefreshedUsers += await processor.RefreshVectorsAsync(cancellationToken);
            _lastRefresh = time.GetTimestamp();
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

    /// <summary>The message's batch, or <c>null</c> after sending it to the poison queue (unreadable, or too many deliveries).</summary>
    private async Task<EventBatch?> ReadAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        if (message.DequeueCount > options.MaxDeliveryAttempts)
        {
            await source.PoisonAsync(message, $"Failed {message.DequeueCount - 1} deliveries (the last error is recorded on the message).", cancellationToken);
            return null;
        }

        try
        {
            return EventBatchCodec.Deserialize(message.Payload);
        }
        catch (FormatException e)
        {
            await source.PoisonAsync(message, e.Message, cancellationToken);
            return null;
        }
    }

    private async Task ProcessAsync(IReadOnlyList<QueueMessage> messages, EventBatch batch, CancellationToken cancellationToken)
    {
        try
        {
            await processor.ProcessAsync(batch, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning("Batch {BatchId} failed: {Error}", batch.BatchId, e.Message);
            foreach (var message in messages)
            {
                await source.ReleaseAsync(message, $"{e.GetType().Name}: {e.Message}", CancellationToken.None);
            }

            return;
        }

        await source.CompleteAllAsync(messages, cancellationToken);
    }
}
