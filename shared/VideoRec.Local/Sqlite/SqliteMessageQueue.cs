using System.Globalization;
using VideoRec.Core.Embeddings;
using VideoRec.Core.Ingestion;

namespace VideoRec.Local.Sqlite;

/// <summary>
/// A durable message queue in a table of the feature store's SQLite file (the embedded counterpart of an Azure Storage
/// queue). An enqueue is a committed insert, so an accepted message survives a crash of the process before it is
/// processed. Receiving hides a message for a lease and counts the delivery; completing deletes it; a consumer that
/// dies simply lets the lease run out. The delivery count is the receipt, so a consumer whose lease expired cannot
/// complete a message someone else now holds. Concurrent enqueues share one durable commit (group commit): the first
/// writes every message waiting at that moment. <see cref="SqliteEventQueue"/> and
/// <see cref="SqliteEmbeddingRefreshQueue"/> are its two queues.
/// </summary>
public abstract class SqliteMessageQueue : IEventQueueSource, IPoisonSink
{
    private readonly SqliteDatabase _database;
    private readonly TimeProvider _time;
    private readonly string _queue;
    private readonly string _poison;

    /// <summary>A queue over <paramref name="queueTable"/> with poison entries in <paramref name="poisonTable"/> (both created by <see cref="SqliteDatabase"/>).</summary>
    protected SqliteMessageQueue(SqliteDatabase database, TimeProvider time, string queueTable, string poisonTable)
    {
        _database = database ?? throw new ArgumentNullException(nameof(database));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _queue = SqliteDatabase.QueueTables.Contains(queueTable) ? queueTable : throw new ArgumentException($"Unknown queue table '{queueTable}'.", nameof(queueTable));
        _poison = SqliteDatabase.QueueTables.Contains(poisonTable) ? poisonTable : throw new ArgumentException($"Unknown poison table '{poisonTable}'.", nameof(poisonTable));
    }

    private readonly Lock _gate = new();
    private List<Pending> _pending = [];
    private bool _flushing;

    /// <summary>Queues <paramref name="payload"/> durably; returns once it is committed.</summary>
    /// <param name="key">A name of the message for operators (a batch id), not necessarily unique.</param>
    /// <param name="payload">The message text.</param>
    /// <exception cref="StoreUnavailableException">The database stayed busy.</exception>
    protected Task EnqueuePayloadAsync(string key, string payload)
    {
        var item = new Pending(key, payload, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        bool lead;
        lock (_gate)
        {
            _pending.Add(item);
            lead = !_flushing;
            _flushing = true;
        }

        if (lead)
        {
            FlushOnce();
        }

        return item.Done.Task;
    }

    /// <summary>Writes every waiting batch in one durable transaction, then hands any that arrived meanwhile to a new writer.</summary>
    private void FlushOnce()
    {
        List<Pending> group;
        lock (_gate)
        {
            group = _pending;
            _pending = [];
        }

        try
        {
            var now = _time.GetUtcNow().UtcTicks;
            _database.InTransaction((connection, transaction) =>
            {
                using var insert = SqliteDatabase.Command(connection,
                    $"INSERT INTO {_queue}(batch_id, payload, enqueued_ticks, visible_ticks, dequeue_count) VALUES ($batch, $payload, $now, $now, 0);",
                    ("$batch", ""), ("$payload", ""), ("$now", now));
                insert.Transaction = transaction;
                foreach (var item in group)
                {
                    insert.Parameters["$batch"].Value = item.BatchId;
                    insert.Parameters["$payload"].Value = item.Payload;
                    insert.ExecuteNonQuery();
                }

                return group.Count;
            });
            foreach (var item in group)
            {
                item.Done.SetResult();
            }

            _database.MaybeCheckpoint(every: 256);
        }
        catch (Exception e)
        {
            foreach (var item in group)
            {
                item.Done.SetException(e);
            }
        }

        lock (_gate)
        {
            if (_pending.Count == 0)
            {
                _flushing = false;
                return;
            }
        }

        _ = Task.Run(FlushOnce);
    }

    private sealed record Pending(string BatchId, string Payload, TaskCompletionSource Done);

    /// <inheritdoc />
    public Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int max, TimeSpan lease, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().UtcTicks;
        return Task.FromResult<IReadOnlyList<QueueMessage>>(_database.InTransaction((connection, transaction) =>
        {
            using var select = SqliteDatabase.Command(connection,
                $"SELECT seq, payload, dequeue_count FROM {_queue} WHERE visible_ticks <= $now ORDER BY seq LIMIT $max;", ("$now", now), ("$max", max));
            select.Transaction = transaction;
            var messages = new List<QueueMessage>();
            using (var reader = select.ExecuteReader())
            {
                while (reader.Read())
                {
                    var seq = reader.GetInt64(0);
                    var count = reader.GetInt32(2) + 1;
                    messages.Add(new QueueMessage(seq.ToString(CultureInfo.InvariantCulture), reader.GetString(1), count, new Receipt(seq, count)));
                }
            }

            using var hide = SqliteDatabase.Command(connection,
                $"UPDATE {_queue} SET visible_ticks = $until, dequeue_count = dequeue_count + 1 WHERE seq = $seq;", ("$until", now + lease.Ticks), ("$seq", 0L));
            hide.Transaction = transaction;
            foreach (var message in messages)
            {
                hide.Parameters["$seq"].Value = ((Receipt)message.Receipt).Seq;
                hide.ExecuteNonQuery();
            }

            return messages;
        }, durable: false));
    }

