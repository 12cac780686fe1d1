namespace VideoRec.Core.Domain;

/// <summary>
/// One thing a user did: an impression, click, watch, like, dislike, share, comment or search.
/// </summary>
/// <param name="UserId">The user who acted.</param>
/// <param name="VideoId">The video acted on; <c>null</c> only for <see cref="InteractionType.Search"/>.</param>
/// <param name="Type">What the user did.</param>
/// <param name="Timestamp">When, in UTC.</param>
public sealed record Interaction(string UserId, string? VideoId, InteractionType Type, DateTimeOffset Timestamp)
{
    /// <summary>
    /// A numeric value whose meaning depends on <see cref="Type"/>: watch seconds for
    /// <see cref="InteractionType.Watch"/> (<c>null</c> = complete watch of unknown length),
    /// dwell seconds for <see cref="InteractionType.Impression"/>; otherwise unused.
    /// </summary>
    public double? Value { get; init; }

    /// <summary>Free text: the query of a search or the body of a comment.</summary>
    public string? Text { get; init; }

    /// <summary>Where the user was, when the client reported it.</summary>
    public GeoLocation? Location { get; init; }

    /// <summary>The client device class, such as <c>mobile</c>, <c>tv</c> or <c>web</c>.</summary>
    public string? Device { get; init; }

    /// <summary>The client-generated event id, the idempotency key of ingestion; <c>null</c> for imported history.</summary>
    public string? EventId { get; init; }
}
