using VideoRec.Core.Domain;

namespace VideoRec.Core.Scoring;

/// <summary>A video's engagement so far, as the feature store counts it (offline: from the readable training pairs).</summary>
/// <param name="Views">Watches.</param>
/// <param name="Impressions">Times shown (0 when the data has no impressions: CTR is then missing).</param>
/// <param name="Clicks">Clicks, including watches that followed an impression.</param>
/// <param name="Completions">Watches of at least 90% (or complete watches of unknown length).</param>
/// <param name="Positives">Relevant (liked or watched at least half) pairs: the popularity the ranker reads.</param>
/// <param name="Trending">Trending score (see <see cref="CandidateGeneration.Activity.ActivitySnapshot.TrendingScore"/>), ≥ 0.</param>
/// <param name="CompletionViews">The watches <paramref name="Completions"/> were counted over, when fewer than <paramref name="Views"/> (serving floors the
/// views at the training positives, but the completion rate is the feature store's completions over the feature store's views); <c>null</c>: <paramref name="Views"/>.</param>
public readonly record struct VideoActivity(long Views, long Impressions, long Clicks, long Completions, long Positives, double Trending, long? CompletionViews = null);

/// <summary>What the scorer knows about one video; vectors may be empty (missing).</summary>
/// <param name="Id">The video id.</param>
/// <param name="Catalogue">Catalogue entry; <c>null</c> when the video is unknown to the catalogue.</param>
/// <param name="Activity">Engagement so far.</param>
/// <param name="TwoTower">Video-tower embedding, <c>[two-tower dimensions]</c>, or empty.</param>
/// <param name="Wals">WALS video factors, <c>[factors]</c>, or empty.</param>
/// <param name="Title">Title embedding (unit length), <c>[text dimensions]</c>, or empty.</param>
public sealed record VideoScoringInput(string Id, Video? Catalogue, VideoActivity Activity,
    ReadOnlyMemory<float> TwoTower = default, ReadOnlyMemory<float> Wals = default, ReadOnlyMemory<float> Title = default);

/// <summary>What the scorer knows about the user of one request; vectors may be empty (missing).</summary>
public sealed record ScoringUser
{
    /// <summary>The user id.</summary>
    public required string UserId { get; init; }

    /// <summary>The profile (age, gender); <c>null</c> when unknown.</summary>
    public UserProfile? Profile { get; init; }

    /// <summary>The viewer's country (ISO 3166-1 alpha-2); <c>null</c> when unknown.</summary>
    public string? Country { get; init; }

    /// <summary>The viewer's language (BCP 47); <c>null</c> when unknown.</summary>
    public string? Language { get; init; }

    /// <summary>User-tower embedding, <c>[two-tower dimensions]</c>, or empty.</summary>
    public ReadOnlyMemory<float> TwoTower { get; init; }

    /// <summary>WALS user factors, <c>[factors]</c>, or empty.</summary>
    public ReadOnlyMemory<float> Wals { get; init; }

    /// <summary>Search-history embedding (mean of the last queries' embeddings), <c>[text dimensions]</c>, or empty.</summary>
    public ReadOnlyMemory<float> SearchEmbedding { get; init; }

    /// <summary>Recently watched videos, newest first (only the first <see cref="ScoringFeatureSettings.RecentWatches"/> are read).</summary>
    public IReadOnlyList<string> RecentWatches { get; init; } = [];

    /// <summary>Number of the user's readable history items (watched videos).</summary>
    public int HistoryLength { get; init; }
}
