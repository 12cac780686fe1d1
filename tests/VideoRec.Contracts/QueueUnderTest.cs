using VideoRec.Core.Ingestion;

namespace VideoRec.Contracts;

/// <summary>An entry of a poison queue.</summary>
/// <param name="Payload">The message or event batch payload.</param>
/// <param name="Reason">Why it was poisoned.</param>
public sealed record PoisonEntry(string Payload, string Reason);

/// <summary>
/// A queue implementation under test: the producer, consumer and poison-sink roles, plus what the contract needs to
/// look inside (messages waiting and poison entries).
/// </summary>
public abstract class QueueUnderTest : IEventQueue, IEventQueueSource, IPoisonSink
{
    /// <inheritdoc />
    public abstract Task EnqueueAsync(EventBatch batch, CancellationToken cancellationToken);

    /// <inheritdoc />
    public abstract Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int max, TimeSpan lease, CancellationToken cancellationToken);

    /// <inheritdoc />
    public abstract Task CompleteAsync(QueueMessage message, CancellationToken cancellationToken);

    /// <inheritdoc />
    public abstract Task ReleaseAsync(QueueMessage message, string error, CancellationToken cancellationToken);

    /// <inheritdoc />
    public abstract Task PoisonAsync(QueueMessage message, string reason, CancellationToken cancellationToken);

    /// <inheritdoc />
    public abstract Task AddAsync(string payload, string reason, CancellationToken cancellationToken);

    /// <summary>Messages waiting, visible or leased.</summary>
    public abstract Task<int> CountAsync();

    /// <summary>The poison entries, oldest first.</summary>
    public abstract Task<IReadOnlyList<PoisonEntry>> PoisonedAsync();

    /// <summary>Wraps a queue that plays all three roles.</summary>
    public static QueueUnderTest Of<T>(T queue, Func<T, int> count, Func<T, IEnumerable<PoisonEntry>> poisoned)
        where T : IEventQueue, IEventQueueSource, IPoisonSink => new Adapter<T>(queue, count, poisoned);

    private sealed class Adapter<T>(T queue, Func<T, int> count, Func<T, IEnumerable<PoisonEntry>> poisoned) : QueueUnderTest
        where T : IEventQueue, IEventQueueSource, IPoisonSink
    {
        public override Task EnqueueAsync(EventBatch batch, CancellationToken cancellationToken) => queue.EnqueueAsync(batch, cancellationToken);

        public override Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int max, TimeSpan lease, CancellationToken cancellationToken) =>
            queue.ReceiveAsync(max, lease, cancellationToken);

        public override Task CompleteAsync(QueueMessage message, CancellationToken cancellationToken) => queue.CompleteAsync(message, cancellationToken);

        public override Task ReleaseAsync(QueueMessage message, string error, CancellationToken cancellationToken) =>
            queue.ReleaseAsync(message, error, cancellationToken);

        public override Task PoisonAsync(QueueMessage message, string reason, CancellationToken cancellationToken) =>
            queue.PoisonAsync(message, reason, cancellationToken);

        public override Task AddAsync(string payload, string reason, CancellationToken cancellationToken) => queue.AddAsync(payload, reason, cancellationToken);

        public override Task<int> CountAsync() => Task.FromResult(count(queue));

        public override Task<IReadOnlyList<PoisonEntry>> PoisonedAsync() => Task.FromResult<IReadOnlyList<PoisonEntry>>(poisoned(queue).ToArray());
    }
}
