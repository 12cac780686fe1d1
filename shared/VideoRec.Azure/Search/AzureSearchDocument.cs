using System.Text.Json.Serialization;
using VideoRec.Core.CandidateGeneration.Index;

namespace VideoRec.Azure.Search;

/// <summary>One video as an <see cref="AzureSearchIndexSchema"/> document.</summary>
internal sealed class AzureSearchDocument
{
    [JsonPropertyName(AzureSearchIndexSchema.Key)]
    public string Id { get; set; } = "";

    [JsonPropertyName(AzureSearchIndexSchema.VideoId)]
    public string VideoId { get; set; } = "";

    [JsonPropertyName(AzureSearchIndexSchema.Vector)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public float[]? Vector { get; set; }

    [JsonPropertyName(AzureSearchIndexSchema.Language)]
    public string? Language { get; set; }

    [JsonPropertyName(AzureSearchIndexSchema.Regions)]
    public string[] Regions { get; set; } = [];

    [JsonPropertyName(AzureSearchIndexSchema.AllowedEverywhere)]
    public bool AllowedEverywhere { get; set; }

    [JsonPropertyName(AzureSearchIndexSchema.Hidden)]
    public bool Hidden { get; set; }

    [JsonPropertyName(AzureSearchIndexSchema.UploadedAt)]
    public DateTimeOffset? UploadedAt { get; set; }

    [JsonPropertyName(AzureSearchIndexSchema.UploadedAtTicks)]
    public long? UploadedAtTicks { get; set; }

    /// <summary>The document of a video: key encoded, language and regions folded, upload time in UTC (milliseconds) and exact ticks.</summary>
    public static AzureSearchDocument From(IndexedVideo video)
    {
        var a = video.Attributes;
        var regions = a.AllowedRegions.Select(r => AzureSearchFilter.Fold(r ?? throw new ArgumentException($"Video '{video.VideoId}' has a null allowed region.", nameof(video)))).Distinct(StringComparer.Ordinal).ToArray();
        return new AzureSearchDocument
        {
            Id = AzureSearchKeys.Encode(video.VideoId),
            VideoId = video.VideoId,
            Vector = video.Vector.ToArray(),
            Language = a.Language is null ? null : AzureSearchFilter.Fold(a.Language),
            Regions = regions,
            AllowedEverywhere = regions.Length == 0,
            Hidden = a.Hidden,
            UploadedAt = a.UploadedAt is { } at ? new DateTimeOffset(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero) : null,
            UploadedAtTicks = a.UploadedAt?.UtcTicks,
        };
    }
}
