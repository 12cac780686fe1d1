using VideoRec.Core.Common;
using VideoRec.Core.Tests.Support;

namespace VideoRec.Core.Tests.Common;

/// <summary><see cref="AtomicFile"/>: regular files replaced atomically, links and devices never replaced.</summary>
public sealed class AtomicFileTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_regular_file_is_replaced_and_no_temporary_file_is_left()
    {
        var path = _temp.Write("out.json", "old");

        AtomicFile.WriteAllText(path, "new");

        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal(["out.json"], Directory.GetFileSystemEntries(_temp.Path).Select(p => Path.GetFileName(p)!).ToArray());
    }

    [Fact]
    public void A_missing_file_is_created_with_its_folder()
    {
        var path = Path.Combine(_temp.Path, "a", "b", "out.json");

        JsonFiles.Write(path, new System.Text.Json.Nodes.JsonObject { ["x"] = 1 });

        Assert.Equal("{\n  \"x\": 1\n}\n", File.ReadAllText(path).ReplaceLineEndings("\n"));
    }

    [Fact]
    public void A_symbolic_link_stays_a_link_and_its_target_gets_the_content()
    {
        var target = _temp.Write("real.json", "old");
        var link = Path.Combine(_temp.Path, "link.json");
        File.CreateSymbolicLink(link, "real.json");

        JsonFiles.Write(link, new System.Text.Json.Nodes.JsonObject { ["x"] = 2 });

        Assert.Equal("real.json", new FileInfo(link).LinkTarget);
        Assert.Equal("{\n  \"x\": 2\n}\n", File.ReadAllText(target).ReplaceLineEndings("\n"));
        Assert.Null(new FileInfo(target).LinkTarget);
        Assert.Equal(["link.json", "real.json"], Directory.GetFileSystemEntries(_temp.Path).Select(p => Path.GetFileName(p)!).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void A_dangling_symbolic_link_creates_its_target()
    {
        var link = Path.Combine(_temp.Path, "link.json");
        File.CreateSymbolicLink(link, "later.json");

        AtomicFile.WriteAllText(link, "made");

        Assert.Equal("later.json", new FileInfo(link).LinkTarget);
        Assert.Equal("made", File.ReadAllText(Path.Combine(_temp.Path, "later.json")));
    }

    [Fact]
    public void Dev_null_is_written_in_place_and_stays_a_character_device()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        Assert.Equal("character special file", FileType("/dev/null"));
        Assert.True(AtomicFile.WritesInPlace("/dev/null"));

        JsonFiles.Write("/dev/null", new System.Text.Json.Nodes.JsonObject { ["x"] = 3 });
        AtomicFile.WriteAllBytes("/dev/null", [1, 2, 3]);

        Assert.Equal("character special file", FileType("/dev/null"));
        Assert.Equal(0, new FileInfo("/dev/null").Length);
        Assert.DoesNotContain(Directory.GetFiles("/dev"), f => Path.GetFileName(f).Contains("null.", StringComparison.Ordinal));
    }

    /// <summary>stat(1)'s name of the file type, such as "regular file" or "character special file".</summary>
    private static string FileType(string path)
    {
        using var stat = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%F", path]) { RedirectStandardOutput = true })!;
        var type = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        return type;
    }

    [Fact]
    public void Kinds_of_regular_files_folders_and_missing_paths()
    {
        Assert.Equal(AtomicFile.FileKind.Regular, AtomicFile.Kind(_temp.Write("f", "x")));
        Assert.Equal(AtomicFile.FileKind.Directory, AtomicFile.Kind(_temp.Path));
        Assert.Equal(AtomicFile.FileKind.Missing, AtomicFile.Kind(Path.Combine(_temp.Path, "none")));
    }

    [Fact]
    public void An_error_names_the_path_given_never_the_temporary_file()
    {
        // A folder cannot be replaced by a file: the rename fails.
        var folder = Directory.CreateDirectory(Path.Combine(_temp.Path, "taken")).FullName;

        var error = Assert.ThrowsAny<IOException>(() => AtomicFile.WriteAllText(folder, "x"));

        Assert.Contains(folder, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(".tmp", error.Message, StringComparison.Ordinal);
        Assert.Equal(["taken"], Directory.GetFileSystemEntries(_temp.Path).Select(p => Path.GetFileName(p)!).ToArray());
    }

    [Fact]
    public void A_file_in_a_folder_nobody_may_create_files_in_is_reported_by_its_own_name()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        // /proc refuses new files even to root, so the temporary file beside /proc/version cannot be created.
        var error = Assert.ThrowsAny<Exception>(() => AtomicFile.WriteAllText("/proc/version", "x"));

        Assert.True(error is IOException or UnauthorizedAccessException, error.ToString());
        Assert.Equal("/proc/version: cannot create a temporary file in its folder /proc to replace it atomically.", error.Message);
        Assert.Empty(Directory.GetFiles("/proc", "*.tmp"));
    }
}
