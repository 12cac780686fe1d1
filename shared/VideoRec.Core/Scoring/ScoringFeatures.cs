using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using VideoRec.Core.CandidateGeneration;
using VideoRec.Core.Features;

namespace VideoRec.Core.Scoring;

/// <summary>Which side of a (user, candidate) pair a feature block describes.</summary>
public enum FeatureGroup
{
    /// <summary>The user (same for every candidate of a request).</summary>
    User,

    /// <summary>The candidate video (cached per video).</summary>
    Video,

    /// <summary>The pair: model scores, matches, overlaps and provenance.</summary>
    Cross,
}

/// <summary>A named run of columns in a feature row.</summary>
/// <param name="Name">Block name, such as <c>wals_score</c>.</param>
/// <param name="Group">The side it describes.</param>
/// <param name="Offset">First column, 0-based.</param>
/// <param name="Width">Number of columns.</param>
public readonly record struct FeatureBlock(string Name, FeatureGroup Group, int Offset, int Width);

/// <summary>
/// The scoring model's feature layout (design, "Scoring"): one row of <see cref="Count"/> floats per (user, candidate),
/// made of named blocks (<see cref="Blocks"/>) in three groups: the user (two-tower embedding, age and gender one-hots,
/// history length bucket), the video (two-tower embedding, duration, language, upload age, views, CTR, completion rate,
/// popularity, trending) and the pair (two-tower and WALS scores with their per-request z-scores and percentiles,
/// search-history × title cosine, language and region match, recent watches sharing a tag, tag affinity, the gaps in
/// popularity and upload age between the video and the recent watches, optionally the co-watch similarity to the watch
/// history (<see cref="ScoringFeatureSettings.CoWatch"/>; raw and per request normalised), and each
/// source's provenance: indicator and reciprocal rank, plus the fused score and merged position). Every feature that can
/// be missing has a defined default and, where the absence says something, a <c>*_missing</c> indicator column.
/// </summary>
/// <remarks>The layout is derived from <see cref="Settings"/>, which is what is saved (JSON) with the model; equal
/// <see cref="Fingerprint"/>s mean equal layouts.</remarks>
public sealed class ScoringFeatures
{
    /// <summary>The layout version this code writes and reads.</summary>
    public const int CurrentVersion = 1;

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never };
    private readonly Dictionary<string, FeatureBlock> _byName = new(StringComparer.Ordinal);
    private readonly List<FeatureBlock> _blocks = [];

    /// <summary>Builds the layout for <paramref name="settings"/>.</summary>
    /// <exception cref="ArgumentException">The settings are invalid; the message names the field.</exception>
    public ScoringFeatures(ScoringFeatureSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        Settings = settings;
        var d = settings.TwoTowerDimensions;

        Add("user_twotower_embedding", FeatureGroup.User, d);
        Add("user_twotower_missing", FeatureGroup.User, 1);
        Add("user_age", FeatureGroup.User, settings.AgeYears.Count);
        Add("user_gender", FeatureGroup.User, GenderColumns);
        Add("user_history_length", FeatureGroup.User, settings.HistoryLength.Count);
        Add("user_log_history", FeatureGroup.User, 1);

        Add("video_twotower_embedding", FeatureGroup.Video, d);
        Add("video_twotower_missing", FeatureGroup.Video, 1);
        Add("video_duration", FeatureGroup.Video, settings.DurationSeconds.Count);
        Add("video_language_missing", FeatureGroup.Video, 1);
        Add("video_upload_age", FeatureGroup.Video, settings.UploadAgeDays.Count);
        Add("video_log_views", FeatureGroup.Video, 1);
        Add("video_ctr", FeatureGroup.Video, 1);
        Add("video_ctr_missing", FeatureGroup.Video, 1);
        Add("video_completion_rate", FeatureGroup.Video, 1);
        Add("video_completion_missing", FeatureGroup.Video, 1);
        Add("video_log_positives", FeatureGroup.Video, 1);
        Add("video_log_trending", FeatureGroup.Video, 1);

        Add("twotower_score", FeatureGroup.Cross, 1);
        Add("twotower_score_z", FeatureGroup.Cross, 1);
        Add("twotower_score_percentile", FeatureGroup.Cross, 1);
        Add("twotower_score_missing", FeatureGroup.Cross, 1);
        Add("wals_score", FeatureGroup.Cross, 1);
        Add("wals_score_z", FeatureGroup.Cross, 1);
        Add("wals_score_percentile", FeatureGroup.Cross, 1);
        Add("wals_score_missing", FeatureGroup.Cross, 1);
        Add("search_title_cosine", FeatureGroup.Cross, 1);
        Add("search_title_missing", FeatureGroup.Cross, 1);
        Add("language_match", FeatureGroup.Cross, 1);
        Add("language_unknown", FeatureGroup.Cross, 1);
        Add("region_allowed", FeatureGroup.Cross, 1);
        Add("recent_tag_overlap", FeatureGroup.Cross, 1);
        Add("tag_affinity", FeatureGroup.Cross, 1);
        Add("popularity_gap", FeatureGroup.Cross, 1);
        Add("upload_age_gap", FeatureGroup.Cross, 1);
        if (settings.CoWatch)
        {
            Add("cowatch_sum", FeatureGroup.Cross, 1);
            Add("cowatch_mean", FeatureGroup.Cross, 1);
            Add("cowatch_max", FeatureGroup.Cross, 1);
            Add("cowatch_missing", FeatureGroup.Cross, 1);
            if (settings.CoWatchNormalized)
            {
                Add("cowatch_sum_z", FeatureGroup.Cross, 1);
                Add("cowatch_sum_percentile", FeatureGroup.Cross, 1);
            }
        }

        foreach (var source in settings.Sources)
        {
            Add("proposed_by_" + source, FeatureGroup.Cross, 1);
            Add("reciprocal_rank_" + source, FeatureGroup.Cross, 1);
        }

        Add("fused_score", FeatureGroup.Cross, 1);
        Add("merged_log_position", FeatureGroup.Cross, 1);
    }

    /// <summary>Columns of <c>user_gender</c>: female, male, other, missing.</summary>
    public const int GenderColumns = 4;

    /// <summary>What the layout is derived from (saved with the model).</summary>
    public ScoringFeatureSettings Settings { get; }

    /// <summary>The blocks in row order.</summary>
    public IReadOnlyList<FeatureBlock> Blocks => _blocks;

    /// <summary>Columns per row, <c>features</c>.</summary>
    public int Count { get; private set; }

    /// <summary>The block called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such block.</exception>
    public FeatureBlock this[string name] => _byName.TryGetValue(name, out var b) ? b : throw new KeyNotFoundException($"No scoring feature block is called '{name}'.");

    /// <summary>The first column of block <paramref name="name"/>.</summary>
    public int Offset(string name) => this[name].Offset;

    /// <summary>The name of every column (<c>block</c> for width 1, <c>block[i]</c> otherwise), <c>[features]</c>.</summary>
    public string[] ColumnNames() =>
        [.. _blocks.SelectMany(b => b.Width == 1 ? [b.Name] : Enumerable.Range(0, b.Width).Select(i => $"{b.Name}[{i}]"))];

    /// <summary>The settings as compact JSON (snake_case).</summary>
    public string ToJson() => JsonSerializer.Serialize(Settings, Json);

    /// <summary>Hex SHA-256 prefix of <see cref="ToJson"/>: equal fingerprints, equal layouts.</summary>
    public string Fingerprint => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ToJson())))[..16];

    /// <summary>Reads a layout written by <see cref="ToJson"/>.</summary>
    /// <exception cref="InvalidDataException">The JSON is malformed, of another version, or invalid.</exception>
    public static ScoringFeatures FromJson(string json)
    {
        try
        {
            return new ScoringFeatures(JsonSerializer.Deserialize<ScoringFeatureSettings>(json, Json) ?? throw new InvalidDataException("The scoring feature settings are empty."));
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw new InvalidDataException($"Invalid scoring feature settings: {e.Message}", e);
        }
    }

    private void Add(string name, FeatureGroup group, int width)
    {
        if (width == 0)
        {
            return;
        }

        var block = new FeatureBlock(name, group, Count, width);
        _blocks.Add(block);
        _byName.Add(name, block);
        Count += width;
    }
}