    /// <inheritdoc />
    public Task CompleteAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        var receipt = (Receipt)message.Receipt;
        Execute($"DELETE FROM {_queue} WHERE seq = $seq AND dequeue_count = $count;", ("$seq", receipt.Seq), ("$count", receipt.Count));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task CompleteAllAsync(IReadOnlyList<QueueMessage> messages, CancellationToken cancellationToken)
    {
        _database.InTransaction((connection, transaction) =>
        {
            using var delete = SqliteDatabase.Command(connection, $"DELETE FROM {_queue} WHERE seq = $seq AND dequeue_count = $count;", ("$seq", 0L), ("$count", 0));
            delete.Transaction = transaction;
            foreach (var message in messages)
            {
                var receipt = (Receipt)message.Receipt;
                delete.Parameters["$seq"].Value = receipt.Seq;
                delete.Parameters["$count"].Value = receipt.Count;
                delete.ExecuteNonQuery();
            }

            return messages.Count;
        }, durable: false);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task ReleaseAsync(QueueMessage message, string error, CancellationToken cancellationToken)
    {
        var receipt = (Receipt)message.Receipt;
        Execute($"UPDATE {_queue} SET visible_ticks = $now, last_error = $error WHERE seq = $seq AND dequeue_count = $count;",
            ("$now", _time.GetUtcNow().UtcTicks), ("$error", error), ("$seq", receipt.Seq), ("$count", receipt.Count));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task PoisonAsync(QueueMessage message, string reason, CancellationToken cancellationToken)
    {
        var receipt = (Receipt)message.Receipt;
        _database.InTransaction((connection, transaction) =>
        {
            using var lastError = SqliteDatabase.Command(connection, $"SELECT last_error FROM {_queue} WHERE seq = $seq;", ("$seq", receipt.Seq));
            lastError.Transaction = transaction;
            var last = lastError.ExecuteScalar() as string;
            using var poison = SqliteDatabase.Command(connection, $"INSERT INTO {_poison}(payload, reason, failed_ticks) VALUES ($payload, $reason, $now);",
                ("$payload", message.Payload), ("$reason", last is null ? reason : $"{reason} Last error: {last}"), ("$now", _time.GetUtcNow().UtcTicks));
            poison.Transaction = transaction;
            poison.ExecuteNonQuery();
            using var delete = SqliteDatabase.Command(connection, $"DELETE FROM {_queue} WHERE seq = $seq;", ("$seq", receipt.Seq));
            delete.Transaction = transaction;
            return delete.ExecuteNonQuery();
        });
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task AddAsync(string payload, string reason, CancellationToken cancellationToken)
    {
        Execute($"INSERT INTO {_poison}(payload, reason, failed_ticks) VALUES ($payload, $reason, $now);",
            ("$payload", payload), ("$reason", reason), ("$now", _time.GetUtcNow().UtcTicks));
        return Task.CompletedTask;
    }

    /// <summary>Messages waiting (visible or leased).</summary>
    public int Count() => _database.Run(connection =>
    {
        using var count = SqliteDatabase.Command(connection, $"SELECT count(*) FROM {_queue};");
        return Convert.ToInt32(count.ExecuteScalar(), CultureInfo.InvariantCulture);
    });

    /// <summary>The poison entries, oldest first: payload and reason.</summary>
    public IReadOnlyList<(string Payload, string Reason)> Poisoned() => _database.Run(connection =>
    {
        using var select = SqliteDatabase.Command(connection, $"SELECT payload, reason FROM {_poison} ORDER BY seq;");
        using var reader = select.ExecuteReader();
        var entries = new List<(string, string)>();
        while (reader.Read())
        {
            entries.Add((reader.GetString(0), reader.GetString(1)));
        }

        return entries;
    });

    /// <summary>Queue bookkeeping (complete, release, poison): a lost commit only means a redelivery, which is idempotent.</summary>
    private void Execute(string sql, params (string Name, object? Value)[] parameters) => _database.InTransaction((connection, transaction) =>
    {
        using var command = SqliteDatabase.Command(connection, sql, parameters);
        command.Transaction = transaction;
        return command.ExecuteNonQuery();
    }, durable: false);

    private sealed record Receipt(long Seq, int Count);
}

/// <summary>The embedded durable event queue (ARCHITECTURE, "Ingest"): accepted event batches wait here for the worker.</summary>
/// <param name="database">The database.</param>
/// <param name="time">The clock for leases.</param>
public sealed class SqliteEventQueue(SqliteDatabase database, TimeProvider time) : SqliteMessageQueue(database, time, "queue", "poison"), IEventQueue
{
    /// <inheritdoc />
    public Task EnqueueAsync(EventBatch batch, CancellationToken cancellationToken) =>
        EnqueuePayloadAsync(batch.BatchId, EventBatchCodec.Serialize(batch));
}

/// <summary>The embedded durable embedding refresh queue: video and user ids waiting for the embedding refresh worker.</summary>
/// <param name="database">The database.</param>
/// <param name="time">The clock for leases.</param>
public sealed class SqliteEmbeddingRefreshQueue(SqliteDatabase database, TimeProvider time) : SqliteMessageQueue(database, time, "embedding_queue", "embedding_poison"), IEmbeddingRefreshQueue
{
    /// <inheritdoc />
    public Task EnqueueAsync(EmbeddingRefreshRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.IsEmpty ? Task.CompletedTask : EnqueuePayloadAsync("refresh", request.Serialize());
    }
}
