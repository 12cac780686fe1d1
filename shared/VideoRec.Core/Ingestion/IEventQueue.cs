namespace VideoRec.Core.Ingestion;

/// <summary>The producer side of the durable event queue: once <see cref="EnqueueAsync"/> returns, the batch survives a crash.</summary>
public interface IEventQueue
{
    /// <summary>Queues <paramref name="batch"/> durably (an implementation may split it into several messages).</summary>
    Task EnqueueAsync(EventBatch batch, CancellationToken cancellationToken);
}

/// <summary>A message taken from the queue, invisible to other consumers until completed, released or its lease ends.</summary>
/// <param name="MessageId">The queue's id of the message.</param>
/// <param name="Payload">The serialized batch.</param>
/// <param name="DequeueCount">How many times it has been handed out, this time included.</param>
/// <param name="Receipt">What the queue needs to complete or release it.</param>
public sealed record QueueMessage(string MessageId, string Payload, int DequeueCount, object Receipt);

/// <summary>The consumer side of the durable event queue (the local worker; Azure Functions uses its queue trigger instead).</summary>
public interface IEventQueueSource
{
    /// <summary>Takes up to <paramref name="max"/> visible messages, hiding them for <paramref name="lease"/>.</summary>
    Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int max, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Removes a processed message.</summary>
    Task CompleteAsync(QueueMessage message, CancellationToken cancellationToken);

    /// <summary>Removes processed messages; a queue that can do it in one operation overrides this.</summary>
    async Task CompleteAllAsync(IReadOnlyList<QueueMessage> messages, CancellationToken cancellationToken)
    {
        foreach (var message in messages)
        {
            await CompleteAsync(message, cancellationToken);
        }
    }

    /// <summary>Makes a message visible again after a failure, recording why.</summary>
    Task ReleaseAsync(QueueMessage message, string error, CancellationToken cancellationToken);

    /// <summary>Moves a message to the poison queue with <paramref name="reason"/>.</summary>
    Task PoisonAsync(QueueMessage message, string reason, CancellationToken cancellationToken);
}

/// <summary>Where events that fail on their own go, with the reason, while the rest of their batch lands.</summary>
public interface IPoisonSink
{
    /// <summary>Records <paramref name="payload"/> as poison with <paramref name="reason"/>.</summary>
    Task AddAsync(string payload, string reason, CancellationToken cancellationToken);
}
