using VideoRec.Core.CandidateGeneration.Index;

namespace VideoRec.Core.CandidateGeneration;

/// <summary>
/// What candidate generators know about one homepage request: the user, their context and the query vectors the
/// models produced for them. The caller (the recommend pipeline, or the offline evaluation) builds it once.
/// </summary>
public sealed record CandidateRequest
{
    /// <summary>The user.</summary>
    public required string UserId { get; init; }

    /// <summary>The request time, the "now" of every time window.</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>The viewer's country (ISO 3166-1 alpha-2); <c>null</c> when unknown (no region filter).</summary>
    public string? Country { get; init; }

    /// <summary>The viewer's language (BCP 47); <c>null</c> when unknown (no language filter).</summary>
    public string? Language { get; init; }

    /// <summary>The user tower's embedding, <c>[two-tower dimensions]</c>; <c>null</c> when no two-tower model is served.</summary>
    public ReadOnlyMemory<float>? TwoTowerEmbedding { get; init; }

    /// <summary>The user's WALS factor vector, <c>[factors]</c>; <c>null</c> for a user WALS cannot place (no feedback).</summary>
    public ReadOnlyMemory<float>? WalsVector { get; init; }

    /// <summary>The user's recently watched videos, newest first (the seeds of the <c>similar</c> source).</summary>
    public IReadOnlyList<string> RecentWatches { get; init; } = [];

    /// <summary>The user's profile as read for this request (the scorer's age and gender); <c>null</c> when unknown.</summary>
    public Domain.UserProfile? Profile { get; init; }

    /// <summary>
    /// How many videos the user's history holds (the scorer's history length): the bundle's training videos of the user,
    /// when it may use them, plus the store's recent watches it lacks; 0 when unknown.
    /// </summary>
    public int HistoryLength { get; init; }

    /// <summary>Videos never to propose: watched, disliked, or shown too often without a click (see <see cref="CandidateExclusions"/>).</summary>
    public IReadOnlySet<string> Excluded { get; init; } = new HashSet<string>();

    /// <summary>The search restrictions every source applies: language, country, not hidden, not excluded.</summary>
    public VectorSearchFilter Filter(DateTimeOffset? uploadedFrom = null) => new()
    {
        Language = Language,
        Country = Country,
        UploadedFrom = uploadedFrom,
        ExcludedVideoIds = Excluded.Count > 0 ? Excluded : null,
    };
}
