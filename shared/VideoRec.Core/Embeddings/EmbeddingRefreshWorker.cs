using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VideoRec.Core.Ingestion;

namespace VideoRec.Core.Embeddings;

/// <summary>
/// Drains the embedding refresh queue into an <see cref="EmbeddingRefreshHandler"/> (the local counterpart of the
/// Functions queue trigger). The messages of one receive are merged into one refresh, so a burst of searches by the
/// same user costs one recomputation; a message is completed only after its refresh is stored. When a merged refresh
/// fails, each message is retried on its own, so one bad message is released (and poisoned after
/// <see cref="EmbeddingOptions.MaxDeliveryAttempts"/> deliveries) while the others complete.
/// </summary>
/// <param name="source">The refresh queue.</param>
/// <param name="handler">The refresh handler.</param>
/// <param name="options">Delivery attempts before poison.</param>
/// <param name="logger">Logs failures.</param>
public sealed class EmbeddingRefreshWorker(IEventQueueSource source, EmbeddingRefreshHandler handler, EmbeddingOptions options, ILogger<EmbeddingRefreshWorker>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<EmbeddingRefreshWorker>.Instance;

    /// <summary>How long a received message stays hidden from other consumers. Default 2 minutes.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Messages taken per receive. Default 32.</summary>
    public int ReceiveBatch { get; init; } = 32;

    /// <summary>Processes up to <paramref name="maxMessages"/> visible messages once.</summary>
    /// <returns>What the refreshes did and how many messages were handled (completed, released or poisoned).</returns>
    public async Task<(int Messages, EmbeddingRefreshResult Result)> DrainOnceAsync(int maxMessages, CancellationToken cancellationToken)
    {
        var messages = await source.ReceiveAsync(maxMessages, Lease, cancellationToken);
        var readable = new List<(QueueMessage Message, EmbeddingRefreshRequest Request)>(messages.Count);
        foreach (var message in messages)
        {
            if (message.DequeueCount > options.MaxDeliveryAttempts)
            {
                await source.PoisonAsync(message, $"Failed {message.DequeueCount - 1} deliveries (the last error is recorded on the message).", cancellationToken);
                continue;
            }

            try
            {
                readable.Add((message, EmbeddingRefreshRequest.Deserialize(message.Payload)));
            }
            catch (FormatException e)
            {
                await source.PoisonAsync(message, e.Message, cancellationToken);
            }
        }

        var result = new EmbeddingRefreshResult();
        if (readable.Count == 0)
        {
            return (messages.Count, result);
        }

        try
        {
            result = await handler.HandleAsync(EmbeddingRefreshRequest.Merge(readable.Select(r => r.Request)), cancellationToken);
            await source.CompleteAllAsync(readable.Select(r => r.Message).ToArray(), cancellationToken);
            return (messages.Count, result);
        }
        catch (Exception e) when (readable.Count > 1 && (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested))
        {
            _logger.LogWarning("A merged refresh of {Count} messages failed ({Error}); handling them one by one.", readable.Count, e.GetType().Name);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await ReleaseAsync(readable[0].Message, e);
            return (messages.Count, result);
        }

        foreach (var (message, request) in readable)
        {
            try
            {
                result += await handler.HandleAsync(request, cancellationToken);
                await source.CompleteAsync(message, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                await ReleaseAsync(message, e);
            }
        }

        return (messages.Count, result);
    }

    /// <summary>Drains until the queue has no visible message.</summary>
    /// <returns>The sum of the refreshes.</returns>
    public async Task<EmbeddingRefreshResult> DrainAsync(CancellationToken cancellationToken)
    {
        var total = new EmbeddingRefreshResult();
        while (true)
        {
            var (count, result) = await DrainOnceAsync(ReceiveBatch, cancellationToken);
            total += result;
            if (count == 0)
            {
                return total;
            }
        }
    }

    /// <summary>Drains until cancelled, pausing <paramref name="idle"/> when the queue is empty.</summary>
    public async Task RunAsync(TimeSpan idle, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if ((await DrainOnceAsync(ReceiveBatch, cancellationToken)).Messages == 0)
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
                _logger.LogError(e, "The embedding refresh worker failed to receive; retrying.");
                await Task.Delay(idle, cancellationToken);
            }
        }
    }

    private async Task ReleaseAsync(QueueMessage message, Exception e)
    {
        _logger.LogWarning("Embedding refresh message {MessageId} failed: {Error}", message.MessageId, e.Message);
        await source.ReleaseAsync(message, $"{e.GetType().Name}: {e.Message}", CancellationToken.None);
    }
}
