using System.Collections.Concurrent;
using Azure;
using Azure.Core;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Polly;
using VideoRec.Core.Ingestion;
using CoreQueueMessage = VideoRec.Core.Ingestion.QueueMessage;

namespace VideoRec.Azure.Queues;

/// <summary>
/// What the Azure Storage queues of this application share (<see cref="StorageQueueEventQueue"/> for event batches,
/// <see cref="StorageQueueEmbeddingRefreshQueue"/> for embedding refresh requests): a queue and its poison queue,
/// created on first use; messages as Base64 text (the Functions queue trigger's default); receiving hides a message for
/// the lease and hands out its pop receipt as the receipt, so a consumer whose lease ran out cannot complete, release
/// or poison a message another consumer now holds (the call does nothing); poisoned messages go to the poison queue as
/// a <see cref="PoisonEnvelope"/>; transient failures are retried with jittered back-off, then surface as
/// <see cref="StoreUnavailableException"/>. The derived classes add what they send.
/// </summary>
public abstract class StorageMessageQueue : IEventQueueSource, IPoisonSink
{
    /// <summary>Most messages one receive call may take (the service's limit).</summary>
    public const int MaxReceiveCount = 32;

    private readonly QueueClient _queue;
    private readonly QueueClient _poison;
    private readonly TimeProvider _time;
    private readonly ResiliencePipeline _retry;
    private readonly ConcurrentDictionary<string, string> _lastErrors = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _createLock = new(1, 1);
    private volatile bool _created;

