using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using VideoRec.Local.Sqlite;

namespace VideoRec.Cli.Infrastructure;

/// <summary>Opens the SQLite file named by <c>--db</c>, turning every way it can be wrong into one clear line.</summary>
public static partial class DatabaseFiles
{
    /// <summary>Opens (creating when missing) the feature store at <paramref name="path"/> for reading and writing.</summary>
    /// <exception cref="CliException">The path is a folder, the file is not an SQLite database, cannot be opened, or has another schema version.</exception>
    public static SqliteDatabase Open(string path) => Guard(path, () => new SqliteDatabase(path));

    /// <summary>
    /// Opens an existing VideoRec database for reading only (read-only commands such as <c>embed</c>): nothing is
    /// created or written.
    /// </summary>
    /// <exception cref="CliException">As <see cref="Open"/>, or the file lacks the VideoRec tables.</exception>
    public static SqliteDatabase OpenReadOnly(string path) => Guard(path, () => SqliteDatabase.OpenReadOnly(path));

    /// <summary>Runs <paramref name="open"/>, mapping database errors to <see cref="CliException"/>s that name --db and the path.</summary>
    private static SqliteDatabase Guard(string path, Func<SqliteDatabase> open)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new CliException("--db: the file name is empty.");
        }

        if (Directory.Exists(path))
        {
            throw new CliException($"--db {path}: is a folder; give a database file.");
        }

        try
        {
            return open();
        }
        catch (NotAVideoRecDatabaseException)
        {
            throw new CliException($"--db: {path} is not a VideoRec database.");
        }
        catch (Exception e) when (Describe(e, path) is { } message)
        {
            throw new CliException(message);
        }
    }

    /// <summary>
    /// "--db FILE: reason" for an SQLite error (file is not a database, unable to open, read-only, no such column…) or a
    /// refused schema version anywhere in <paramref name="exception"/>'s chain; <c>null</c> for other errors.
    /// </summary>
    public static string? Describe(Exception exception, string path)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case NotAVideoRecDatabaseException:
                    return $"--db: {path} is not a VideoRec database.";
                case SqliteException sqlite:
                    return $"--db {path}: {Reason(sqlite)}";
                case InvalidDataException data when data.Message.Contains("database schema version", StringComparison.Ordinal):
                    var full = Path.GetFullPath(path);
                    var message = data.Message.StartsWith(full + ": ", StringComparison.Ordinal) ? data.Message[(full.Length + 2)..] : data.Message;
                    return $"--db {path}: {message}";
            }
        }

        return null;
    }

    /// <summary>SQLite's own words, without "SQLite Error 26: '…'." around them.</summary>
    public static string Reason(SqliteException e)
    {
        var match = QuotedReason().Match(e.Message);
        return match.Success ? match.Groups[1].Value : e.Message;
    }

    [GeneratedRegex(@"^SQLite Error \d+: '(.*)'\.?$", RegexOptions.Singleline)]
    private static partial Regex QuotedReason();
}
