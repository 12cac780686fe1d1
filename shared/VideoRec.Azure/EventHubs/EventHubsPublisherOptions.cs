namespace VideoRec.Azure.EventHubs;

/// <summary>Settings of <see cref="EventHubsEventPublisher"/>.</summary>
public sealed record EventHubsPublisherOptions
{
    /// <summary>
    /// Largest batch sent in one call, in bytes as <see cref="EventHubsEventPublisher.EstimatedSize"/> counts them.
    /// Default 1,000,000: under the 1 MiB batch limit of the Standard tier with room for the AMQP envelope (use
    /// 250,000 on Basic, whose limit is 256 KiB).
    /// </summary>
    public int MaxBatchBytes { get; init; } = 1_000_000;

    /// <summary>
    /// Bytes counted per event on top of its body: the AMQP message header, properties and batch framing an event
    /// adds (measured at under 100 bytes for an event with a content type and one property; 160 leaves a margin).
    /// </summary>
    public int PerEventOverheadBytes { get; init; } = 160;

    /// <summary>Batches of different partition keys in flight at once. Default 4.</summary>
    public int MaxConcurrentSends { get; init; } = 4;

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; the message names it.</exception>
    public EventHubsPublisherOptions Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchBytes, 1024, nameof(MaxBatchBytes));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxBatchBytes, 1_048_576, nameof(MaxBatchBytes));
        ArgumentOutOfRangeException.ThrowIfNegative(PerEventOverheadBytes, nameof(PerEventOverheadBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrentSends, 1, nameof(MaxConcurrentSends));
        return this;
    }
}
