using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using VideoRec.Core.Common;

namespace VideoRec.Cli.Infrastructure;

/// <summary>Writes a command's figures to the file named by <c>--json</c>.</summary>
public static class JsonOutput
{
    private static readonly JsonSerializerOptions CamelCase = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>
    /// Fails early (before long work) when <paramref name="path"/> cannot be a JSON output file: empty, a folder, or in
    /// a folder that cannot be created.
    /// </summary>
    /// <exception cref="CliException">The message names --json and the path.</exception>
    public static void CheckWritable(string? path, string option = "--json")
    {
        if (path is null)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(path))
        {
            throw new CliException($"{option}: the file name is empty.");
        }

        if (Directory.Exists(path))
        {
            throw new CliException($"{option}: {path} is a folder; give a file name.");
        }

        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"{option}: cannot create the folder of {path}: {e.Message}");
        }
    }

    /// <summary>
    /// Whether <paramref name="first"/> and <paramref name="second"/> name one file: the same full path, or the same
    /// file after following symbolic links.
    /// </summary>
    public static bool SameFile(string first, string second)
    {
        if (string.IsNullOrWhiteSpace(first) || string.IsNullOrWhiteSpace(second))
        {
            return false;
        }

        return string.Equals(Resolve(first), Resolve(second), StringComparison.Ordinal);
    }

    /// <summary>The full path of <paramref name="path"/> with a final symbolic link followed.</summary>
    private static string Resolve(string path)
    {
        try
        {
            var full = Path.GetFullPath(path);
            var info = new FileInfo(full);
            return info.LinkTarget is null ? full : Path.GetFullPath(info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return path;
        }
    }

    /// <summary>Writes <paramref name="node"/> when <paramref name="path"/> is set, and says so.</summary>
    /// <exception cref="CliException">The file cannot be written; the message names --json.</exception>
    public static void Write(string? path, JsonNode node)
    {
        if (path is null)
        {
            return;
        }

        CheckWritable(path);
        try
        {
            JsonFiles.Write(path, node);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CannotWrite("--json", path, e);
        }

        AnsiConsole.MarkupLine($"[grey]Wrote {Markup.Escape(Path.GetFullPath(path))}[/]");
    }

    /// <summary>"OPTION: cannot write PATH: reason", naming the path once.</summary>
    public static CliException CannotWrite(string option, string path, Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.Message.StartsWith(path + ": ", StringComparison.Ordinal)
            ? new CliException($"{option}: cannot write {error.Message}")
            : new CliException($"{option}: cannot write {path}: {error.Message}");
    }

    /// <summary>Serializes <paramref name="value"/> with camelCase names (the HTTP API's shape) and writes it.</summary>
    public static void WriteObject<T>(string? path, T value) =>
        Write(path, JsonSerializer.SerializeToNode(value, CamelCase)!);
}
