using Azure.Core;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using VideoRec.Azure.Cosmos;
using VideoRec.Azure.Queues;
using VideoRec.Core.Embeddings;
using VideoRec.Core.Ingestion;

namespace VideoRec.Azure;

/// <summary>DI registration of the Azure embedding store and embedding refresh queue.</summary>
public static class AzureEmbeddingStoreServiceCollectionExtensions
{
    /// <summary>
    /// The key of the embedding refresh queue's keyed <see cref="IEventQueueSource"/> and <see cref="IPoisonSink"/>
    /// registrations (the unkeyed ones belong to the event queue).
    /// </summary>
    public const string EmbeddingRefreshQueueKey = "embedding-refresh";

    /// <summary>
    /// Registers <see cref="CosmosEmbeddingStore"/> (as itself and as <see cref="IEmbeddingStore"/>) on the
    /// <see cref="CosmosClient"/> already registered, and registers one from a connection string or, when
    /// <paramref name="connectionString"/> is <c>null</c>, from <paramref name="endpoint"/> with
    /// <paramref name="credential"/> when none is. One client per account and process is what the SDK advises, so
    /// register the feature store's client as <see cref="CosmosClient"/> to have both stores share it; give the same
    /// <paramref name="options"/> as the feature store (database, <c>userState</c> container).
    /// </summary>
    /// <exception cref="ArgumentException">No client is registered and neither a connection string nor an endpoint and credential is given.</exception>
    public static IServiceCollection AddCosmosEmbeddingStore(this IServiceCollection services, string? connectionString, Uri? endpoint = null,
        TokenCredential? credential = null, CosmosFeatureStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!services.Any(s => s.ServiceType == typeof(CosmosClient) && !s.IsKeyedService))
        {
            var client = connectionString is not null ? CosmosFeatureStore.CreateClient(connectionString)
                : endpoint is not null && credential is not null ? CosmosFeatureStore.CreateClient(endpoint, credential)
                : throw new ArgumentException("Give a Cosmos DB connection string, or an account endpoint and a credential (or register a CosmosClient).");
            services.AddSingleton(client);
        }

        services.TryAddSingleton(sp => new CosmosEmbeddingStore(sp.GetRequiredService<CosmosClient>(), options));
        services.TryAddSingleton<IEmbeddingStore>(sp => sp.GetRequiredService<CosmosEmbeddingStore>());
        return services;
    }

    /// <summary>
    /// Registers <see cref="StorageQueueEmbeddingRefreshQueue"/> as itself and as <see cref="IEmbeddingRefreshQueue"/>,
    /// and as the keyed <see cref="IEventQueueSource"/> and <see cref="IPoisonSink"/> under
    /// <see cref="EmbeddingRefreshQueueKey"/>, from a connection string (Azurite, or a storage account key) or, when
    /// <paramref name="connectionString"/> is <c>null</c>, from <paramref name="serviceUri"/> with
    /// <paramref name="credential"/> (a managed identity). The unkeyed <see cref="IEventQueueSource"/> stays the event
    /// queue's (<see cref="AzureServiceCollectionExtensions.AddStorageQueue"/>): a consumer of the refresh queue, such as
    /// <see cref="EmbeddingRefreshWorker"/>, takes
    /// <c>sp.GetRequiredService&lt;StorageQueueEmbeddingRefreshQueue&gt;()</c> or
    /// <c>sp.GetRequiredKeyedService&lt;IEventQueueSource&gt;(EmbeddingRefreshQueueKey)</c> (or
    /// <c>[FromKeyedServices(EmbeddingRefreshQueueKey)]</c> on a constructor parameter).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="connectionString">A storage connection string, or <c>null</c> to use <paramref name="serviceUri"/>.</param>
    /// <param name="serviceUri">The queue endpoint, such as <c>https://account.queue.core.windows.net</c>.</param>
    /// <param name="credential">The identity for <paramref name="serviceUri"/>.</param>
    /// <param name="options">Queue names, sizes and retries; <c>null</c> for <see cref="StorageQueueEmbeddingRefreshQueue.DefaultOptions"/>.</param>
    /// <exception cref="ArgumentException">Neither a connection string nor a service URI and credential is given.</exception>
    public static IServiceCollection AddStorageEmbeddingRefreshQueue(this IServiceCollection services, string? connectionString, Uri? serviceUri = null,
        TokenCredential? credential = null, StorageQueueOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var client = connectionString is not null ? StorageMessageQueue.CreateServiceClient(connectionString)
            : serviceUri is not null && credential is not null ? StorageMessageQueue.CreateServiceClient(serviceUri, credential)
            : throw new ArgumentException("Give a queue connection string, or a queue service URI and a credential.");
        services.AddSingleton(sp => new StorageQueueEmbeddingRefreshQueue(client, options, sp.GetService<TimeProvider>()));
        services.AddSingleton<IEmbeddingRefreshQueue>(sp => sp.GetRequiredService<StorageQueueEmbeddingRefreshQueue>());
        services.AddKeyedSingleton<IEventQueueSource>(EmbeddingRefreshQueueKey, (sp, _) => sp.GetRequiredService<StorageQueueEmbeddingRefreshQueue>());
        services.AddKeyedSingleton<IPoisonSink>(EmbeddingRefreshQueueKey, (sp, _) => sp.GetRequiredService<StorageQueueEmbeddingRefreshQueue>());
        return services;
    }
}
