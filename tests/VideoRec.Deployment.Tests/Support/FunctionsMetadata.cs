using System.Text.Json.Nodes;

namespace VideoRec.Deployment.Tests.Support;

/// <summary>One binding of a function in functions.metadata.</summary>
internal sealed record Binding(string Type, string Direction, string? AuthLevel, string? Route, string[] Methods, string? QueueName, string? Connection, string? Schedule);

/// <summary>One function in functions.metadata.</summary>
internal sealed record FunctionEntry(string Name, string EntryPoint, IReadOnlyList<Binding> Bindings)
{
    public Binding Trigger => Bindings.Single(b => b.Type.EndsWith("Trigger", StringComparison.Ordinal));
}

/// <summary>The functions.metadata the Functions SDK writes into the function app's build (and publish) output.</summary>
internal static class FunctionsMetadata
{
    public static string Path => System.IO.Path.Combine(Repository.FunctionsOutput, "functions.metadata");

    public static IReadOnlyList<FunctionEntry> Load()
    {
        Assert.True(File.Exists(Path), $"{Path} is missing: build functions/VideoRec.Functions in {Repository.Configuration} first.");
        return JsonNode.Parse(File.ReadAllText(Path))!.AsArray().Select(f => new FunctionEntry(
            (string)f!["name"]!,
            (string)f["entryPoint"]!,
            f["bindings"]!.AsArray().Select(b => new Binding(
                (string)b!["type"]!,
                (string)b["direction"]!,
                (string?)b["authLevel"],
                (string?)b["route"],
                b["methods"]?.AsArray().Select(m => (string)m!).ToArray() ?? [],
                (string?)b["queueName"],
                (string?)b["connection"],
                (string?)b["schedule"])).ToList())).ToList();
    }
}
