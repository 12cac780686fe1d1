using System.Text.Json;
using System.Text.Json.Nodes;

namespace VideoRec.Core.Common;

/// <summary>Writes JSON documents to files, indented, creating the folder.</summary>
public static class JsonFiles
{
    /// <summary>Serializer options used for every JSON file the project writes.</summary>
    public static JsonSerializerOptions Options { get; } = new() { WriteIndented = true };

    /// <summary>Writes <paramref name="node"/> to <paramref name="path"/>, atomically replacing any existing file.</summary>
    public static void Write(string path, JsonNode node)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = full + ".tmp";
        File.WriteAllText(temporary, node.ToJsonString(Options) + Environment.NewLine);
        File.Move(temporary, full, overwrite: true);
    }
}
