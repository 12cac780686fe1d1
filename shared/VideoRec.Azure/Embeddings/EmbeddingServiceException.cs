namespace VideoRec.Azure.Embeddings;

/// <summary>
/// The embedding service did not produce embeddings: it rejected the request (a client error, never retried), or it
/// kept failing transiently (throttling, server errors, network, timeouts) until the retries were spent
/// (<see cref="IsTransient"/>), or its answer did not fit the request.
/// </summary>
public sealed class EmbeddingServiceException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The description, naming the deployment and the status.</param>
    /// <param name="deployment">The deployment called.</param>
    /// <param name="status">The HTTP status of the last answer; 0 when none came (network failure, timeout, malformed answer).</param>
    /// <param name="isTransient">Whether the failure was transient and the retries are spent (trying later may work).</param>
    /// <param name="attempts">Requests made for the failing batch.</param>
    /// <param name="inner">The last failure.</param>
    public EmbeddingServiceException(string message, string deployment, int status, bool isTransient, int attempts, Exception? inner = null)
        : base(message, inner)
    {
        Deployment = deployment;
        Status = status;
        IsTransient = isTransient;
        Attempts = attempts;
    }

    /// <summary>The deployment called.</summary>
    public string Deployment { get; }

    /// <summary>The HTTP status of the last answer; 0 when none came.</summary>
    public int Status { get; }

    /// <summary>Whether the failure was transient and the retries are spent, so the work may be tried again later.</summary>
    public bool IsTransient { get; }

    /// <summary>Requests made for the failing batch.</summary>
    public int Attempts { get; }
}
