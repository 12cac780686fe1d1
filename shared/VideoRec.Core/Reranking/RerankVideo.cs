namespace VideoRec.Core.Reranking;

/// <summary>What re-ranking knows about a candidate video (catalogue fields, integrity flags and global statistics).</summary>
public sealed record RerankVideo
{
    /// <summary>The channel or person who uploaded it; <c>null</c> or blank when unknown (no creator cap applies).</summary>
    public string? CreatorId { get; init; }

    /// <summary>Tags (lower case compared); the per-tag cap counts them (null and blank tags are ignored).</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Upload time; <c>null</c> when unknown (no freshness boost, never "new").</summary>
    public DateTimeOffset? UploadedAt { get; init; }

    /// <summary>Countries (ISO 3166-1 alpha-2) where it may be shown; empty means everywhere.</summary>
    public IReadOnlyList<string> AllowedRegions { get; init; } = [];

    /// <summary>Hidden or deleted by its owner or the platform.</summary>
    public bool Hidden { get; init; }

    /// <summary>Flagged as misinformation by the platform's review (removed from recommendations).</summary>
    public bool Misinformation { get; init; }

    /// <summary>Duplicate group: videos sharing one (re-uploads, mirrors) are near-duplicates; <c>null</c> for none.</summary>
    public string? DuplicateGroup { get; init; }

    /// <summary>Content embedding (such as the title embedding or the video-tower vector) for near-duplicate detection and diversity; empty when unknown.</summary>
    public ReadOnlyMemory<float> Embedding { get; init; }

    /// <summary>
    /// Whether the statistics below were read (default <c>true</c>). A video whose statistics are unknown (served from
    /// the bundle alone, before the first activity read) is not "seldom shown": only a recent upload makes it new.
    /// </summary>
    public bool HasStatistics { get; init; } = true;

    /// <summary>
    /// A collaborative vector (such as the video's WALS factors) that diversity (MMR) uses when <see cref="Embedding"/>
    /// is empty; never used for near-duplicates, since videos watched by the same people are not copies of each other.
    /// </summary>
    public ReadOnlyMemory<float> BehaviourEmbedding { get; init; }

    /// <summary>The vector diversity compares: <see cref="Embedding"/>, else <see cref="BehaviourEmbedding"/>.</summary>
    public ReadOnlyMemory<float> DiversityEmbedding => Embedding.IsEmpty ? BehaviourEmbedding : Embedding;

    /// <summary>Times shown to anyone.</summary>
    public long Impressions { get; init; }

    /// <summary>Clicks after those impressions.</summary>
    public long Clicks { get; init; }

    /// <summary>Views (watch starts).</summary>
    public long Views { get; init; }

    /// <summary>Views watched to at least 90%.</summary>
    public long Completions { get; init; }
}