/// <summary>What a <see cref="ScoringFeatures"/> layout is derived from.</summary>
public sealed record ScoringFeatureSettings
{
    /// <summary>Layout version; only <see cref="ScoringFeatures.CurrentVersion"/> is read.</summary>
    public int Version { get; init; } = ScoringFeatures.CurrentVersion;

    /// <summary>Width of the two-tower embeddings (0 without a two-tower model).</summary>
    public int TwoTowerDimensions { get; init; }

    /// <summary>The candidate sources whose provenance is encoded, in column order. Default <see cref="CandidateSources.All"/>.</summary>
    public IReadOnlyList<string> Sources { get; init; } = CandidateSources.All;

    /// <summary>Age in years, one-hot (bucket 0 = missing). Default the MovieLens age groups.</summary>
    public Buckets AgeYears { get; init; } = new([18, 25, 35, 45, 50, 56]);

    /// <summary>The user's number of readable history items, one-hot. Default 1, 5, 10, 25, 50, 100, 250.</summary>
    public Buckets HistoryLength { get; init; } = new([1, 5, 10, 25, 50, 100, 250]);

    /// <summary>Video length in seconds, one-hot. Default 1, 5, 20 minutes, 1 and 2 hours.</summary>
    public Buckets DurationSeconds { get; init; } = new([60, 300, 1200, 3600, 7200]);

