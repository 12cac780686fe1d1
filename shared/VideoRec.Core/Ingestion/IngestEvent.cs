using VideoRec.Core.Domain;

namespace VideoRec.Core.Ingestion;

/// <summary>
/// One validated interaction event as it travels through the queue and into the store (event contract version 1).
/// Built only by <see cref="EventBatchParser"/>, so every instance satisfies the contract.
/// </summary>
/// <param name="EventId">Client-generated id, the idempotency key: an event id is applied at most once.</param>
/// <param name="UserId">The user.</param>
/// <param name="VideoId">The video; <c>null</c> exactly for <see cref="InteractionType.Search"/>.</param>
/// <param name="Type">What the user did.</param>
/// <param name="Timestamp">When, UTC.</param>
public sealed record IngestEvent(string EventId, string UserId, string? VideoId, InteractionType Type, DateTimeOffset Timestamp)
{
    /// <summary>Contract version of the event.</summary>
    public int Version { get; init; } = 1;

    /// <summary>Seconds: watch time for a watch, dwell time for an impression; otherwise <c>null</c>.</summary>
    public double? Seconds { get; init; }

    /// <summary>Text: the query of a search or the body of a comment; otherwise <c>null</c>.</summary>
    public string? Text { get; init; }

    /// <summary>Device class reported by the client.</summary>
    public string? Device { get; init; }

    /// <summary>Where the user was, when reported.</summary>
    public GeoLocation? Location { get; init; }

    /// <summary>
    /// The id of the recommend response whose list showed the video (JSON key <c>requestId</c>, the <see cref="Domain.EntityIds"/>
    /// rule), or <c>null</c> when the client did not send one; online attribution joins events to impressions by it.
    /// </summary>
    public string? RequestId { get; init; }

    /// <summary>The event as a domain interaction.</summary>
    public Interaction ToInteraction() => new(UserId, VideoId, Type, Timestamp)
    {
        Value = Seconds,
        Text = Text,
        Device = Device,
        Location = Location,
        EventId = EventId,
    };
}

/// <summary>The unit the queue carries: accepted events of one request (or one chunk of it).</summary>
/// <param name="BatchId">Unique id of the batch (request id, with a chunk suffix when split).</param>
/// <param name="AcceptedAt">When the API accepted it, UTC.</param>
/// <param name="Events">The events, in request order.</param>
public sealed record EventBatch(string BatchId, DateTimeOffset AcceptedAt, IReadOnlyList<IngestEvent> Events);
