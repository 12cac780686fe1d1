using Azure.Messaging.EventHubs;
using VideoRec.Core.Ingestion;

namespace VideoRec.Azure.EventHubs;

/// <summary>What one <see cref="EventHubsEventPublisher.PublishAsync"/> sent.</summary>
/// <param name="Events">Events sent.</param>
/// <param name="Batches">Batches (service calls) they took.</param>
public sealed record PublishResult(int Events, int Batches);

/// <summary>
/// Sends interaction events to Event Hubs for clients whose volume would crowd the HTTP endpoint: one event per
/// Event Hubs event (the body is <see cref="EventBatchCodec.SerializeEvent"/>'s JSON, content type
/// <c>application/json</c>, property <c>contract</c> = 1), partition key = user id so each user's events stay in
/// order in one partition, and events grouped into batches that respect the hub's size limit.
/// </summary>
public sealed class EventHubsEventPublisher
{
    /// <summary>Content type of every event body.</summary>
    public const string ContentType = "application/json";

    /// <summary>Application property carrying the event contract version.</summary>
    public const string ContractProperty = "contract";

    private readonly IEventHubSender _sender;
    private readonly EventHubsPublisherOptions _options;

    /// <summary>Publishes through <paramref name="sender"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public EventHubsEventPublisher(IEventHubSender sender, EventHubsPublisherOptions? options = null)
    {
        _sender = sender ?? throw new ArgumentNullException(nameof(sender));
        _options = (options ?? new EventHubsPublisherOptions()).Validate();
    }

    /// <summary>The Event Hubs event for <paramref name="ingestEvent"/>.</summary>
    public static EventData ToEventData(IngestEvent ingestEvent)
    {
        var data = new EventData(EventBatchCodec.SerializeEvent(ingestEvent))
        {
            ContentType = ContentType,
            MessageId = ingestEvent.EventId,
        };
        data.Properties[ContractProperty] = ingestEvent.Version;
        return data;
    }

    /// <summary>The size an event counts for in a batch: its body plus <see cref="EventHubsPublisherOptions.PerEventOverheadBytes"/>.</summary>
    public int EstimatedSize(EventData data) => data.EventBody.ToMemory().Length + _options.PerEventOverheadBytes;

    /// <summary>
    /// The batches <see cref="PublishAsync"/> sends: events grouped by user (first-seen order of users, request order
    /// within a user), each group cut into batches of at most <see cref="EventHubsPublisherOptions.MaxBatchBytes"/>.
    /// </summary>
    /// <exception cref="ArgumentException">An event alone exceeds the limit, or an event has no user id; the message names it.</exception>
    public IReadOnlyList<(string PartitionKey, IReadOnlyList<EventData> Events)> Plan(IReadOnlyList<IngestEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var batches = new List<(string, IReadOnlyList<EventData>)>();
        foreach (var user in events.GroupBy(e => e?.UserId ?? throw new ArgumentException("Events must not be null.", nameof(events)), StringComparer.Ordinal))
        {
            if (string.IsNullOrEmpty(user.Key))
            {
                throw new ArgumentException($"Event '{user.First().EventId}' has no user id, the partition key.", nameof(events));
            }

            var current = new List<EventData>();
            var used = 0;
            foreach (var ingestEvent in user)
            {
                var data = ToEventData(ingestEvent);
                var size = EstimatedSize(data);
                if (size > _options.MaxBatchBytes)
                {
                    throw new ArgumentException($"Event '{ingestEvent.EventId}' is {size:N0} bytes with its envelope; a batch holds at most {_options.MaxBatchBytes:N0}.", nameof(events));
                }

                if (used + size > _options.MaxBatchBytes)
                {
                    batches.Add((user.Key, current));
                    current = [];
                    used = 0;
                }

                current.Add(data);
                used += size;
            }

            batches.Add((user.Key, current));
        }

        return batches;
    }

    /// <summary>
    /// Sends <paramref name="events"/> (validated, as <see cref="EventBatchParser"/> accepts them). Batches of
    /// different users go out concurrently, each user's in order; a failure surfaces after the batches in flight finish
    /// (Event Hubs delivers at least once and the processor drops duplicate event ids, so resending everything is safe).
    /// </summary>
    /// <exception cref="ArgumentException">See <see cref="Plan"/>; nothing is sent then.</exception>
    public async Task<PublishResult> PublishAsync(IReadOnlyList<IngestEvent> events, CancellationToken cancellationToken)
    {
        var plan = Plan(events);
        await Parallel.ForEachAsync(plan.GroupBy(b => b.PartitionKey),
            new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrentSends, CancellationToken = cancellationToken },
            async (user, ct) =>
            {
                foreach (var (key, batch) in user)
                {
                    await _sender.SendAsync(batch, key, ct);
                }
            });
        return new PublishResult(events.Count, plan.Count);
    }
}
