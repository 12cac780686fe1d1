using Azure.Core;
using Microsoft.Extensions.DependencyInjection;
using VideoRec.Azure.Bundles;
using VideoRec.Azure.EventHubs;
using VideoRec.Core.Bundles.Publishing;

namespace VideoRec.Azure;

/// <summary>DI registration of the blob model bundle source and the Event Hubs producer.</summary>
public static class AzurePublishingServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="BlobModelBundleSource"/> as <see cref="IModelBundleSource"/>, reading the container at
    /// <paramref name="containerUri"/> with <paramref name="credential"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The URI does not name a container.</exception>
    public static IServiceCollection AddBlobModelBundleSource(this IServiceCollection services, Uri containerUri, TokenCredential credential)
    {
        ArgumentNullException.ThrowIfNull(services);
        var container = BlobModelBundleSource.CreateContainerClient(containerUri, credential);
        services.AddSingleton<IModelBundleSource>(new BlobModelBundleSource(container));
        return services;
    }

    /// <summary>
    /// Registers <see cref="EventHubsEventPublisher"/> sending to <paramref name="hubName"/> in
    /// <paramref name="fullyQualifiedNamespace"/> with <paramref name="credential"/> (the connection opens on first send).
    /// </summary>
    /// <exception cref="ArgumentException">A name is blank or the namespace is a URI instead of a host name.</exception>
    public static IServiceCollection AddEventHubsPublisher(this IServiceCollection services, string fullyQualifiedNamespace, string hubName,
        TokenCredential credential, EventHubsPublisherOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var sender = EventHubProducerSender.Create(fullyQualifiedNamespace, hubName, credential);
        services.AddSingleton<IEventHubSender>(sender);
        services.AddSingleton(sp => new EventHubsEventPublisher(sp.GetRequiredService<IEventHubSender>(), options));
        return services;
    }
}
