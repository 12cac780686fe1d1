using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Data.Sqlite;
using VideoRec.Core.Online;

namespace VideoRec.Local.Sqlite;

/// <summary>
/// The embedded impression log: one row per served list in the <c>impressions</c> table of the VideoRec database,
/// keyed by request id (<c>INSERT OR IGNORE</c>, so a retried log changes nothing), the items as a JSON array, and an
/// index on the served time for range reads.
/// </summary>
/// <param name="database">The database.</param>
public sealed class SqliteImpressionLog(SqliteDatabase database) : IImpressionLog
{
    /// <inheritdoc />
    public Task<bool> LogAsync(Impression impression, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(impression);
        impression.EnsureValid();
        cancellationToken.ThrowIfCancellationRequested();
        var items = JsonSerializer.Serialize(impression.Items.Select(i => new StoredItem(i.VideoId, i.Position, i.Score, [.. i.Sources])).ToArray(),
            ImpressionJson.Default.StoredItemArray);
        var inserted = database.InTransaction((connection, transaction) =>
        {
            using var insert = SqliteDatabase.Command(connection,
                "INSERT OR IGNORE INTO impressions(request_id, user_id, model_version, arm, served_ticks, items) VALUES ($id, $user, $model, $arm, $ticks, $items);",
                ("$id", impression.RequestId), ("$user", impression.UserId), ("$model", impression.ModelVersion), ("$arm", impression.Arm),
                ("$ticks", impression.ServedAt.UtcTicks), ("$items", items));
            insert.Transaction = transaction;
            return insert.ExecuteNonQuery() == 1;
        }, durable: false);
        return Task.FromResult(inserted);
    }

    /// <inheritdoc />
    public Task<int> LogManyAsync(IReadOnlyList<Impression> impressions, CancellationToken cancellationToken) => Task.FromResult(LogMany(impressions));

    private int LogMany(IReadOnlyList<Impression> impressions)
    {
        ArgumentNullException.ThrowIfNull(impressions);
        var rows = impressions.Select(i => (Impression: i.EnsureValid(), Items: JsonSerializer.Serialize(
            i.Items.Select(x => new StoredItem(x.VideoId, x.Position, x.Score, [.. x.Sources])).ToArray(), ImpressionJson.Default.StoredItemArray))).ToArray();
        return database.InTransaction((connection, transaction) =>
        {
            using var insert = SqliteDatabase.Command(connection,
                "INSERT OR IGNORE INTO impressions(request_id, user_id, model_version, arm, served_ticks, items) VALUES ($id, $user, $model, $arm, $ticks, $items);",
                ("$id", null), ("$user", null), ("$model", null), ("$arm", null), ("$ticks", null), ("$items", null));
            insert.Transaction = transaction;
            insert.Prepare();
            var added = 0;
            foreach (var (i, items) in rows)
            {
                insert.Parameters[0].Value = i.RequestId;
                insert.Parameters[1].Value = i.UserId;
                insert.Parameters[2].Value = i.ModelVersion;
                insert.Parameters[3].Value = i.Arm;
                insert.Parameters[4].Value = i.ServedAt.UtcTicks;
                insert.Parameters[5].Value = items;
                added += insert.ExecuteNonQuery();
            }

            return added;
        }, durable: false);
    }

    /// <inheritdoc />
    public Task<Impression?> GetAsync(string requestId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requestId);
        return Task.FromResult(database.Run(connection =>
        {
            using var read = SqliteDatabase.Command(connection,
                "SELECT request_id, user_id, model_version, arm, served_ticks, items FROM impressions WHERE request_id = $id;", ("$id", requestId));
            using var reader = read.ExecuteReader();
            return reader.Read() ? Read(reader) : null;
        }));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Impression>> ListAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Impression>>(database.Run(connection =>
        {
            using var read = SqliteDatabase.Command(connection,
                "SELECT request_id, user_id, model_version, arm, served_ticks, items FROM impressions WHERE served_ticks >= $from AND served_ticks < $to ORDER BY served_ticks, request_id;",
                ("$from", from.UtcTicks), ("$to", to.UtcTicks));
            using var reader = read.ExecuteReader();
            var list = new List<Impression>();
            while (reader.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                list.Add(Read(reader));
            }

            return list;
        }));

    private static Impression Read(SqliteDataReader reader)
    {
        var items = JsonSerializer.Deserialize(reader.GetString(5), ImpressionJson.Default.StoredItemArray) ?? [];
        return new Impression(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
            new DateTimeOffset(reader.GetInt64(4), TimeSpan.Zero),
            items.Select(i => new ImpressionItem(i.VideoId, i.Position, i.Score, i.Sources ?? [])).ToArray());
    }

    internal sealed record StoredItem(string VideoId, int Position, double Score, string[]? Sources);
}

/// <summary>Source-generated JSON of the stored impression items.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SqliteImpressionLog.StoredItem[]))]
internal sealed partial class ImpressionJson : JsonSerializerContext;
