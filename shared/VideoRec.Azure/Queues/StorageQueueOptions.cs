namespace VideoRec.Azure.Queues;

/// <summary>Settings of <see cref="StorageQueueEventQueue"/> (section <c>VideoRec:StorageQueue</c> in configuration).</summary>
public sealed record StorageQueueOptions
{
    /// <summary>The queue the API writes batches to and the worker (or the Functions queue trigger) reads. Default <c>events</c>.</summary>
    public string QueueName { get; init; } = "events";

    /// <summary>Where messages that cannot be processed go, as a JSON envelope with the reason. Default <c>events-poison</c>.</summary>
    public string PoisonQueueName { get; init; } = "events-poison";

    /// <summary>
    /// Largest batch payload per message, in UTF-8 bytes, before Base64. A Storage queue message holds 64 KiB; Base64
    /// grows text by 4/3, so 48 KiB is the most that fits. Larger batches are split by <c>EventBatchCodec.Split</c>.
    /// </summary>
    public int MaxPayloadBytes { get; init; } = 48 * 1024;

    /// <summary>How long a message may wait in the queue; <c>null</c> (the default) keeps it until it is processed, which an accepted event needs.</summary>
    public TimeSpan? MessageTimeToLive { get; init; }

    /// <summary>How long a released message stays hidden before it is delivered again. Default zero (at once).</summary>
    public TimeSpan ReleaseDelay { get; init; } = TimeSpan.Zero;

    /// <summary>Retries of a call that failed transiently (408, 429, 5xx, network) before <c>StoreUnavailableException</c>. Default 4.</summary>
    public int MaxRetryAttempts { get; init; } = 4;

    /// <summary>Base delay of the exponential, jittered retry back-off. Default 200 ms.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Last errors of released messages remembered for their poison reason (per process). Default 10,000.</summary>
    public int MaxRememberedErrors { get; init; } = 10_000;
}
