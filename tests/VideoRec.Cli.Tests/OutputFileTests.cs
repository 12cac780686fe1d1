using VideoRec.Cli.Tests.Support;

namespace VideoRec.Cli.Tests;

/// <summary>Output files the user names (--json, tags --output): links and devices are written through, never replaced.</summary>
[Collection(CliCollection.Name)]
public sealed class OutputFileTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Json_and_output_through_symbolic_links_change_the_targets_and_keep_the_links()
    {
        var data = TinyData.WriteLatest(_temp.Folder("tiny"));
        File.WriteAllText(_temp["figures.json"], "old");
        File.WriteAllText(_temp["model.json"], "old");
        File.CreateSymbolicLink(_temp["figures-link.json"], "figures.json");
        File.CreateSymbolicLink(_temp["model-link.json"], "model.json");

        await Vrec.SucceedsAsync("tags", "--data", data, "--tag", "adventure", "--k", "2", "--seed", "7", "--json", _temp["figures-link.json"], "--output", _temp["model-link.json"]);

        Assert.Equal("figures.json", new FileInfo(_temp["figures-link.json"]).LinkTarget);
        Assert.Equal("model.json", new FileInfo(_temp["model-link.json"]).LinkTarget);
        Assert.Equal("symbolic link", FileType(_temp["figures-link.json"]));
        Assert.Equal("regular file", FileType(_temp["figures.json"]));
        Assert.Equal(2, Vrec.ReadJson(_temp["figures.json"])["nearest"]!["adventure"]!["cooccurrence"]!.AsArray().Count);
        Assert.Equal(1, (int)Vrec.ReadJson(_temp["model.json"])["version"]!);
        Assert.Equal(
            ["figures-link.json", "figures.json", "model-link.json", "model.json", "tiny"],
            Directory.GetFileSystemEntries(_temp.Path).Select(p => Path.GetFileName(p)!).Order(StringComparer.Ordinal).ToArray());
    }

    /// <summary>stat(1)'s name of the file type, such as "regular file" or "character special file".</summary>
    internal static string FileType(string path)
    {
        using var stat = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%F", path]) { RedirectStandardOutput = true })!;
        var type = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        return type;
    }

    [Fact]
    public async Task Json_to_dev_null_leaves_it_a_character_device()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var data = TinyData.WriteLatest(_temp.Folder("tiny"));

        var result = await Vrec.SucceedsAsync("tags", "--data", data, "--tag", "adventure", "--k", "2", "--json", "/dev/null", "--output", "/dev/null");

        Assert.Contains("Wrote /dev/null", result.Out, StringComparison.Ordinal);
        Assert.Equal("character special file", FileType("/dev/null"));
        Assert.Equal(0, new FileInfo("/dev/null").Length);
    }

    [Fact]
    public async Task An_unwritable_json_file_is_named_as_given()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var data = TinyData.WriteLatest(_temp.Folder("tiny"));

        var message = await Vrec.FailsWithBadInputAsync("tags", "--data", data, "--tag", "adventure", "--json", "/proc/version");

        Assert.Equal("--json: cannot write /proc/version: cannot create a temporary file in its folder /proc to replace it atomically.", message);
    }

    [Fact]
    public async Task Tags_refuses_the_same_file_for_output_and_json()
    {
        var data = TinyData.WriteLatest(_temp.Folder("tiny"));

        var message = await Vrec.FailsWithUsageErrorAsync("tags", "--data", data, "--output", _temp["same.json"], "--json", Path.Combine(_temp.Path, ".", "same.json"));

        Assert.Equal($"--output and --json name the same file ({_temp["same.json"]}): the figures would overwrite the tag model; give two files.", message);
        Assert.False(File.Exists(_temp["same.json"]));
    }
}
