namespace VideoRec.Core.Reranking;

/// <summary>The user-side facts re-ranking applies to one request.</summary>
public sealed record RerankContext
{
    /// <summary>Page size, at least 1.</summary>
    public required int K { get; init; }

    /// <summary>Request time.</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>The viewer's country (ISO 3166-1 alpha-2); <c>null</c> when unknown (no region rule).</summary>
    public string? Country { get; init; }

    /// <summary>Videos the user watched to completion.</summary>
    public IReadOnlySet<string> Completed { get; init; } = new HashSet<string>();

    /// <summary>Videos the user disliked.</summary>
    public IReadOnlySet<string> Disliked { get; init; } = new HashSet<string>();

    /// <summary>Per video, how many times it was shown to this user without a click.</summary>
    public IReadOnlyDictionary<string, int> ShownWithoutClick { get; init; } = new Dictionary<string, int>();

    /// <summary>Hashes (<see cref="PageToken.Hash"/>) of the videos served on earlier pages of this listing, oldest first; never served again.</summary>
    public IReadOnlyList<uint> AlreadyServed { get; init; } = [];

    /// <summary>Seed of the request's random choices (exploration), so one request is reproducible.</summary>
    public int Seed { get; init; }
}
