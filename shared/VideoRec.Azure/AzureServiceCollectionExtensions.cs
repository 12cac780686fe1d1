using Azure.Core;
using Microsoft.Extensions.DependencyInjection;
using VideoRec.Azure.Cosmos;
using VideoRec.Azure.Queues;
using VideoRec.Core.Ingestion;

namespace VideoRec.Azure;

/// <summary>DI registration of the Azure adapters.</summary>
public static class AzureServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Azure Storage queue as <see cref="IEventQueue"/>, <see cref="IEventQueueSource"/> and
    /// <see cref="IPoisonSink"/>, from a connection string (Azurite, or a storage account key) or, when
    /// <paramref name="connectionString"/> is <c>null</c>, from <paramref name="serviceUri"/> with <paramref name="credential"/>
    /// (a managed identity).
    /// </summary>
    /// <exception cref="ArgumentException">Neither a connection string nor a service URI and credential is given.</exception>
    public static IServiceCollection AddStorageQueue(this IServiceCollection services, string? connectionString, Uri? serviceUri = null,
        TokenCredential? credential = null, StorageQueueOptions? options = null)
    {
        var client = connectionString is not null ? StorageQueueEventQueue.CreateServiceClient(connectionString)
            : serviceUri is not null && credential is not null ? StorageQueueEventQueue.CreateServiceClient(serviceUri, credential)
            : throw new ArgumentException("Give a queue connection string, or a queue service URI and a credential.");
        services.AddSingleton(sp => new StorageQueueEventQueue(client, options, sp.GetService<TimeProvider>()));
        services.AddSingleton<IEventQueue>(sp => sp.GetRequiredService<StorageQueueEventQueue>());
        services.AddSingleton<IEventQueueSource>(sp => sp.GetRequiredService<StorageQueueEventQueue>());
        services.AddSingleton<IPoisonSink>(sp => sp.GetRequiredService<StorageQueueEventQueue>());
        return services;
    }

    /// <summary>
    /// Registers the Cosmos DB feature store as <see cref="IFeatureStore"/>, from a connection string or, when
    /// <paramref name="connectionString"/> is <c>null</c>, from <paramref name="endpoint"/> with <paramref name="credential"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Neither a connection string nor an endpoint and credential is given.</exception>
    public static IServiceCollection AddCosmosFeatureStore(this IServiceCollection services, string? connectionString, Uri? endpoint = null,
        TokenCredential? credential = null, CosmosFeatureStoreOptions? options = null)
    {
        var client = connectionString is not null ? CosmosFeatureStore.CreateClient(connectionString)
            : endpoint is not null && credential is not null ? CosmosFeatureStore.CreateClient(endpoint, credential)
            : throw new ArgumentException("Give a Cosmos DB connection string, or an account endpoint and a credential.");
        services.AddSingleton<IFeatureStore>(_ => new CosmosFeatureStore(client, options));
        return services;
    }
}
