namespace VideoRec.Core.Ingestion;

/// <summary>
/// A store or queue is temporarily unreachable (timeouts, throttling, a locked database) and its adapter's retries
/// are spent. The work should be retried later as a whole, never split or dropped.
/// </summary>
public sealed class StoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
