using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using VideoRec.Core.Common;

namespace VideoRec.Cli.Infrastructure;

/// <summary>Writes a command's figures to the file named by <c>--json</c>.</summary>
public static class JsonOutput
{
    private static readonly JsonSerializerOptions CamelCase = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Writes <paramref name="node"/> when <paramref name="path"/> is set, and says so.</summary>
    public static void Write(string? path, JsonNode node)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return;
        }

        JsonFiles.Write(path, node);
        AnsiConsole.MarkupLine($"[grey]Wrote {Markup.Escape(Path.GetFullPath(path))}[/]");
    }

    /// <summary>Serializes <paramref name="value"/> with camelCase names (the HTTP API's shape) and writes it.</summary>
    public static void WriteObject<T>(string? path, T value) =>
        Write(path, JsonSerializer.SerializeToNode(value, CamelCase)!);
}
