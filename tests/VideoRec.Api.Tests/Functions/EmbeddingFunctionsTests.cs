using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using VideoRec.Api.Tests.Support;
using VideoRec.Azure;
using VideoRec.Azure.Cosmos;
using VideoRec.Azure.Embeddings;
using VideoRec.Azure.Queues;
using VideoRec.Core.Domain;
using VideoRec.Core.Embeddings;
using VideoRec.Core.Ingestion;
using VideoRec.Functions;
using VideoRec.Local.Embeddings;
using VideoRec.Local.Sqlite;

namespace VideoRec.Api.Tests.Functions;

/// <summary>The text-embedding part of the function app: adapters per setting, validation, and the refresh trigger.</summary>
public sealed class EmbeddingFunctionsTests : FunctionAppTests
{
    private Dictionary<string, string?> Sqlite(string? embeddings = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["VideoRec:ModelPath"] = Models(),
            ["VideoRec:Store"] = "Sqlite",
            ["VideoRec:DatabasePath"] = Path.Combine(Root, "store.db"),
            ["VideoRec:Queue"] = "Sqlite",
        };
        if (embeddings is not null)
        {
            settings["VideoRec:Embeddings"] = embeddings;
        }

        return settings;
    }

    [Fact]
    public void By_default_the_embedded_encoder_and_sqlite_embedding_adapters_are_registered()
    {
        var provider = Build(Sqlite());

        Assert.IsType<SqliteEmbeddingStore>(provider.GetRequiredService<IEmbeddingStore>());
        Assert.IsType<SqliteEmbeddingRefreshQueue>(provider.GetRequiredService<IEmbeddingRefreshQueue>());
        Assert.IsType<MiniLmEmbeddingGenerator>(provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
        var handler = provider.GetRequiredService<EmbeddingRefreshHandler>();
        Assert.Equal(("all-MiniLM-L6-v2", 384), (handler.ModelId, handler.Dimensions));
    }

    [Fact]
    public void Cosmos_and_storage_queues_give_the_azure_embedding_adapters()
    {
        var provider = Build(new()
        {
            ["VideoRec:ModelPath"] = Models(),
            ["VideoRec:Store"] = "Cosmos",
            ["VideoRec:CosmosEndpoint"] = "https://example.documents.azure.com:443/",
            ["VideoRec:Queue"] = "StorageQueue",
            ["VideoRec:QueueConnection"] = AzuriteConnection,
            ["VideoRec:EmbeddingQueue"] = "vrec-embeddings",
            ["VideoRec:Embeddings"] = "AzureOpenAI",
            ["VideoRec:OpenAIEndpoint"] = "https://example.openai.azure.com/",
            ["VideoRec:OpenAIDeployment"] = "text-embedding-3-small",
            ["VideoRec:OpenAIDimensions"] = "512",
            ["VideoRec:OpenAIApiKey"] = "not-a-real-key",
        });

        Assert.IsType<CosmosEmbeddingStore>(provider.GetRequiredService<IEmbeddingStore>());
        var queue = Assert.IsType<StorageQueueEmbeddingRefreshQueue>(provider.GetRequiredService<IEmbeddingRefreshQueue>());
        Assert.Equal(("vrec-embeddings", "vrec-embeddings-poison"), (queue.QueueName, queue.PoisonQueueName));
        Assert.Same(queue, provider.GetRequiredKeyedService<IPoisonSink>(AzureEmbeddingStoreServiceCollectionExtensions.EmbeddingRefreshQueueKey));
        Assert.IsType<StorageQueueEventQueue>(provider.GetRequiredService<IPoisonSink>()); // the event queue keeps the unkeyed sink
        Assert.IsType<AzureOpenAIEmbeddingGenerator>(provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
        var handler = provider.GetRequiredService<EmbeddingRefreshHandler>();
        Assert.Equal(("text-embedding-3-small", 512), (handler.ModelId, handler.Dimensions));
    }

    [Fact]
    public void None_registers_no_embedding_part_and_ingestion_still_resolves()
    {
        var provider = Build(Sqlite("None"));

        Assert.Null(provider.GetService<IEmbeddingStore>());
        Assert.Null(provider.GetService<IEmbeddingRefreshQueue>());
        Assert.Null(provider.GetService<EmbeddingRefreshHandler>());
        Assert.NotNull(provider.GetRequiredService<IngestionHandler>());
    }

    [Fact]
    public void Azure_openai_settings_are_validated_naming_each()
    {
        var settings = Sqlite("AzureOpenAI");
        settings["VideoRec:OpenAIEndpoint"] = "not a uri";
        settings["VideoRec:OpenAIDimensions"] = "0";
        settings["VideoRec:EmbeddingQueue"] = "events";
        settings["VideoRec:EventQueue"] = "events";
        var services = new ServiceCollection();
        services.AddVideoRecFunctions(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<FunctionSettings>>().Value);

        Assert.Contains("VideoRec:OpenAIEndpoint (app setting VideoRec__OpenAIEndpoint) must be an absolute URI", error.Message, StringComparison.Ordinal);
        Assert.Contains("VideoRec:OpenAIDeployment (app setting VideoRec__OpenAIDeployment) is required when VideoRec:Embeddings is AzureOpenAI.", error.Message, StringComparison.Ordinal);
        Assert.Contains("VideoRec:OpenAIDimensions must be between 1 and 3072, found 0.", error.Message, StringComparison.Ordinal);
        Assert.Contains("VideoRec:EmbeddingQueue must be a storage queue name (3–56 lower-case letters, digits or '-') other than the event queue, found 'events'.", error.Message, StringComparison.Ordinal);
        Assert.Equal(4, error.Failures.Count());
    }

    [Fact]
    public void An_unknown_embeddings_setting_is_named()
    {
        var services = new ServiceCollection();
        services.AddVideoRecFunctions(new ConfigurationBuilder().AddInMemoryCollection(Sqlite("Word2Vec")).Build());
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<FunctionSettings>>().Value);

        Assert.Contains("VideoRec:Embeddings (app setting VideoRec__Embeddings) must be MiniLm, AzureOpenAI or None, found 'Word2Vec'.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upserting_a_video_queues_a_refresh_that_the_trigger_turns_into_stored_embeddings()
    {
        var provider = Build(Sqlite());
        var ingestion = provider.GetRequiredService<IngestionHandler>();
        var upsert = await ingestion.UpsertVideoAsync("v1", """{"title":"Robots in space","tags":["sci-fi"]}"""u8.ToArray(), CancellationToken.None);
        Assert.True(upsert.Value!.Created);
        var queue = provider.GetRequiredService<SqliteEmbeddingRefreshQueue>();
        var message = Assert.Single(await queue.ReceiveAsync(10, TimeSpan.FromMinutes(1), CancellationToken.None));
        Assert.Equal("""{"videoIds":["v1"],"userIds":[]}""", message.Payload);

        var function = new EmbeddingFunctions(provider, NullLogger<EmbeddingFunctions>.Instance);
        await function.RefreshEmbeddings(message.Payload, 1, CancellationToken.None);

        var store = provider.GetRequiredService<IEmbeddingStore>();
        var title = await store.GetVideoEmbeddingAsync("v1", VideoTextField.Title, CancellationToken.None);
        var encoder = provider.GetRequiredService<MiniLmEmbeddingGenerator>();
        Assert.Equal(encoder.Embed(["Robots in space"])[0], title!.Vector);
        Assert.Equal(EmbeddingText.Hash("all-MiniLM-L6-v2", "Robots in space"), title.TextHash);
        Assert.NotNull(await store.GetVideoEmbeddingAsync("v1", VideoTextField.Tags, CancellationToken.None));
    }

    [Fact]
    public async Task An_unreadable_refresh_message_goes_to_the_poison_table_with_its_reason()
    {
        var provider = Build(Sqlite());
        var function = new EmbeddingFunctions(provider, NullLogger<EmbeddingFunctions>.Instance);

        await function.RefreshEmbeddings("{\"videoIds\":[\"\"],\"userIds\":[]}", 1, CancellationToken.None);

        var (payload, reason) = Assert.Single(provider.GetRequiredService<SqliteEmbeddingRefreshQueue>().Poisoned());
        Assert.Equal("{\"videoIds\":[\"\"],\"userIds\":[]}", payload);
        Assert.Equal("Not an embedding refresh message: an id is null or empty.", reason);
    }

    [Fact]
    public async Task Deleting_a_user_removes_their_search_history_embedding()
    {
        var provider = Build(Sqlite());
        var store = provider.GetRequiredService<IEmbeddingStore>();
        await store.PutUserSearchEmbeddingAsync(new UserSearchEmbedding("u1", "all-MiniLM-L6-v2", new float[384], 1, "h", DateTimeOffset.UnixEpoch), CancellationToken.None);

        var outcome = await provider.GetRequiredService<IngestionHandler>().DeleteUserAsync("u1", CancellationToken.None);

        Assert.True(outcome.Value);
        Assert.Null(await store.GetUserSearchEmbeddingAsync("u1", CancellationToken.None));
    }
}