    /// <summary>Uses the queues <paramref name="options"/> names in <paramref name="service"/>, which must encode messages as Base64.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="StorageQueueOptions.MaxPayloadBytes"/> is not between 1 KiB and 48 KiB.</exception>
    private protected StorageMessageQueue(QueueServiceClient service, StorageQueueOptions options, TimeProvider? time)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxPayloadBytes is < 1024 or > 48 * 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxPayloadBytes, "MaxPayloadBytes must be between 1 KiB and 48 KiB (64 KiB after Base64).");
        }

        Options = options;
        _queue = service.GetQueueClient(options.QueueName);
        _poison = service.GetQueueClient(options.PoisonQueueName);
        _time = time ?? TimeProvider.System;
        _retry = Resilience.Retry(options.MaxRetryAttempts, options.RetryDelay);
    }

    /// <summary>The name of the queue.</summary>
    public string QueueName => _queue.Name;

    /// <summary>The name of the poison queue.</summary>
    public string PoisonQueueName => _poison.Name;

    /// <summary>Queue names, sizes and retries.</summary>
    private protected StorageQueueOptions Options { get; }

    /// <summary>A queue service client for a connection string (Azurite's or an account key's), encoding messages as Base64.</summary>
    public static QueueServiceClient CreateServiceClient(string connectionString) => new(connectionString, ClientOptions());

    /// <summary>A queue service client for an account endpoint with a credential (managed identity through <c>DefaultAzureCredential</c>), encoding messages as Base64.</summary>
    /// <param name="serviceUri">The queue endpoint, such as <c>https://account.queue.core.windows.net</c>.</param>
    /// <param name="credential">The identity.</param>
    public static QueueServiceClient CreateServiceClient(Uri serviceUri, TokenCredential credential) => new(serviceUri, credential, ClientOptions());

    private static QueueClientOptions ClientOptions()
    {
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        // One retry layer: ours (jittered, bounded, ending in StoreUnavailableException).
        options.Retry.MaxRetries = 0;
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
        return options;
    }

    /// <summary>Creates both queues when missing (done once, on first use, by every other call).</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        if (_created)
        {
            return;
        }

        await _createLock.WaitAsync(cancellationToken);
        try
        {
            if (!_created)
            {
                await Run("create queues", async ct =>
                {
                    await _queue.CreateIfNotExistsAsync(cancellationToken: ct);
                    await _poison.CreateIfNotExistsAsync(cancellationToken: ct);
                    return true;
                }, cancellationToken);
                _created = true;
            }
        }
        finally
        {
            _createLock.Release();
        }
    }

    /// <summary>Sends one message (its text at most <see cref="StorageQueueOptions.MaxPayloadBytes"/> UTF-8 bytes), visible at once, kept for <see cref="StorageQueueOptions.MessageTimeToLive"/>.</summary>
    private protected async Task SendAsync(string payload, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        var ttl = Options.MessageTimeToLive ?? TimeSpan.FromSeconds(-1); // -1: never expires
        await Run("send", async ct => (await _queue.SendMessageAsync(payload, visibilityTimeout: null, timeToLive: ttl, ct)).Value, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<CoreQueueMessage>> ReceiveAsync(int max, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        await EnsureCreatedAsync(cancellationToken);
        var visibility = lease < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : lease > TimeSpan.FromDays(7) ? TimeSpan.FromDays(7) : lease;
        var received = await Run("receive", async ct => (await _queue.ReceiveMessagesAsync(Math.Min(max, MaxReceiveCount), visibility, ct)).Value, cancellationToken);
        return received
            .Select(m => new CoreQueueMessage(m.MessageId, m.Body.ToString(), (int)Math.Min(m.DequeueCount, int.MaxValue), new StorageQueueReceipt(m.MessageId, m.PopReceipt)))
            .ToArray();
    }

    /// <inheritdoc />
    /// <remarks>A stale receipt (the lease ran out and the message was delivered again, or it is gone) does nothing.</remarks>
    public async Task CompleteAsync(CoreQueueMessage message, CancellationToken cancellationToken)
    {
        var receipt = ReceiptOf(message);
        if (await Delete(receipt, cancellationToken))
        {
            _lastErrors.TryRemove(receipt.MessageId, out _);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// A Storage queue message cannot carry the error, so it is remembered in this process (by message id) and added
    /// to the poison reason should the message end there. A stale receipt does nothing.
    /// </remarks>
    public async Task ReleaseAsync(CoreQueueMessage message, string error, CancellationToken cancellationToken)
    {
        var receipt = ReceiptOf(message);
        if (_lastErrors.Count >= Options.MaxRememberedErrors)
        {
            _lastErrors.Clear();
        }

        _lastErrors[receipt.MessageId] = error;
        await Update(receipt, Options.ReleaseDelay, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// The lease is renewed first, so a consumer whose lease ran out poisons nothing (another consumer holds the
    /// message); then the envelope is sent and the original deleted. A crash between the two leaves the message to be
    /// delivered and poisoned again: the poison queue may hold it twice, the queue never loses it.
    /// </remarks>
    public async Task PoisonAsync(CoreQueueMessage message, string reason, CancellationToken cancellationToken)
    {
        var receipt = ReceiptOf(message);
        var held = await Update(receipt, TimeSpan.FromSeconds(60), cancellationToken);
        if (held is null)
        {
            return;
        }

        var full = _lastErrors.TryGetValue(receipt.MessageId, out var last) ? $"{reason} Last error: {last}" : reason;
        await AddAsync(message.Payload, full, cancellationToken);
        await Delete(held, cancellationToken);
        _lastErrors.TryRemove(receipt.MessageId, out _);
    }

    /// <inheritdoc />
    public async Task AddAsync(string payload, string reason, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        var text = new PoisonEnvelope(reason, payload, _time.GetUtcNow()).Serialize(48 * 1024);
        var ttl = TimeSpan.FromSeconds(-1);
        await Run("send to the poison queue", async ct => (await _poison.SendMessageAsync(text, visibilityTimeout: null, timeToLive: ttl, ct)).Value, cancellationToken);
    }

    /// <summary>Deletes with <paramref name="receipt"/>; <c>false</c> when the receipt is stale or the message gone.</summary>
    private async Task<bool> Delete(StorageQueueReceipt receipt, CancellationToken cancellationToken)
    {
        try
        {
            await Run("delete", async ct => await _queue.DeleteMessageAsync(receipt.MessageId, receipt.PopReceipt, ct), cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (IsStale(e))
        {
            return false;
        }
    }

    /// <summary>Sets the visibility; the new receipt, or <c>null</c> when the receipt is stale or the message gone.</summary>
    private async Task<StorageQueueReceipt?> Update(StorageQueueReceipt receipt, TimeSpan visibility, CancellationToken cancellationToken)
    {
        try
        {
            var updated = await Run("update", async ct => (await _queue.UpdateMessageAsync(receipt.MessageId, receipt.PopReceipt, (string?)null, visibility, ct)).Value,
                cancellationToken);
            return receipt with { PopReceipt = updated.PopReceipt };
        }
        catch (RequestFailedException e) when (IsStale(e))
        {
            return null;
        }
    }

    /// <summary>The service's answers to a receipt from an earlier delivery or for a deleted message.</summary>
    internal static bool IsStale(RequestFailedException e) =>
        e.Status == 404 || e.ErrorCode == QueueErrorCode.PopReceiptMismatch.ToString() || e.ErrorCode == QueueErrorCode.MessageNotFound.ToString();

    private StorageQueueReceipt ReceiptOf(CoreQueueMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Receipt as StorageQueueReceipt
            ?? throw new ArgumentException($"The message was not received from a {GetType().Name} (its receipt is {message.Receipt?.GetType().Name ?? "null"}).", nameof(message));
    }

    private Task<T> Run<T>(string operation, Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken) =>
        Resilience.RunAsync(_retry, $"Azure Storage queue '{_queue.Name}' ({operation})", call, cancellationToken);
}
