using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using VideoRec.Core.Embeddings;

namespace VideoRec.Local.Sqlite;

/// <summary>
/// The embedded embedding store: three tables of the feature store's SQLite file. Vectors are BLOBs of little-endian
/// float32 values (4 bytes per dimension: 1,536 bytes for a 384-d vector), so they round-trip bit for bit. Writes are
/// background work that a lost commit only repeats (the refresh is idempotent), so they are not synced per commit.
/// </summary>
/// <param name="database">The database.</param>
public sealed class SqliteEmbeddingStore(SqliteDatabase database) : IEmbeddingStore
{
    /// <summary>Ids per <c>IN (…)</c> lookup (well under SQLite's 32,766 parameter limit).</summary>
    private const int LookupChunk = 500;

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<(string VideoId, VideoTextField Field), string>> GetVideoTextHashesAsync(IReadOnlyCollection<string> videoIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(videoIds);
        var hashes = new Dictionary<(string, VideoTextField), string>();
        foreach (var chunk in videoIds.Distinct(StringComparer.Ordinal).Chunk(LookupChunk))
        {
            database.Run(connection =>
            {
                using var select = InCommand(connection, "SELECT video_id, field, text_hash FROM video_embeddings WHERE video_id IN ({0});", chunk);
                using var reader = select.ExecuteReader();
                while (reader.Read())
                {
                    hashes[(reader.GetString(0), (VideoTextField)reader.GetInt32(1))] = reader.GetString(2);
                }

                return 0;
            });
        }

        return Task.FromResult<IReadOnlyDictionary<(string, VideoTextField), string>>(hashes);
    }

    /// <inheritdoc />
    public Task UpsertVideoEmbeddingsAsync(IReadOnlyList<VideoTextEmbedding> embeddings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        if (embeddings.Count == 0)
        {
            return Task.CompletedTask;
        }

        database.InTransaction((connection, transaction) =>
        {
            using var upsert = SqliteDatabase.Command(connection,
                "INSERT OR REPLACE INTO video_embeddings(video_id, field, model, text_hash, vector) VALUES ($video, $field, $model, $hash, $vector);",
                ("$video", ""), ("$field", 0), ("$model", ""), ("$hash", ""), ("$vector", Array.Empty<byte>()));
            upsert.Transaction = transaction;
            foreach (var e in embeddings)
            {
                upsert.Parameters["$video"].Value = e.VideoId;
                upsert.Parameters["$field"].Value = (int)e.Field;
                upsert.Parameters["$model"].Value = e.ModelId;
                upsert.Parameters["$hash"].Value = e.TextHash;
                upsert.Parameters["$vector"].Value = ToBlob(e.Vector);
                upsert.ExecuteNonQuery();
            }

            return embeddings.Count;
        }, durable: false);
        database.MaybeCheckpoint(every: 64);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<VideoTextEmbedding?> GetVideoEmbeddingAsync(string videoId, VideoTextField field, CancellationToken cancellationToken) =>
        Task.FromResult(database.Run(connection =>
        {
            using var select = SqliteDatabase.Command(connection,
                "SELECT model, text_hash, vector FROM video_embeddings WHERE video_id = $video AND field = $field;", ("$video", videoId), ("$field", (int)field));
            using var reader = select.ExecuteReader();
            return reader.Read() ? new VideoTextEmbedding(videoId, field, reader.GetString(0), reader.GetString(1), FromBlob((byte[])reader[2])) : null;
        }));

    /// <inheritdoc />
    public async IAsyncEnumerable<VideoTextEmbedding> ReadVideoEmbeddingsAsync(VideoTextField field, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Pages by key so no read transaction stays open while the caller works.
        var after = "";
        const int page = 2000;
        while (true)
        {
            var rows = database.Run(connection =>
            {
                using var select = SqliteDatabase.Command(connection,
                    "SELECT video_id, model, text_hash, vector FROM video_embeddings WHERE field = $field AND video_id > $after ORDER BY video_id LIMIT $page;",
                    ("$field", (int)field), ("$after", after), ("$page", page));
                using var reader = select.ExecuteReader();
                var list = new List<VideoTextEmbedding>(page);
                while (reader.Read())
                {
                    list.Add(new VideoTextEmbedding(reader.GetString(0), field, reader.GetString(1), reader.GetString(2), FromBlob((byte[])reader[3])));
                }

                return list;
            });
            foreach (var row in rows)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return row;
            }

            if (rows.Count < page)
            {
                yield break;
            }

            after = rows[^1].VideoId;
            await Task.Yield();
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, float[]>> GetQueryEmbeddingsAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var hits = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var chunk in keys.Distinct(StringComparer.Ordinal).Chunk(LookupChunk))
        {
            database.Run(connection =>
            {
                using var select = InCommand(connection, "SELECT key, vector FROM query_embeddings WHERE key IN ({0});", chunk);
                using var reader = select.ExecuteReader();
                while (reader.Read())
                {
                    hits[reader.GetString(0)] = FromBlob((byte[])reader[1]);
                }

                return 0;
            });
        }

        return Task.FromResult<IReadOnlyDictionary<string, float[]>>(hits);
    }

