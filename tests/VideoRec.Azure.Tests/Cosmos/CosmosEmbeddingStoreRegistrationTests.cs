using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using VideoRec.Azure.Cosmos;
using VideoRec.Azure.Tests.Support;
using VideoRec.Core.Embeddings;

namespace VideoRec.Azure.Tests.Cosmos;

/// <summary><see cref="AzureEmbeddingStoreServiceCollectionExtensions.AddCosmosEmbeddingStore"/> (no service is called).</summary>
public sealed class CosmosEmbeddingStoreRegistrationTests
{
    // The emulator's well-known key (not a secret); nothing connects while only resolving services.
    private const string Connection = "AccountEndpoint=https://127.0.0.1:1/;AccountKey=C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU9DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

    [Fact]
    public void FromAConnectionString_RegistersTheStoreAndOneClient()
    {
        var services = new ServiceCollection().AddCosmosEmbeddingStore(Connection);
        using var provider = new DescriptorServiceProvider(services);

        var store = provider.GetRequiredService<CosmosEmbeddingStore>();
        Assert.Same(store, provider.GetRequiredService<IEmbeddingStore>());
        Assert.Single(services, d => d.ServiceType == typeof(CosmosClient));
        provider.GetRequiredService<CosmosClient>().Dispose();
    }

    [Fact]
    public void ARegisteredClient_IsReused()
    {
        using var client = CosmosFeatureStore.CreateClient(Connection);
        var services = new ServiceCollection().AddSingleton(client).AddCosmosEmbeddingStore(connectionString: null);
        using var provider = new DescriptorServiceProvider(services);

        Assert.IsType<CosmosEmbeddingStore>(provider.GetRequiredService<IEmbeddingStore>());
        Assert.Single(services, d => d.ServiceType == typeof(CosmosClient));
        Assert.Same(client, provider.GetRequiredService<CosmosClient>());
    }

    [Fact]
    public void WithoutAClientOrConnection_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => new ServiceCollection().AddCosmosEmbeddingStore(connectionString: null));
    }
}
