using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using VideoRec.Core.Common;

namespace VideoRec.Core.Features;

/// <summary>
/// Every feature of the two-tower model in one place (design, "Feature engineering"): vocabularies, bucket boundaries,
/// text-embedding model and history length. Training and serving encode with the same spec, saved beside the model as
/// <c>features.json</c>; <see cref="Fingerprint"/> ties an exported tower to the spec it was trained with.
/// </summary>
public sealed record FeatureSpec
{
    /// <summary>The schema version this code reads and writes.</summary>
    public const int CurrentVersion = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Schema version; <see cref="Load"/> refuses others.</summary>
    public int Version { get; init; } = CurrentVersion;

    /// <summary>The sentence encoder of titles and search queries, such as <c>all-MiniLM-L6-v2</c>.</summary>
    public required string TextModel { get; init; }

    /// <summary>Width of a title or query embedding (384 for all-MiniLM-L6-v2).</summary>
    public required int TextDimensions { get; init; }

    /// <summary>The "now" of the video tower's upload age: the end of the training data; serving re-exports with a later one.</summary>
    public required DateTimeOffset ReferenceTime { get; init; }

    /// <summary>User ids with their own embedding row; others (new users) get the out-of-vocabulary row.</summary>
    public required Vocabulary UserIds { get; init; }

    /// <summary>Video ids with their own embedding row; new videos get the out-of-vocabulary row and rely on content.</summary>
    public required Vocabulary VideoIds { get; init; }

    /// <summary>Gender values (one-hot in the user tower, out-of-vocabulary slot included).</summary>
    public required Vocabulary Genders { get; init; }

    /// <summary>Occupations, where the data has them.</summary>
    public required Vocabulary Occupations { get; init; }

    /// <summary>Languages of users and videos (one table each, one vocabulary).</summary>
    public required Vocabulary Languages { get; init; }

    /// <summary>Countries of users.</summary>
    public required Vocabulary Countries { get; init; }

    /// <summary>Cities of users.</summary>
    public required Vocabulary Cities { get; init; }

    /// <summary>Device kinds of the request context.</summary>
    public required Vocabulary Devices { get; init; }

    /// <summary>Video tags (genres and free-text tags).</summary>
    public required Vocabulary Tags { get; init; }

    /// <summary>Age in years, one-hot by bucket. Default boundaries 18, 25, 35, 45, 50, 56 (the MovieLens age groups).</summary>
    public Buckets AgeYears { get; init; } = new([18, 25, 35, 45, 50, 56]);

    /// <summary>Video length in seconds. Default boundaries 1, 5, 20 minutes, 1 and 2 hours.</summary>
    public Buckets DurationSeconds { get; init; } = new([60, 300, 1200, 3600, 7200]);

    /// <summary>Days since upload at <see cref="ReferenceTime"/>. Default boundaries 1 day, a week, a month, 1, 5, 10 and 25 years.</summary>
    public Buckets UploadAgeDays { get; init; } = new([1, 7, 30, 365, 1826, 3652, 9131]);

    /// <summary>
    /// A video's view count so far (the feature store's statistics; offline, its watches in the readable pairs), on a
    /// log scale: boundaries 1, 3, 10, 30, … 1,000,000. New videos fall in the lowest buckets.
    /// </summary>
    public Buckets Views { get; init; } = new([1, 3, 10, 30, 100, 300, 1000, 3000, 10000, 30000, 100000, 1000000]);

    /// <summary>Hour of the day in the user's time zone (UTC when unknown). Default boundaries every 4 hours.</summary>
    public Buckets HourOfDay { get; init; } = new([4, 8, 12, 16, 20]);

    /// <summary>Most recent videos per history list (watched, liked, impressed) fed to the user tower. Default 50.</summary>
    public int HistoryLength { get; init; } = 50;

    /// <summary>Most tags per video fed to the video tower. Default 16.</summary>
    public int MaxTags { get; init; } = 16;

    /// <summary>Hex SHA-256 of the spec's JSON: equal fingerprints encode identically.</summary>
    [JsonIgnore]
    public string Fingerprint => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(this, Json))))[..16];

    /// <summary>Checks sizes and boundaries.</summary>
    /// <exception cref="ArgumentException">A field is out of range; the message names it.</exception>
    public void Validate()
    {
        if (Version != CurrentVersion)
        {
            throw new ArgumentException($"version: this build reads feature spec version {CurrentVersion}, not {Version}.");
        }

        if (string.IsNullOrWhiteSpace(TextModel))
        {
            throw new ArgumentException("textModel: must name the sentence encoder.");
        }

        if (TextDimensions < 1 || HistoryLength < 1 || MaxTags < 1)
        {
            throw new ArgumentException($"textDimensions ({TextDimensions}), historyLength ({HistoryLength}) and maxTags ({MaxTags}) must be at least 1.");
        }

        AgeYears.Validate("ageYears");
        DurationSeconds.Validate("durationSeconds");
        UploadAgeDays.Validate("uploadAgeDays");
        Views.Validate("views");
        HourOfDay.Validate("hourOfDay");
    }

    /// <summary>Writes the spec as indented JSON, replacing the file atomically.</summary>
    public void Save(string path)
    {
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Json) + Environment.NewLine);
    }

    /// <summary>Reads and validates a spec written by <see cref="Save"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid spec; the message names the file and the problem.</exception>
    public static FeatureSpec Load(string path)
    {
        try
        {
            var spec = JsonSerializer.Deserialize<FeatureSpec>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path}: empty feature spec.");
            spec.Validate();
            return spec;
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }
}
