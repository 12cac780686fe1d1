using System.Text.Json.Serialization;
using VideoRec.Core.CandidateGeneration.Index;
using VideoRec.Core.Domain;

namespace VideoRec.Core.Bundles;

/// <summary>
/// A video as the bundle knows it: what responses show (title, tags) and what serving filters and re-ranks on
/// (language, allowed regions, upload time, creator, duration). The fields after <paramref name="Tags"/> are optional so
/// that bundles written before they existed still load.
/// </summary>
/// <param name="Title">The title.</param>
/// <param name="Tags">Tags.</param>
public sealed record CatalogueEntry(string Title, IReadOnlyList<string> Tags)
{
    /// <summary>Main language (BCP 47); <c>null</c> when unknown.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Language { get; init; }

    /// <summary>Countries where the video may be shown; empty means everywhere.</summary>
    public IReadOnlyList<string> AllowedRegions { get; init; } = [];

    /// <summary>Upload time; <c>null</c> when unknown.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? UploadedAt { get; init; }

    /// <summary>Uploader; <c>null</c> when unknown.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CreatorId { get; init; }

    /// <summary>Length in seconds; <c>null</c> when unknown.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? DurationSeconds { get; init; }

    /// <summary>Hidden or deleted: never recommended.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Hidden { get; init; }

    /// <summary>Flagged as misinformation: removed from recommendations.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Misinformation { get; init; }

    /// <summary>Duplicate group (re-uploads, mirrors); <c>null</c> for none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DuplicateGroup { get; init; }

    /// <summary>The entry of a catalogue video.</summary>
    public static CatalogueEntry From(Video video)
    {
        ArgumentNullException.ThrowIfNull(video);
        return new CatalogueEntry(video.Title, video.Tags)
        {
            Language = video.Language,
            AllowedRegions = video.AllowedRegions,
            UploadedAt = video.UploadedAt,
            CreatorId = video.CreatorId,
            DurationSeconds = video.DurationSeconds,
            Hidden = video.Hidden,
            Misinformation = video.Misinformation,
            DuplicateGroup = video.DuplicateGroup,
        };
    }

    /// <summary>The attributes vector-index filters test.</summary>
    public VideoIndexAttributes Attributes() => VideoIndexAttributes.Normalised(Language, AllowedRegions, UploadedAt, Hidden);
}
