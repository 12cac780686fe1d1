namespace VideoRec.Core.Domain;

/// <summary>A video in the catalogue (design, "Data engineering: Videos").</summary>
/// <param name="Id">The platform's video id.</param>
/// <param name="Title">The title as uploaded.</param>
public sealed record Video(string Id, string Title)
{
    /// <summary>Length in seconds; <c>null</c> when unknown (rating datasets have none).</summary>
    public double? DurationSeconds { get; init; }

    /// <summary>Tags, such as genres or free-text labels; never <c>null</c>.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Main spoken language as a BCP 47 tag (<c>en</c>, <c>ja</c>); <c>null</c> when unknown.</summary>
    public string? Language { get; init; }

    /// <summary>Number of likes the platform has counted.</summary>
    public long Likes { get; init; }

    /// <summary>Number of views the platform has counted.</summary>
    public long Views { get; init; }

    /// <summary>Upload (or release) time in UTC; <c>null</c> when unknown.</summary>
    public DateTimeOffset? UploadedAt { get; init; }

    /// <summary>ISO 3166-1 alpha-2 country codes where the video may be shown; empty means everywhere.</summary>
    public IReadOnlyList<string> AllowedRegions { get; init; } = [];

    /// <summary>The channel or person who uploaded it; <c>null</c> when unknown.</summary>
    public string? CreatorId { get; init; }

    /// <summary>Hidden or deleted by its owner or the platform: never recommended.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public bool Hidden { get; init; }

    /// <summary>Flagged as misinformation by the platform's review: removed from recommendations.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public bool Misinformation { get; init; }

    /// <summary>Duplicate group (re-uploads and mirrors share one): re-ranking keeps one video per group; <c>null</c> for none.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public string? DuplicateGroup { get; init; }

    /// <summary>Whether the video may be shown in <paramref name="country"/> (ISO 3166-1 alpha-2, case-insensitive).</summary>
    /// <param name="country">The viewer's country; <c>null</c> when unknown, which allows every video.</param>
    public bool IsAllowedIn(string? country) =>
        AllowedRegions.Count == 0 || country is null ||
        AllowedRegions.Any(r => string.Equals(r, country, StringComparison.OrdinalIgnoreCase));
}
