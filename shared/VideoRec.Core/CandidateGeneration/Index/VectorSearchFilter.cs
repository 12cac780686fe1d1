namespace VideoRec.Core.CandidateGeneration.Index;

/// <summary>
/// Restrictions applied inside a vector search (pre-filtering): every returned video passes them, and when at least
/// k indexed videos pass, k are returned. Every index engine implements exactly <see cref="Matches"/>.
/// </summary>
public sealed record VectorSearchFilter
{
    /// <summary>No restriction beyond leaving out hidden videos.</summary>
    public static VectorSearchFilter None { get; } = new();

    /// <summary>Only videos in this language (case-insensitive) or of unknown language; <c>null</c> for any.</summary>
    public string? Language { get; init; }

    /// <summary>Only videos allowed in this country (ISO 3166-1 alpha-2, case-insensitive); <c>null</c> for any.</summary>
    public string? Country { get; init; }

    /// <summary>Whether hidden or deleted videos may be returned (default: no).</summary>
    public bool IncludeHidden { get; init; }

    /// <summary>Only videos uploaded at or after this time; videos with an unknown upload time then fail.</summary>
    public DateTimeOffset? UploadedFrom { get; init; }

    /// <summary>Only videos uploaded strictly before this time; videos with an unknown upload time then fail.</summary>
    public DateTimeOffset? UploadedBefore { get; init; }

    /// <summary>Videos never to return (already watched, disliked, shown too often); <c>null</c> for none.</summary>
    public IReadOnlySet<string>? ExcludedVideoIds { get; init; }

    /// <summary>Whether the filter restricts anything beyond hidden videos.</summary>
    public bool IsSelective =>
        Language is not null || Country is not null || UploadedFrom is not null || UploadedBefore is not null ||
        ExcludedVideoIds is { Count: > 0 };

    /// <summary>Whether a video passes the filter: the one definition every engine implements.</summary>
    /// <param name="videoId">The video.</param>
    /// <param name="attributes">Its stored attributes.</param>
    public bool Matches(string videoId, VideoIndexAttributes attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        if (attributes.Hidden && !IncludeHidden)
        {
            return false;
        }

        if (Language is not null && attributes.Language is not null &&
            !string.Equals(Language, attributes.Language, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (Country is not null && attributes.AllowedRegions.Count > 0 &&
            !attributes.AllowedRegions.Any(r => string.Equals(r, Country, StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        if (UploadedFrom is { } from && (attributes.UploadedAt is not { } at1 || at1 < from))
        {
            return false;
        }

        if (UploadedBefore is { } before && (attributes.UploadedAt is not { } at2 || at2 >= before))
        {
            return false;
        }

        return ExcludedVideoIds is null || !ExcludedVideoIds.Contains(videoId);
    }
}
