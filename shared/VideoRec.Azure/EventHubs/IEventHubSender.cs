using Azure.Messaging.EventHubs;

namespace VideoRec.Azure.EventHubs;

/// <summary>Sends one batch of events with one partition key: the single call <see cref="EventHubsEventPublisher"/> makes of the service.</summary>
public interface IEventHubSender
{
    /// <summary>Sends <paramref name="events"/> as one batch, all routed by <paramref name="partitionKey"/>.</summary>
    Task SendAsync(IReadOnlyList<EventData> events, string partitionKey, CancellationToken cancellationToken);
}
