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
            throw new CliException($"--json: cannot write {path}: {e.Message}");
        }

        AnsiConsole.MarkupLine($"[grey]Wrote {Markup.Escape(Path.GetFullPath(path))}[/]");
    }

    /// <summary>Serializes <paramref name="value"/> with camelCase names (the HTTP API's shape) and writes it.</summary>
    public static void WriteObject<T>(string? path, T value) =>
        Write(path, JsonSerializer.SerializeToNode(value, CamelCase)!);
}
