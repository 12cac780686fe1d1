using System.Text.Json;
using System.Text.Json.Nodes;

namespace VideoRec.Core.Common;

/// <summary>Writes JSON documents to files, indented, creating the folder.</summary>
public static class JsonFiles
{
    /// <summary>Serializer options used for every JSON file the project writes.</summary>
    public static JsonSerializerOptions Options { get; } = new() { WriteIndented = true };

    /// <summary>
    /// Writes <paramref name="node"/> to <paramref name="path"/> with <see cref="AtomicFile"/>: a regular file is replaced
    /// atomically, a symbolic link's target is written (the link stays), a device such as <c>/dev/null</c> is written in place.
    /// </summary>
    /// <exception cref="IOException">The file cannot be written; the message names <paramref name="path"/>.</exception>
    /// <exception cref="UnauthorizedAccessException">Permission denied; the message names <paramref name="path"/>.</exception>
    public static void Write(string path, JsonNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        AtomicFile.WriteAllText(path, node.ToJsonString(Options) + Environment.NewLine);
    }
}