    /// <summary>Days since upload at the request time, one-hot. Default 1 day, a week, a month, 1, 5, 10, 25 years.</summary>
    public Buckets UploadAgeDays { get; init; } = new([1, 7, 30, 365, 1826, 3652, 9131]);

    /// <summary>Largest <see cref="RecentWatches"/> (as <c>evaluate --ranker-recent</c> allows).</summary>
    public const int MaxRecentWatches = 10_000;

    /// <summary>How many of the user's most recent watches the tag features read, 1 to <see cref="MaxRecentWatches"/>. Default 50.</summary>
    public int RecentWatches { get; init; } = 50;

    /// <summary>
    /// Whether the rows carry the co-watch cross features (<c>cowatch_sum</c>, <c>cowatch_mean</c>, <c>cowatch_max</c>,
    /// <c>cowatch_missing</c>; see <see cref="CoWatchNeighbours"/>). Default false; left out of the JSON when false, so
    /// layouts saved before it existed keep their fingerprint.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool CoWatch { get; init; }

    /// <summary>
    /// How many of the user's newest watches the co-watch features sum over, 1 to <see cref="MaxRecentWatches"/>, or 0
    /// (default) for <see cref="RecentWatches"/>. The co-watch sum is an item-to-item model's score of the candidate, which
    /// needs the whole history rather than the newest few: on ML-100K (5 seeds) the EASE sum over the 100 newest watches
    /// scored nDCG@10 0.43–0.44 alone, over 500 (every watch of nearly every user) 0.47–0.49, level with WALS. Left out of
    /// the JSON when 0.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int CoWatchHistory { get; init; }

    /// <summary>
    /// Whether the rows also carry the per-request z-score and percentile of <c>cowatch_sum</c> (<c>cowatch_sum_z</c>,
    /// <c>cowatch_sum_percentile</c>), as they do for the retrieval scores: the raw sum grows with the length of the
    /// history, its order within one request does not. Requires <see cref="CoWatch"/>. Left out of the JSON when false.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool CoWatchNormalized { get; init; }

    /// <summary>The number of newest watches the co-watch features read: <see cref="CoWatchHistory"/>, or <see cref="RecentWatches"/> when that is 0.</summary>
    [JsonIgnore]
    public int CoWatchWatches => CoWatchHistory > 0 ? CoWatchHistory : RecentWatches;

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentException">A field is out of range; the message names it.</exception>
    public void Validate()
    {
        if (Version != ScoringFeatures.CurrentVersion)
        {
            throw new ArgumentException($"version: this build reads scoring feature layout version {ScoringFeatures.CurrentVersion}, not {Version}.");
        }

        if (TwoTowerDimensions is < 0 or > 4096)
        {
            throw new ArgumentException($"two_tower_dimensions must be 0 to 4096, not {TwoTowerDimensions}.");
        }

        if (Sources is null || Sources.Any(string.IsNullOrWhiteSpace) || Sources.Distinct(StringComparer.Ordinal).Count() != Sources.Count)
        {
            throw new ArgumentException("sources must be distinct, non-empty names.");
        }

        if (RecentWatches is < 1 or > MaxRecentWatches)
        {
            // The bound keeps a damaged layout from sizing every assembler's buffers by it (2³¹ − 1 ints is 8 GB).
            throw new ArgumentException($"recent_watches must be 1 to {MaxRecentWatches}, not {RecentWatches}.");
        }

        if (CoWatchHistory is < 0 or > MaxRecentWatches)
        {
            throw new ArgumentException($"co_watch_history must be 0 (the recent watches) to {MaxRecentWatches}, not {CoWatchHistory}.");
        }

        if ((CoWatchHistory > 0 || CoWatchNormalized) && !CoWatch)
        {
            throw new ArgumentException("co_watch_history and co_watch_normalized need co_watch.");
        }

        (AgeYears ?? throw new ArgumentException("age_years is missing.")).Validate("age_years");
        (HistoryLength ?? throw new ArgumentException("history_length is missing.")).Validate("history_length");
        (DurationSeconds ?? throw new ArgumentException("duration_seconds is missing.")).Validate("duration_seconds");
        (UploadAgeDays ?? throw new ArgumentException("upload_age_days is missing.")).Validate("upload_age_days");
    }
}
