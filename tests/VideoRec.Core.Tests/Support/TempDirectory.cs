namespace VideoRec.Core.Tests.Support;

/// <summary>A fresh folder under the system temp folder, deleted on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "vrec-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>Writes <paramref name="content"/> to <paramref name="name"/> inside the folder (UTF-8, or Latin-1 when asked) and returns its path.</summary>
    public string Write(string name, string content, bool latin1 = false)
    {
        var path = System.IO.Path.Combine(Path, name);
        File.WriteAllText(path, content, latin1 ? System.Text.Encoding.Latin1 : new System.Text.UTF8Encoding(false));
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
