namespace VideoRec.Local.VectorIndex;

/// <summary>The native USearch library reported an error (its message is included).</summary>
public sealed class UsearchException : Exception
{
    /// <summary>An error with a message.</summary>
    public UsearchException(string message)
        : base(message)
    {
    }

    /// <summary>An error with a message and its cause.</summary>
    public UsearchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>An error without a message.</summary>
    public UsearchException()
    {
    }
}
