using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using VideoRec.Api.Tests.Support;
using VideoRec.Azure.Cosmos;
using VideoRec.Azure.Queues;
using VideoRec.Core.Ingestion;
using VideoRec.Core.Serving;
using VideoRec.Functions;
using VideoRec.Local.Sqlite;

namespace VideoRec.Api.Tests.Functions;

/// <summary>
/// <see cref="FunctionServices.AddVideoRecFunctions"/> as Program.cs calls it: which adapters each setting picks, and
/// validation naming every missing or wrong setting at once.
/// </summary>
public sealed class FunctionServicesTests : FunctionAppTests
{
    private const string ModelPathMessage = "VideoRec:ModelPath (app setting VideoRec__ModelPath) is required: the model bundle folder to serve.";
    private const string CosmosMessage = "VideoRec:CosmosEndpoint (app setting VideoRec__CosmosEndpoint) is required when VideoRec:Store is Cosmos (or VideoRec:CosmosConnection for the emulator).";
    private const string QueueMessage = "VideoRec:QueueConnection:queueServiceUri (app setting VideoRec__QueueConnection__queueServiceUri) is required when VideoRec:Queue is StorageQueue (or VideoRec:QueueConnection as a connection string for Azurite).";

    private string Database => Path.Combine(Root, "store", "videorec.db");

