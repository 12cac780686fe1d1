using Microsoft.Data.Sqlite;

namespace VideoRec.Local.Tests.Support;

/// <summary>A fresh folder under the system temp folder, deleted on dispose (with pooled SQLite connections closed first).</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "vrec-local-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>A path inside the folder.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Closes idle pooled SQLite connections, so that nothing of this process holds a database file open.</summary>
    public void ClearPools() => SqliteConnection.ClearAllPools();

    public void Dispose()
    {
        // Idle pooled connections keep the database files open; connections in use elsewhere are not affected.
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
