namespace VideoRec.Core.Online;

/// <summary>
/// The impression log: every served list, keyed by request id (design, "Evaluation: online metrics"). Logging is
/// idempotent: a request id is stored once, and logging it again (a retry) changes nothing. Implementations: SQLite
/// (embedded default); one contract test suite runs against every implementation.
/// </summary>
public interface IImpressionLog
{
    /// <summary>Stores <paramref name="impression"/> unless its request id is already logged.</summary>
    /// <returns><c>true</c> when stored; <c>false</c> when the request id was logged before (nothing changed).</returns>
    /// <exception cref="ArgumentException">The impression is invalid (<see cref="Impression.Validate"/>); the message names every field.</exception>
    Task<bool> LogAsync(Impression impression, CancellationToken cancellationToken);

    /// <summary>Stores many impressions at once (one transaction where the store has them), skipping request ids already logged.</summary>
    /// <returns>How many were new.</returns>
    /// <exception cref="ArgumentException">An impression is invalid; nothing is stored.</exception>
    Task<int> LogManyAsync(IReadOnlyList<Impression> impressions, CancellationToken cancellationToken);

    /// <summary>The impression of <paramref name="requestId"/>, or <c>null</c>.</summary>
    Task<Impression?> GetAsync(string requestId, CancellationToken cancellationToken);

    /// <summary>Impressions served in [<paramref name="from"/>, <paramref name="to"/>), ordered by (served time, request id).</summary>
    Task<IReadOnlyList<Impression>> ListAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);
}
