using Azure.Core;
using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;

namespace VideoRec.Azure.EventHubs;

/// <summary>
/// <see cref="IEventHubSender"/> over the SDK's <see cref="EventHubProducerClient"/> (AMQP, the SDK's own retries).
/// One instance per process: the client keeps one connection and is safe to share.
/// </summary>
/// <param name="producer">The producer client.</param>
public sealed class EventHubProducerSender(EventHubProducerClient producer) : IEventHubSender, IAsyncDisposable
{
    /// <summary>
    /// A producer for <paramref name="hubName"/> in the namespace <paramref name="fullyQualifiedNamespace"/>
    /// (<c>name.servicebus.windows.net</c>) authenticated by <paramref name="credential"/> (a managed identity with
    /// Azure Event Hubs Data Sender).
    /// </summary>
    /// <exception cref="ArgumentException">A name is blank.</exception>
    public static EventHubProducerSender Create(string fullyQualifiedNamespace, string hubName, TokenCredential credential)
    {
        if (string.IsNullOrWhiteSpace(fullyQualifiedNamespace) || fullyQualifiedNamespace.Contains("://", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Give the Event Hubs namespace as a host name such as name.servicebus.windows.net, found '{fullyQualifiedNamespace}'.", nameof(fullyQualifiedNamespace));
        }

        if (string.IsNullOrWhiteSpace(hubName))
        {
            throw new ArgumentException("Give the event hub name.", nameof(hubName));
        }

        ArgumentNullException.ThrowIfNull(credential);
        return new EventHubProducerSender(new EventHubProducerClient(fullyQualifiedNamespace, hubName, credential));
    }

    /// <inheritdoc />
    public Task SendAsync(IReadOnlyList<EventData> events, string partitionKey, CancellationToken cancellationToken) =>
        producer.SendAsync(events, new SendEventOptions { PartitionKey = partitionKey }, cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => producer.DisposeAsync();
}
