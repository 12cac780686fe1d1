using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace VideoRec.Local.Tests.Support;

/// <summary>Direct access to a VideoRec SQLite file, outside the product code: table dumps, counts, lease expiry.</summary>
public static class SqliteFile
{
    /// <summary>The feature-store tables, each with the key it is ordered by.</summary>
    public static readonly (string Table, string Key)[] StoreTables =
    [
        ("events", "event_id"),
        ("user_aggregates", "user_id"),
        ("video_statistics", "video_id"),
        ("user_vectors", "user_id"),
        ("users", "user_id"),
        ("videos", "video_id"),
        ("deleted_users", "user_id"),
    ];

    /// <summary>Every row of <paramref name="table"/> ordered by <paramref name="key"/>, each as one string of all its columns.</summary>
    public static List<string> Rows(string path, string table, string key)
    {
        using var connection = Open(path, readOnly: true);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT * FROM {table} ORDER BY {key};";
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        var row = new StringBuilder();
        while (reader.Read())
        {
            row.Clear();
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row.Append(i == 0 ? "" : " | ").Append(reader.GetName(i)).Append('=').Append(reader.GetValue(i) switch
                {
                    DBNull => "NULL",
                    byte[] blob => "blob:" + Convert.ToBase64String(blob),
                    double d => d.ToString("R", CultureInfo.InvariantCulture),
                    var value => Convert.ToString(value, CultureInfo.InvariantCulture),
                });
            }

            rows.Add(row.ToString());
        }

        return rows;
    }

    /// <summary>The number of rows of <paramref name="table"/>.</summary>
    public static long Count(string path, string table)
    {
        using var connection = Open(path, readOnly: true);
        return Count(connection, table);
    }

    /// <summary>The number of rows of <paramref name="table"/> on an open connection.</summary>
    public static long Count(SqliteConnection connection, string table)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM {table};";
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>Runs a statement against the file.</summary>
    public static int Execute(string path, string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = Open(path, readOnly: false);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command.ExecuteNonQuery();
    }

    /// <summary>
    /// Ends every lease, as if the lease time of a consumer that died had passed (the queue's leases are minutes long;
    /// the tests do not wait for them).
    /// </summary>
    public static int ExpireLeases(string path) => Execute(path, "UPDATE queue SET visible_ticks = 0;");

    /// <summary>
    /// Whether another connection holds the write lock right now (is inside a write transaction): tries to take it
    /// without waiting and gives it back at once.
    /// </summary>
    public static bool IsWriteLocked(SqliteConnection connection)
    {
        // Straight to SQLite: Microsoft.Data.Sqlite would retry a busy statement for the whole command timeout.
        var handle = connection.Handle!;
        SQLitePCL.raw.sqlite3_busy_timeout(handle, 0);
        var result = SQLitePCL.raw.sqlite3_exec(handle, "BEGIN IMMEDIATE;");
        if (result == SQLitePCL.raw.SQLITE_BUSY)
        {
            return true;
        }

        Assert.Equal(SQLitePCL.raw.SQLITE_OK, result);
        Assert.Equal(SQLitePCL.raw.SQLITE_OK, SQLitePCL.raw.sqlite3_exec(handle, "ROLLBACK;"));
        return false;
    }

    /// <summary>A connection that is not pooled, so closing it releases the file.</summary>
    public static SqliteConnection Open(string path, bool readOnly)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWrite,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        connection.Open();
        return connection;
    }

    /// <summary>
    /// Asserts that two databases hold the same feature store, table by table and row by row, and that both have an
    /// empty queue and an empty poison queue.
    /// </summary>
    public static void AssertSameStore(string expectedPath, string actualPath)
    {
        foreach (var (table, key) in StoreTables)
        {
            var expected = Rows(expectedPath, table, key);
            var actual = Rows(actualPath, table, key);
            var first = Enumerable.Range(0, Math.Min(expected.Count, actual.Count)).FirstOrDefault(i => expected[i] != actual[i], -1);
            if (first >= 0)
            {
                Assert.Fail($"Table {table}, row {first} differs:\nexpected {expected[first]}\nactual   {actual[first]}");
            }

            Assert.True(expected.Count == actual.Count, $"Table {table}: {expected.Count} rows expected, {actual.Count} found.");
        }

        foreach (var path in new[] { expectedPath, actualPath })
        {
            Assert.Equal(0, Count(path, "queue"));
            Assert.Equal(0, Count(path, "poison"));
        }
    }
}