    /// <inheritdoc />
    public Task PutQueryEmbeddingsAsync(IReadOnlyDictionary<string, float[]> embeddings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        if (embeddings.Count == 0)
        {
            return Task.CompletedTask;
        }

        database.InTransaction((connection, transaction) =>
        {
            using var upsert = SqliteDatabase.Command(connection, "INSERT OR REPLACE INTO query_embeddings(key, vector) VALUES ($key, $vector);", ("$key", ""), ("$vector", Array.Empty<byte>()));
            upsert.Transaction = transaction;
            foreach (var (key, vector) in embeddings)
            {
                upsert.Parameters["$key"].Value = key;
                upsert.Parameters["$vector"].Value = ToBlob(vector);
                upsert.ExecuteNonQuery();
            }

            return embeddings.Count;
        }, durable: false);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<UserSearchEmbedding?> GetUserSearchEmbeddingAsync(string userId, CancellationToken cancellationToken) =>
        Task.FromResult(database.Run(connection =>
        {
            using var select = SqliteDatabase.Command(connection,
                "SELECT model, vector, query_count, queries_hash, as_of_ticks FROM user_search_embeddings WHERE user_id = $user;", ("$user", userId));
            using var reader = select.ExecuteReader();
            return reader.Read()
                ? new UserSearchEmbedding(userId, reader.GetString(0), FromBlob((byte[])reader[1]), reader.GetInt32(2), reader.GetString(3), new DateTimeOffset(reader.GetInt64(4), TimeSpan.Zero))
                : null;
        }));

    /// <inheritdoc />
    public Task PutUserSearchEmbeddingAsync(UserSearchEmbedding embedding, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(embedding);
        database.InTransaction((connection, transaction) =>
        {
            using var upsert = SqliteDatabase.Command(connection,
                "INSERT OR REPLACE INTO user_search_embeddings(user_id, model, vector, query_count, queries_hash, as_of_ticks) VALUES ($user, $model, $vector, $count, $hash, $ticks);",
                ("$user", embedding.UserId), ("$model", embedding.ModelId), ("$vector", ToBlob(embedding.Vector)), ("$count", embedding.QueryCount),
                ("$hash", embedding.QueriesHash), ("$ticks", embedding.AsOf.UtcTicks));
            upsert.Transaction = transaction;
            return upsert.ExecuteNonQuery();
        }, durable: false);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<bool> DeleteUserSearchEmbeddingAsync(string userId, CancellationToken cancellationToken) =>
        Task.FromResult(database.InTransaction((connection, transaction) =>
        {
            using var delete = SqliteDatabase.Command(connection, "DELETE FROM user_search_embeddings WHERE user_id = $user;", ("$user", userId));
            delete.Transaction = transaction;
            return delete.ExecuteNonQuery() > 0;
        }));

    /// <summary>Bytes the stored video embeddings take in the database file (SQLite's dbstat where available, else the row payloads).</summary>
    public long VideoEmbeddingBytes() => database.Run(connection =>
    {
        try
        {
            using var stat = SqliteDatabase.Command(connection, "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name = 'video_embeddings';");
            return Convert.ToInt64(stat.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (SqliteException)
        {
            using var sum = SqliteDatabase.Command(connection,
                "SELECT coalesce(sum(length(video_id) + length(model) + length(text_hash) + length(vector) + 8), 0) FROM video_embeddings;");
            return Convert.ToInt64(sum.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
    });

    /// <summary>The little-endian float32 bytes of <paramref name="vector"/>.</summary>
    internal static byte[] ToBlob(float[] vector)
    {
        ArgumentNullException.ThrowIfNull(vector);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("The embedding BLOB layout is little-endian float32.");
        }

        return MemoryMarshal.AsBytes(vector.AsSpan()).ToArray();
    }

    /// <summary>The vector stored in <paramref name="blob"/>.</summary>
    /// <exception cref="InvalidDataException">The BLOB length is not a multiple of 4.</exception>
    internal static float[] FromBlob(byte[] blob)
    {
        if (blob.Length % sizeof(float) != 0)
        {
            throw new InvalidDataException($"An embedding BLOB of {blob.Length} bytes is not a float32 vector.");
        }

        return MemoryMarshal.Cast<byte, float>(blob).ToArray();
    }

    private static SqliteCommand InCommand(SqliteConnection connection, string sql, string[] ids)
    {
        var names = ids.Select((_, i) => "$p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return SqliteDatabase.Command(connection, string.Format(System.Globalization.CultureInfo.InvariantCulture, sql, string.Join(", ", names)),
            names.Zip(ids, (n, id) => (n, (object?)id)).ToArray());
    }
}
