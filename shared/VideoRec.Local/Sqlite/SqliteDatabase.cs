using Microsoft.Data.Sqlite;
using Polly;
using Polly.Retry;
using VideoRec.Core.Ingestion;

namespace VideoRec.Local.Sqlite;

/// <summary>
/// One SQLite database file holding the feature store and the queue table (so an accepted event and its processing
/// live in the same durable file). WAL journal, <c>synchronous=FULL</c> (a committed enqueue survives a crash of the
/// process and of the machine), a busy timeout, and Polly retries with jitter on locked-database errors; when those
/// are spent the caller sees <see cref="StoreUnavailableException"/>.
/// </summary>
public sealed class SqliteDatabase
{
    private const int SchemaVersion = 1;

    private readonly string _connectionString;
    private readonly ResiliencePipeline _retry;

    /// <summary>Opens (creating when missing) the database at <paramref name="path"/> and its schema.</summary>
    /// <param name="path">The database file.</param>
    /// <exception cref="InvalidDataException">
    /// The file is a VideoRec database of another schema version (checked before anything is written to it).
    /// </exception>
    /// <exception cref="SqliteException">The file cannot be opened or is not an SQLite database.</exception>
    public SqliteDatabase(string path)
        : this(path, readOnly: false)
    {
    }

    private SqliteDatabase(string path, bool readOnly)
    {
        Path = System.IO.Path.GetFullPath(path);
        IsReadOnly = readOnly;
        if (!readOnly)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        }

        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        _retry = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<SqliteException>(IsTransient),
                MaxRetryAttempts = 5,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(50),
            })
            .Build();
        if (readOnly)
        {
            CheckSchema();
        }
        else
        {
            CreateSchema();
        }
    }

    /// <summary>
    /// Opens an existing VideoRec database for reading only: nothing is created or written (no schema, no journal-mode
    /// change), so a file that is not a VideoRec database is left exactly as it was.
    /// </summary>
    /// <param name="path">The database file; it must exist.</param>
    /// <exception cref="NotAVideoRecDatabaseException">The file is an SQLite database without the VideoRec tables.</exception>
    /// <exception cref="InvalidDataException">The file is a VideoRec database of another schema version.</exception>
    /// <exception cref="SqliteException">The file cannot be opened or is not an SQLite database.</exception>
    public static SqliteDatabase OpenReadOnly(string path) => new(path, readOnly: true);

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>Whether the database was opened with <see cref="OpenReadOnly"/>.</summary>
    public bool IsReadOnly { get; }

    /// <summary>The tables that hold queue messages and poison entries (see <see cref="SqliteMessageQueue"/>).</summary>
    internal static readonly IReadOnlySet<string> QueueTables = new HashSet<string>(StringComparer.Ordinal) { "queue", "poison", "embedding_queue", "embedding_poison" };

    /// <summary>Runs <paramref name="work"/> on an open connection, retrying transient lock errors.</summary>
    /// <exception cref="StoreUnavailableException">The database stayed locked or unavailable.</exception>
    public T Run<T>(Func<SqliteConnection, T> work)
    {
        try
        {
            return _retry.Execute(() =>
            {
                using var connection = Open();
                return work(connection);
            });
        }
        catch (SqliteException e) when (IsTransient(e))
        {
            throw new StoreUnavailableException($"The SQLite database {Path} is busy: {e.Message}", e);
        }
    }

    /// <summary>Runs <paramref name="work"/> in one write transaction (BEGIN IMMEDIATE), retrying transient lock errors.</summary>
    /// <param name="work">The transaction's statements.</param>
    /// <param name="durable">
    /// <c>true</c> (the default): the commit is synced to disk before returning (<c>synchronous=FULL</c>), for writes that
    /// are acknowledged to a client (an accepted event, an upsert, a deletion). <c>false</c>: the commit survives a crash of
    /// the process but may be lost, with every later commit, on power loss (<c>synchronous=NORMAL</c> in WAL mode) — safe
    /// for queue bookkeeping and for applying batches, which a lost commit simply redelivers.
    /// </param>
    public T InTransaction<T>(Func<SqliteConnection, SqliteTransaction, T> work, bool durable = true)
    {
        // Writers of this process take turns at one gate before meeting at SQLite's lock, and acknowledged (durable)
        // writes go first: SQLite's busy handler sleeps and retries, which is unfair, and a client's enqueue could
        // otherwise wait behind many of the worker's back-to-back transactions. Other processes meet at SQLite's lock.
        lock (_gate)
        {
            if (durable)
            {
                _durableWaiting++;
                while (_busy)
                {
                    Monitor.Wait(_gate);
                }

                _durableWaiting--;
            }
            else
            {
                while (_busy || _durableWaiting > 0)
                {
                    Monitor.Wait(_gate);
                }
            }

            _busy = true;
        }

        try
        {
            return Run(connection =>
            {
                using (var mode = Command(connection, durable ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;"))
                {
                    mode.ExecuteNonQuery();
                }

                using var transaction = connection.BeginTransaction(deferred: false);
                var result = work(connection, transaction);
                transaction.Commit();
                return result;
            });
        }
        finally
        {
            lock (_gate)
            {
                _busy = false;
                Monitor.PulseAll(_gate);
            }
        }
    }

    private readonly object _gate = new();
    private bool _busy;
    private int _durableWaiting;

    /// <summary>
    /// Every <paramref name="every"/> calls, copies the write-ahead log back into the database (a passive checkpoint,
    /// which never blocks readers or writers), so the log stays small. Called after background writes.
    /// </summary>
    public void MaybeCheckpoint(int every)
    {
        if (Interlocked.Increment(ref _writes) % every != 0)
        {
            return;
        }

        Run(connection =>
        {
            using var checkpoint = Command(connection, "PRAGMA wal_checkpoint(PASSIVE);");
            return checkpoint.ExecuteNonQuery();
        });
    }

    private long _writes;

    /// <summary>A command on <paramref name="connection"/> with named parameters.</summary>
    public static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        // No automatic checkpoint: it would run inside whichever commit crosses the threshold, often a client's enqueue.
        // The store checkpoints explicitly (see MaybeCheckpoint). A 32 MiB page cache per connection (SQLite's default is
        // 2 MiB) and memory-mapped reads keep the event and index pages of an active store in memory.
        pragma.CommandText = "PRAGMA synchronous=FULL; PRAGMA foreign_keys=OFF; PRAGMA wal_autocheckpoint=0; PRAGMA cache_size=-32768; PRAGMA mmap_size=268435456;";
        pragma.ExecuteNonQuery();
        return connection;
    }

    private static bool IsTransient(SqliteException e) => e.SqliteErrorCode is 5 or 6; // SQLITE_BUSY, SQLITE_LOCKED

    /// <summary>
    /// The stored schema version, or <c>null</c> when the file has no schema_version table (or it is empty); throws
    /// when the file is a VideoRec database of another version. Reads only.
    /// </summary>
    private object? ReadSchemaVersion(SqliteConnection connection)
    {
        using var exists = Command(connection, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version';");
        if (Convert.ToInt64(exists.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            return null;
        }

        using var read = Command(connection, "SELECT version FROM schema_version LIMIT 1;");
        var version = read.ExecuteScalar();
        if (version is not null && version is not DBNull && Convert.ToInt32(version, System.Globalization.CultureInfo.InvariantCulture) != SchemaVersion)
        {
            throw new InvalidDataException($"{Path}: database schema version {version} is not supported (expected {SchemaVersion}).");
        }

        return version is DBNull ? null : version;
    }

    /// <summary>For a read-only open: the file must already be a VideoRec database of this schema version.</summary>
    private void CheckSchema()
    {
        Run(connection =>
        {
            if (ReadSchemaVersion(connection) is null)
            {
                throw new NotAVideoRecDatabaseException(Path);
            }

            return 0;
        });
    }

    private void CreateSchema()
    {
        Run(connection =>
        {
            // The version check comes first: a database of another version is refused before any DDL touches it.
            var version = ReadSchemaVersion(connection);
            using var journal = Command(connection, "PRAGMA journal_mode=WAL;");
            journal.ExecuteNonQuery();
            using var create = Command(connection, """
                CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS events(
                    event_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, video_id TEXT, type INTEGER NOT NULL,
                    seconds REAL, text TEXT, device TEXT, lat REAL, lon REAL, ticks INTEGER NOT NULL) WITHOUT ROWID;
                CREATE INDEX IF NOT EXISTS events_by_user ON events(user_id, ticks, event_id);
                CREATE TABLE IF NOT EXISTS event_requests(event_id TEXT PRIMARY KEY, request_id TEXT NOT NULL) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS impressions(
                    request_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, model_version TEXT NOT NULL, arm TEXT NOT NULL,
                    served_ticks INTEGER NOT NULL, items TEXT NOT NULL) WITHOUT ROWID;
                CREATE INDEX IF NOT EXISTS impressions_by_time ON impressions(served_ticks, request_id);
                CREATE TABLE IF NOT EXISTS user_aggregates(user_id TEXT PRIMARY KEY, data BLOB NOT NULL) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS user_vectors(user_id TEXT PRIMARY KEY, model_version TEXT NOT NULL, vector BLOB NOT NULL, as_of_ticks INTEGER NOT NULL) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS video_statistics(
                    video_id TEXT PRIMARY KEY, impressions INTEGER NOT NULL, clicks INTEGER NOT NULL, views INTEGER NOT NULL, likes INTEGER NOT NULL,
                    dislikes INTEGER NOT NULL, shares INTEGER NOT NULL, comments INTEGER NOT NULL, watch_ms INTEGER NOT NULL, completions INTEGER NOT NULL) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS video_hours(video_id TEXT NOT NULL, hour INTEGER NOT NULL, views INTEGER NOT NULL, PRIMARY KEY(video_id, hour)) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS videos(video_id TEXT PRIMARY KEY, json TEXT NOT NULL, duration REAL) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS users(user_id TEXT PRIMARY KEY, json TEXT NOT NULL) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS deleted_users(user_id TEXT PRIMARY KEY, deleted_at_ticks INTEGER NOT NULL) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS vector_refresh(user_id TEXT PRIMARY KEY) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS queue(
                    seq INTEGER PRIMARY KEY AUTOINCREMENT, batch_id TEXT NOT NULL, payload TEXT NOT NULL,
                    enqueued_ticks INTEGER NOT NULL, visible_ticks INTEGER NOT NULL, dequeue_count INTEGER NOT NULL DEFAULT 0, last_error TEXT);
                CREATE INDEX IF NOT EXISTS queue_visible ON queue(visible_ticks, seq);
                CREATE TABLE IF NOT EXISTS poison(
                    seq INTEGER PRIMARY KEY AUTOINCREMENT, payload TEXT NOT NULL, reason TEXT NOT NULL, failed_ticks INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS embedding_queue(
                    seq INTEGER PRIMARY KEY AUTOINCREMENT, batch_id TEXT NOT NULL, payload TEXT NOT NULL,
                    enqueued_ticks INTEGER NOT NULL, visible_ticks INTEGER NOT NULL, dequeue_count INTEGER NOT NULL DEFAULT 0, last_error TEXT);
                CREATE INDEX IF NOT EXISTS embedding_queue_visible ON embedding_queue(visible_ticks, seq);
                CREATE TABLE IF NOT EXISTS embedding_poison(
                    seq INTEGER PRIMARY KEY AUTOINCREMENT, payload TEXT NOT NULL, reason TEXT NOT NULL, failed_ticks INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS video_embeddings(
                    video_id TEXT NOT NULL, field INTEGER NOT NULL, model TEXT NOT NULL, text_hash TEXT NOT NULL, vector BLOB NOT NULL,
                    PRIMARY KEY(video_id, field)) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS query_embeddings(key TEXT PRIMARY KEY, vector BLOB NOT NULL) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS user_search_embeddings(
                    user_id TEXT PRIMARY KEY, model TEXT NOT NULL, vector BLOB NOT NULL, query_count INTEGER NOT NULL,
                    queries_hash TEXT NOT NULL, as_of_ticks INTEGER NOT NULL) WITHOUT ROWID;
                """);
            create.ExecuteNonQuery();
            if (version is null)
            {
                using var write = Command(connection, "INSERT INTO schema_version(version) VALUES ($v);", ("$v", SchemaVersion));
                write.ExecuteNonQuery();
            }

            return 0;
        });
    }
}

/// <summary>An SQLite file opened as a VideoRec database lacks the VideoRec tables (it belongs to something else).</summary>
/// <param name="path">The database file.</param>
public sealed class NotAVideoRecDatabaseException(string path)
    : IOException($"{path} is not a VideoRec database (it has no schema_version table).")
{
    /// <summary>The database file.</summary>
    public string Path { get; } = path;
}
