using VideoRec.Core.Ingestion;

namespace VideoRec.Azure.EventHubs;

/// <summary>What <see cref="EventHubsEventReader.ToBatch"/> made of a trigger's events.</summary>
/// <param name="Batch">The readable events, as one batch for <see cref="EventBatchProcessor"/>.</param>
/// <param name="Unreadable">Bodies that are not events of the contract, with the reason (send them to the poison queue).</param>
public sealed record HubEvents(EventBatch Batch, IReadOnlyList<(string Body, string Reason)> Unreadable);

/// <summary>
/// The consuming side of <see cref="EventHubsEventPublisher"/>: turns the bodies an Event Hubs trigger delivers into
/// the <see cref="EventBatch"/> the queue path applies, so a trigger function is a one-line call (README, "Deploy to
/// Azure": consuming Event Hubs).
/// </summary>
public static class EventHubsEventReader
{
    /// <summary>Reads <paramref name="bodies"/> (UTF-8 JSON strings, as the trigger binds them) into one batch.</summary>
    /// <param name="bodies">The event bodies, in partition order.</param>
    /// <param name="batchId">The batch id (for example the partition id and first sequence number).</param>
    /// <param name="receivedAt">When the trigger received them.</param>
    public static HubEvents ToBatch(IReadOnlyList<string> bodies, string batchId, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(bodies);
        ArgumentException.ThrowIfNullOrWhiteSpace(batchId);
        var events = new List<IngestEvent>(bodies.Count);
        var unreadable = new List<(string, string)>();
        foreach (var body in bodies)
        {
            try
            {
                events.Add(EventBatchCodec.DeserializeEvent(System.Text.Encoding.UTF8.GetBytes(body ?? "")));
            }
            catch (FormatException e)
            {
                unreadable.Add((body ?? "", e.Message));
            }
        }

        return new HubEvents(new EventBatch(batchId, receivedAt, events), unreadable);
    }
}
