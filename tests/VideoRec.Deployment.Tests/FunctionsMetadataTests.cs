using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.Azure.Functions.Worker;
using VideoRec.Deployment.Tests.Support;
using VideoRec.Functions;

namespace VideoRec.Deployment.Tests;

/// <summary>
/// The function app's build output, which <c>dotnet publish</c> copies: functions.metadata lists every function with
/// its trigger, extensions.json the binding extensions the host loads, and host.json is the repository's.
/// </summary>
public sealed class FunctionsMetadataTests
{
    [Fact]
    public void Metadata_lists_every_function_with_its_trigger_and_authorization()
    {
        var functions = FunctionsMetadata.Load().ToDictionary(f => f.Name);

        (string Name, string Trigger, string? Auth, string? Route, string[] Methods)[] expected =
        [
            ("Recommend", "httpTrigger", "Anonymous", "users/{userId}/recommendations", ["get"]),
            ("SimilarVideos", "httpTrigger", "Anonymous", "videos/{videoId}/similar", ["get"]),
            ("Health", "httpTrigger", "Anonymous", "health", ["get"]),
            ("IngestEvents", "httpTrigger", "Function", "events", ["post"]),
            ("UpsertVideo", "httpTrigger", "Function", "videos/{videoId}", ["put"]),
            ("UpsertUser", "httpTrigger", "Function", "users/{userId}", ["put"]),
            ("UserAggregates", "httpTrigger", "Function", "users/{userId}/aggregates", ["get"]),
            ("VideoStatistics", "httpTrigger", "Function", "videos/{videoId}/statistics", ["get"]),
            ("DeleteUser", "httpTrigger", "Function", "users/{userId}", ["delete"]),
            ("Metrics", "httpTrigger", "Function", "metrics", ["get"]),
            ("ProcessEvents", "queueTrigger", null, null, []),
            ("RefreshEmbeddings", "queueTrigger", null, null, []),
            ("PublishModelBundle", "timerTrigger", null, null, []),
        ];
        Assert.Equal(expected.Select(e => e.Name).Order(), functions.Keys.Order());
        foreach (var (name, trigger, auth, route, methods) in expected)
        {
            var binding = functions[name].Trigger;
            Assert.Equal((name, trigger, "In", auth, route), (name, binding.Type, binding.Direction, binding.AuthLevel, binding.Route));
            Assert.Equal(methods, binding.Methods);
        }
    }

    [Fact]
    public void Queue_and_timer_triggers_read_their_settings()
    {
        var functions = FunctionsMetadata.Load().ToDictionary(f => f.Name);

        Assert.Equal(("%VideoRec:EventQueue%", "VideoRec:QueueConnection"), (functions["ProcessEvents"].Trigger.QueueName, functions["ProcessEvents"].Trigger.Connection));
        Assert.Equal(("%VideoRec:EmbeddingQueue%", "VideoRec:QueueConnection"), (functions["RefreshEmbeddings"].Trigger.QueueName, functions["RefreshEmbeddings"].Trigger.Connection));
        Assert.Equal(ModelFunctions.Schedule, functions["PublishModelBundle"].Trigger.Schedule);
        Assert.Equal("0 */5 * * * *", ModelFunctions.Schedule);
        // Every HTTP function answers through the ASP.NET Core integration's output binding.
        Assert.All(functions.Values.Where(f => f.Trigger.Type == "httpTrigger"), f => Assert.Contains(f.Bindings, b => b.Type == "http" && b.Direction == "Out"));
    }

    [Fact]
    public void Metadata_matches_the_function_attributes_in_the_code()
    {
        var inCode = typeof(FunctionServices).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<FunctionAttribute>()))
            .Where(m => m.Attribute is not null)
            .ToDictionary(m => m.Attribute!.Name, m => $"{m.Method.DeclaringType!.FullName}.{m.Method.Name}");

        var metadata = FunctionsMetadata.Load().ToDictionary(f => f.Name, f => f.EntryPoint);

        Assert.Equal(inCode.OrderBy(p => p.Key), metadata.OrderBy(p => p.Key));
    }

    [Fact]
    public void Extensions_json_names_the_storage_queue_extension_and_host_json_is_the_repositorys()
    {
        var extensions = JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.FunctionsOutput, "extensions.json")))!["extensions"]!.AsArray();
        var names = extensions.Select(e => (string)e!["name"]!).ToList();

        Assert.Contains("AzureStorageQueues", names);
        Assert.All(extensions, e => Assert.StartsWith("./.azurefunctions/", (string?)e!["hintPath"], StringComparison.Ordinal));
        Assert.Equal(File.ReadAllText(Path.Combine(Repository.Root, "host.json")), File.ReadAllText(Path.Combine(Repository.FunctionsOutput, "host.json")));
    }

    [Fact]
    public void Host_json_lets_the_app_poison_messages_itself_before_the_host_does()
    {
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.Root, "host.json")))!;
        var queues = host["extensions"]!["queues"]!;

        // The functions move a message to the poison queue, with its reason, on delivery 5 (MaxDeliveryAttempts);
        // the host's own move (no reason) must come later, as a backstop only.
        Assert.Equal(new Core.Ingestion.IngestionOptions().MaxDeliveryAttempts + 1, (int)queues["maxDequeueCount"]!);
        Assert.Equal(new Core.Embeddings.EmbeddingOptions().MaxDeliveryAttempts + 1, (int)queues["maxDequeueCount"]!);
        // The adapters write Base64 messages (StorageMessageQueue); the trigger must decode the same.
        Assert.Equal("base64", (string?)queues["messageEncoding"]);
        Assert.Equal((8, 4), ((int)queues["batchSize"]!, (int)queues["newBatchThreshold"]!));
        Assert.Equal("api", (string?)host["extensions"]!["http"]!["routePrefix"]);
        Assert.Equal("Request;Exception", (string?)host["logging"]!["applicationInsights"]!["samplingSettings"]!["excludedTypes"]);
    }
}
