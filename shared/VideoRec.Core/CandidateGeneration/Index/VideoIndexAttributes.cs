using VideoRec.Core.Domain;

namespace VideoRec.Core.CandidateGeneration.Index;

/// <summary>
/// The catalogue fields a vector search can filter on, stored with each indexed vector (design, "Candidate
/// generation": restrictions by language, region and availability are applied inside retrieval, so that a filter
/// does not leave fewer than k results).
/// </summary>
public sealed record VideoIndexAttributes
{
    /// <summary>An attribute set that passes every filter except an upload-time window.</summary>
    public static VideoIndexAttributes Unrestricted { get; } = new();

    /// <summary>Main spoken language (BCP 47, lower case); <c>null</c> when unknown, which matches any language.</summary>
    public string? Language { get; init; }

    /// <summary>ISO 3166-1 alpha-2 countries (upper case) where the video may be shown; empty means everywhere.</summary>
    public IReadOnlyList<string> AllowedRegions { get; init; } = [];

    /// <summary>Hidden or deleted: never returned unless a filter asks for hidden videos.</summary>
    public bool Hidden { get; init; }

    /// <summary>Upload time (UTC); <c>null</c> when unknown, which fails any upload-time window.</summary>
    public DateTimeOffset? UploadedAt { get; init; }

    /// <summary>The attributes of a catalogue video, normalising language to lower and regions to upper case.</summary>
    /// <param name="video">The catalogue entry.</param>
    /// <param name="hidden">Whether it is hidden or deleted.</param>
    public static VideoIndexAttributes From(Video video, bool hidden = false)
    {
        ArgumentNullException.ThrowIfNull(video);
        return Normalised(video.Language, video.AllowedRegions, video.UploadedAt, hidden || video.Hidden);
    }

    /// <summary>Attributes with language in lower case and regions in upper case, each region once.</summary>
    public static VideoIndexAttributes Normalised(string? language, IEnumerable<string> allowedRegions, DateTimeOffset? uploadedAt, bool hidden = false)
    {
        ArgumentNullException.ThrowIfNull(allowedRegions);
        return new VideoIndexAttributes
        {
            Language = language?.ToLowerInvariant(),
            AllowedRegions = [.. allowedRegions.Select(r => r.ToUpperInvariant()).Distinct()],
            Hidden = hidden,
            UploadedAt = uploadedAt,
        };
    }
}