    private static OptionsValidationException ValidationError(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddVideoRecFunctions(Configuration(settings));
        using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<FunctionSettings>>().Value);
        Assert.Equal(typeof(FunctionSettings), error.OptionsType);
        return error;
    }

    private static void AssertHandlersResolve(IServiceProvider provider)
    {
        Assert.NotNull(provider.GetRequiredService<IngestionHandler>());
        Assert.NotNull(provider.GetRequiredService<EventBatchProcessor>());
        Assert.NotNull(provider.GetRequiredService<RecommendationHandler>());
        Assert.IsType<WalsFoldInRefresher>(provider.GetRequiredService<IngestionRules>().Vectors);
        // The function classes as the worker activates them.
        Assert.NotNull(ActivatorUtilities.CreateInstance<IngestionFunctions>(provider));
        Assert.NotNull(ActivatorUtilities.CreateInstance<RecommendationFunctions>(provider));
    }

    [Fact]
    public void Sqlite_store_and_queue_table_resolve_the_embedded_adapters()
    {
        var provider = Build(new()
        {
            ["VideoRec:ModelPath"] = Models(),
            ["VideoRec:Store"] = "Sqlite",
            ["VideoRec:DatabasePath"] = Database,
            ["VideoRec:Queue"] = "Sqlite",
        });

        var settings = provider.GetRequiredService<IOptions<FunctionSettings>>().Value;
        Assert.Equal(("Sqlite", "Sqlite", Database), (settings.Store, settings.Queue, settings.DatabasePath));
        Assert.IsType<SqliteFeatureStore>(provider.GetRequiredService<IFeatureStore>());
        var queue = Assert.IsType<SqliteEventQueue>(provider.GetRequiredService<IEventQueue>());
        Assert.Same(queue, provider.GetRequiredService<IPoisonSink>());
        Assert.Same(queue, provider.GetRequiredService<IEventQueueSource>());
        Assert.Equal(Database, provider.GetRequiredService<SqliteDatabase>().Path);
        Assert.IsType<SqliteImpressionLog>(provider.GetRequiredService<VideoRec.Core.Online.IImpressionLog>());
        Assert.NotNull(ActivatorUtilities.CreateInstance<MetricsFunctions>(provider));
        AssertHandlersResolve(provider);
        Assert.True(File.Exists(Database));
    }

    [Fact]
    public void Serving_settings_and_an_experiment_come_from_app_settings()
    {
        var provider = Build(new()
        {
            ["VideoRec:ModelPath"] = Models(),
            ["VideoRec:Store"] = "Sqlite",
            ["VideoRec:DatabasePath"] = Database,
            ["VideoRec:Queue"] = "Sqlite",
            ["VideoRec:Serving:ProfileBudgetMs"] = "15",
            ["VideoRec:Serving:Rerank:DiversityLambda"] = "0.6",
            ["VideoRec:Serving:Candidates:Sources:fresh:Enabled"] = "false",
            ["VideoRec:Resilience:StoreTimeoutMs"] = "25",
            ["VideoRec:Experiment:Name"] = "homepage-a",
            ["VideoRec:Experiment:Arms:0:Name"] = "pipeline",
            ["VideoRec:Experiment:Arms:0:Traffic"] = "0.5",
            ["VideoRec:Experiment:Arms:1:Name"] = "popularity",
            ["VideoRec:Experiment:Arms:1:Traffic"] = "0.5",
            ["VideoRec:Experiment:Arms:1:Pipeline:Policy"] = "popularity",
        });

        var serving = provider.GetRequiredService<VideoRec.Core.Serving.Recommend.ServingModelOptions>();
        Assert.Equal(15, serving.ProfileBudgetMs);
        Assert.Equal(0.6, serving.Rerank.DiversityLambda);
        Assert.False(serving.Candidates.Sources["fresh"].Enabled);
        Assert.True(serving.Candidates.Sources["wals"].Enabled);
        Assert.Equal(25, provider.GetRequiredService<VideoRec.Api.Resilience.ServingResilienceOptions>().StoreTimeoutMs);
        var experiment = provider.GetRequiredService<VideoRec.Core.Serving.Recommend.ExperimentServing>();
        Assert.Equal(["pipeline", "popularity"], experiment.Arms.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("popularity", experiment.Route("u2").Arm);
        AssertHandlersResolve(provider);
    }

    [Fact]
    public void A_bad_serving_setting_stops_the_app_naming_it()
    {
        var error = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddVideoRecFunctions(Configuration(new()
        {
            ["VideoRec:ModelPath"] = Models(),
            ["VideoRec:Serving:ProfileBudgetMs"] = "0",
        })));

        Assert.Contains("ProfileBudgetMs must be 1–10000 ms (found 0).", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sqlite_store_with_a_storage_queue_connection_string_resolves_the_storage_queue()
    {
        var provider = Build(new()
        {
            ["VideoRec:ModelPath"] = Models(),
            ["VideoRec:Store"] = "Sqlite",
            ["VideoRec:DatabasePath"] = Database,
            ["VideoRec:Queue"] = "StorageQueue",
            ["VideoRec:QueueConnection"] = AzuriteConnection,
            ["VideoRec:EventQueue"] = "vrec-events",
        });

        Assert.IsType<SqliteFeatureStore>(provider.GetRequiredService<IFeatureStore>());
        var queue = Assert.IsType<StorageQueueEventQueue>(provider.GetRequiredService<IEventQueue>());
        Assert.Equal(("vrec-events", "vrec-events-poison"), (queue.QueueName, queue.PoisonQueueName));
        Assert.Same(queue, provider.GetRequiredService<IPoisonSink>());
        Assert.Same(queue, provider.GetRequiredService<IEventQueueSource>());
        // The queue table is not registered when the storage queue is used.
        Assert.Null(provider.GetService<SqliteEventQueue>());
        AssertHandlersResolve(provider);
    }

    [Fact]
    public void Cosmos_store_and_identity_based_storage_queue_resolve_without_the_network()
    {
        var settings = new Dictionary<string, string?>
        {
            ["VideoRec:ModelPath"] = Models(),
            ["VideoRec:Store"] = "Cosmos",
            ["VideoRec:CosmosEndpoint"] = "https://example.documents.azure.com:443/",
            ["VideoRec:Queue"] = "StorageQueue",
            ["VideoRec:QueueConnection:queueServiceUri"] = "https://example.queue.core.windows.net",
        };
        var provider = Build(settings);

        var options = provider.GetRequiredService<IOptions<FunctionSettings>>().Value;
        Assert.Null(options.QueueConnection);
        Assert.Equal("https://example.queue.core.windows.net", options.QueueServiceUri);
        Assert.Equal("https://example.queue.core.windows.net", FunctionServices.Read(Configuration(settings)).QueueServiceUri);
        Assert.IsType<CosmosFeatureStore>(provider.GetRequiredService<IFeatureStore>());
        var queue = Assert.IsType<StorageQueueEventQueue>(provider.GetRequiredService<IEventQueue>());
        Assert.Equal(("events", "events-poison"), (queue.QueueName, queue.PoisonQueueName));
        Assert.Null(provider.GetService<SqliteDatabase>());
        AssertHandlersResolve(provider);
    }

    [Fact]
    public void Cosmos_connection_string_is_enough_for_the_store()
    {
        var provider = Build(new()
        {
            ["VideoRec:ModelPath"] = Models(),
            ["VideoRec:Store"] = "Cosmos",
            ["VideoRec:CosmosConnection"] = "AccountEndpoint=https://127.0.0.1:1/;AccountKey=C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==;",
            ["VideoRec:Queue"] = "StorageQueue",
            ["VideoRec:QueueConnection"] = AzuriteConnection,
        });

        Assert.IsType<CosmosFeatureStore>(provider.GetRequiredService<IFeatureStore>());
        Assert.IsType<StorageQueueEventQueue>(provider.GetRequiredService<IEventQueue>());
    }

    [Fact]
    public void Cosmos_without_endpoint_and_storage_queue_without_connection_name_both_and_the_model_path()
    {
        var error = ValidationError(new() { ["VideoRec:Store"] = "Cosmos", ["VideoRec:Queue"] = "StorageQueue" });

        Assert.Equal([ModelPathMessage, CosmosMessage, QueueMessage], Messages(error).OrderBy(Rank));
        Assert.All([ModelPathMessage, CosmosMessage, QueueMessage], m => Assert.Contains(m, error.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Cosmos_without_endpoint_is_named_when_the_model_path_is_given()
    {
        var error = ValidationError(new()
        {
            ["VideoRec:ModelPath"] = "/models",
            ["VideoRec:Store"] = "Cosmos",
            ["VideoRec:Queue"] = "StorageQueue",
        });

        Assert.Equal([CosmosMessage, QueueMessage], Messages(error).OrderBy(Rank));
    }

    [Fact]
    public void Blank_cosmos_and_queue_settings_count_as_missing()
    {
        // App settings that exist but are empty (VideoRec__CosmosEndpoint=) must be named, not fail a client constructor.
        var error = ValidationError(new()
        {
            ["VideoRec:ModelPath"] = "/models",
            ["VideoRec:Store"] = "Cosmos",
            ["VideoRec:CosmosEndpoint"] = "",
            ["VideoRec:CosmosConnection"] = " ",
            ["VideoRec:Queue"] = "StorageQueue",
            ["VideoRec:QueueConnection"] = "",
        });

        Assert.Equal([CosmosMessage, QueueMessage], Messages(error).OrderBy(Rank));
    }

    [Theory]
    [InlineData("example.documents.azure.com", "example queue")]
    [InlineData("/var/cosmos", "file:///var/queue")] // absolute on Unix, but not an account endpoint
    public void Endpoints_that_are_not_absolute_http_uris_are_named(string cosmos, string queue)
    {
        var error = ValidationError(new()
        {
            ["VideoRec:ModelPath"] = "/models",
            ["VideoRec:Store"] = "Cosmos",
            ["VideoRec:CosmosEndpoint"] = cosmos,
            ["VideoRec:Queue"] = "StorageQueue",
            ["VideoRec:QueueConnection:queueServiceUri"] = queue,
        });

        Assert.Equal(
            [
                $"VideoRec:CosmosEndpoint must be an absolute URI such as https://account.documents.azure.com:443/, found '{cosmos}'.",
                $"VideoRec:QueueConnection:queueServiceUri must be an absolute URI such as https://account.queue.core.windows.net, found '{queue}'.",
            ],
            Messages(error).OrderBy(Rank));
    }

    [Fact]
    public void The_default_queue_is_the_storage_queue_and_needs_its_connection()
    {
        var error = ValidationError(new() { ["VideoRec:ModelPath"] = "/models" });

        Assert.Equal([QueueMessage], Messages(error));
    }

    [Fact]
    public void A_blank_database_path_and_a_bad_event_queue_name_are_both_named()
    {
        var error = ValidationError(new()
        {
            ["VideoRec:ModelPath"] = "/models",
            ["VideoRec:Store"] = "Sqlite",
            ["VideoRec:DatabasePath"] = " ",
            ["VideoRec:Queue"] = "StorageQueue",
            ["VideoRec:QueueConnection"] = AzuriteConnection,
            ["VideoRec:EventQueue"] = "Events_Queue",
        });

        Assert.Equal(
            [
                "VideoRec:DatabasePath (app setting VideoRec__DatabasePath) is required when VideoRec:Store is Sqlite.",
                "VideoRec:EventQueue must be a storage queue name (3–56 lower-case letters, digits or '-'), found 'Events_Queue'.",
            ],
            Messages(error));
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("events!")]
    [InlineData("")]
    public void An_invalid_event_queue_name_is_named(string name)
    {
        var error = ValidationError(new()
        {
            ["VideoRec:ModelPath"] = "/models",
            ["VideoRec:Queue"] = "Sqlite",
            ["VideoRec:EventQueue"] = name,
        });

        Assert.Equal([$"VideoRec:EventQueue must be a storage queue name (3–56 lower-case letters, digits or '-'), found '{name}'."], Messages(error));
    }

    [Fact]
    public void Unknown_store_and_queue_are_named_with_every_other_missing_setting()
    {
        var error = ValidationError(new() { ["VideoRec:Store"] = "Bogus", ["VideoRec:Queue"] = "Carrier-Pigeon" });

        Assert.Equal(
            [
                ModelPathMessage,
                "VideoRec:Store (app setting VideoRec__Store) must be Sqlite or Cosmos, found 'Bogus'.",
                "VideoRec:Queue (app setting VideoRec__Queue) must be Sqlite or StorageQueue, found 'Carrier-Pigeon'.",
            ],
            Messages(error).OrderBy(Rank));
    }

    [Fact]
    public async Task Host_start_fails_validation_on_start_naming_every_missing_setting()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["VideoRec:Store"] = "Cosmos" });
        builder.Services.AddVideoRecFunctions(builder.Configuration);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal([ModelPathMessage, CosmosMessage, QueueMessage], Messages(error).OrderBy(Rank));
    }

    /// <summary>
    /// The messages of each failure, without the wrapper DataAnnotations validation puts around them
    /// ("DataAnnotation validation failed for 'FunctionSettings' members: 'X' with the error: 'MESSAGE'."); each must
    /// also be in the exception's message, which is what start-up prints.
    /// </summary>
    private static string[] Messages(OptionsValidationException error)
    {
        const string Marker = "with the error: '";
        return error.Failures.Select(failure =>
        {
            Assert.StartsWith("DataAnnotation validation failed for 'FunctionSettings' members: ", failure, StringComparison.Ordinal);
            Assert.EndsWith("'.", failure, StringComparison.Ordinal);
            Assert.Contains(failure, error.Message, StringComparison.Ordinal);
            var start = failure.IndexOf(Marker, StringComparison.Ordinal) + Marker.Length;
            return failure[start..^2];
        }).ToArray();
    }

    /// <summary>Orders messages as the settings are declared: model path, store, queue, database, Cosmos, queue connection, event queue.</summary>
    private static int Rank(string message) =>
        message.StartsWith("VideoRec:ModelPath", StringComparison.Ordinal) ? 0
        : message.StartsWith("VideoRec:Store", StringComparison.Ordinal) ? 1
        : message.StartsWith("VideoRec:Queue ", StringComparison.Ordinal) ? 2
        : message.StartsWith("VideoRec:DatabasePath", StringComparison.Ordinal) ? 3
        : message.StartsWith("VideoRec:Cosmos", StringComparison.Ordinal) ? 4
        : message.StartsWith("VideoRec:QueueConnection", StringComparison.Ordinal) ? 5
        : 6;
}
