using Microsoft.Extensions.DependencyInjection;
using VideoRec.Azure.Bundles;
using VideoRec.Azure.EventHubs;
using VideoRec.Azure.Tests.Support;
using VideoRec.Core.Bundles.Publishing;

namespace VideoRec.Azure.Tests.EventHubs;

/// <summary>The DI registrations of the Event Hubs producer and the blob model bundle source resolve without connecting.</summary>
public sealed class AzurePublishingRegistrationTests
{
    [Fact]
    public async Task The_publisher_resolves_over_the_producer_sender()
    {
        using var provider = new DescriptorServiceProvider(new ServiceCollection()
            .AddEventHubsPublisher("ns.servicebus.windows.net", "interactions", new Bundles.StaticTokenCredential(), new EventHubsPublisherOptions { MaxBatchBytes = 250_000 }));

        Assert.NotNull(provider.GetRequiredService<EventHubsEventPublisher>());
        var sender = Assert.IsType<EventHubProducerSender>(provider.GetRequiredService<IEventHubSender>());
        await sender.DisposeAsync();
    }

    [Fact]
    public void A_publisher_with_a_uri_for_a_namespace_is_refused_at_registration()
    {
        var error = Assert.Throws<ArgumentException>(() => new ServiceCollection()
            .AddEventHubsPublisher("sb://ns.servicebus.windows.net/", "interactions", new Bundles.StaticTokenCredential()));

        Assert.Contains("as a host name such as name.servicebus.windows.net", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_blob_source_resolves_as_the_model_bundle_source()
    {
        using var provider = new DescriptorServiceProvider(new ServiceCollection()
            .AddBlobModelBundleSource(new Uri("https://account.blob.core.windows.net/models"), new Bundles.StaticTokenCredential()));

        var source = Assert.IsType<BlobModelBundleSource>(provider.GetRequiredService<IModelBundleSource>());
        Assert.Equal("https://account.blob.core.windows.net/models", source.Location);
    }
}
