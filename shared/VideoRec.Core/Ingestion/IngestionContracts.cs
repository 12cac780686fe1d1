namespace VideoRec.Core.Ingestion;

/// <summary>An accepted event of a POST: its position and id.</summary>
/// <param name="Index">0-based position in the request array.</param>
/// <param name="EventId">The event id.</param>
public sealed record AcceptedEventRef(int Index, string EventId);

/// <summary>The answer to <c>POST /api/events</c>: which events were accepted (durably queued) and which refused, and why.</summary>
/// <param name="BatchId">Id of the queued batch; <c>null</c> when nothing was accepted.</param>
/// <param name="Accepted">Accepted events.</param>
/// <param name="Rejected">Refused events with their errors by field.</param>
public sealed record IngestResponse(string? BatchId, IReadOnlyList<AcceptedEventRef> Accepted, IReadOnlyList<EventRejection> Rejected);

/// <summary>The answer to <c>GET /api/users/{id}/aggregates</c>.</summary>
/// <param name="UserId">The user.</param>
/// <param name="Counts">Events applied by type.</param>
/// <param name="TotalWatchSeconds">Total watch time in seconds.</param>
/// <param name="FirstEventAt">Earliest event.</param>
/// <param name="LastEventAt">Latest event.</param>
/// <param name="Recent">Recent lists: watched, liked, disliked, impressed, searches (newest first).</param>
/// <param name="Vector">The user's WALS vector, when fold-in has computed one.</param>
/// <param name="SearchEmbedding">The user's search-history embedding, when text embeddings are kept and one was computed.</param>
public sealed record UserAggregatesResponse(
    string UserId,
    IReadOnlyDictionary<string, long> Counts,
    double TotalWatchSeconds,
    DateTimeOffset? FirstEventAt,
    DateTimeOffset? LastEventAt,
    IReadOnlyDictionary<string, IReadOnlyList<RecentItem>> Recent,
    UserVectorResponse? Vector,
    SearchEmbeddingResponse? SearchEmbedding = null)
{
    /// <summary>Builds the response from the stored aggregates, vector and search-history embedding.</summary>
    public static UserAggregatesResponse From(UserAggregates aggregates, UserVector? vector, Embeddings.UserSearchEmbedding? searchEmbedding = null) => new(
        aggregates.UserId,
        EventBatchParser.TypeNames.ToDictionary(t => t, t => aggregates.Counts.GetValueOrDefault(t)),
        aggregates.TotalWatchSeconds,
        aggregates.FirstEventAt,
        aggregates.LastEventAt,
        new Dictionary<string, IReadOnlyList<RecentItem>>
        {
            ["watched"] = aggregates.Watched,
            ["liked"] = aggregates.Liked,
            ["disliked"] = aggregates.Disliked,
            ["impressed"] = aggregates.Impressed,
            ["searches"] = aggregates.Searches,
        },
        vector is null ? null : new UserVectorResponse(vector.ModelVersion, vector.AsOf, vector.Vector),
        searchEmbedding is null ? null : new SearchEmbeddingResponse(searchEmbedding.ModelId, searchEmbedding.QueryCount, searchEmbedding.AsOf, searchEmbedding.Vector));
}

/// <summary>A user's search-history embedding as served.</summary>
/// <param name="Model">The embedding model.</param>
/// <param name="QueryCount">How many recent queries it averages.</param>
/// <param name="AsOf">Time of the newest query averaged.</param>
/// <param name="Vector">The mean query embedding, <c>[dimensions]</c>.</param>
public sealed record SearchEmbeddingResponse(string Model, int QueryCount, DateTimeOffset AsOf, IReadOnlyList<float> Vector);

/// <summary>A user's WALS vector as served.</summary>
/// <param name="ModelVersion">The bundle it was solved against.</param>
/// <param name="AsOf">Time of the latest event it reflects.</param>
/// <param name="Factors">The factors.</param>
public sealed record UserVectorResponse(string ModelVersion, DateTimeOffset AsOf, IReadOnlyList<float> Factors);

/// <summary>The answer to <c>GET /api/videos/{id}/statistics</c>.</summary>
/// <param name="VideoId">The video.</param>
/// <param name="Impressions">Times shown.</param>
/// <param name="Clicks">Times opened.</param>
/// <param name="Views">Watch events.</param>
/// <param name="Likes">Likes.</param>
/// <param name="Dislikes">Dislikes.</param>
/// <param name="Shares">Shares.</param>
/// <param name="Comments">Comments.</param>
/// <param name="TotalWatchSeconds">Total watch time in seconds.</param>
/// <param name="Completions">Completed watches.</param>
/// <param name="ClickThroughRate">Clicks per impression.</param>
/// <param name="CompletionRate">Completions per view.</param>
/// <param name="TrendingScore">Time-decayed views at the time of the request.</param>
public sealed record VideoStatisticsResponse(string VideoId, long Impressions, long Clicks, long Views, long Likes, long Dislikes, long Shares,
    long Comments, double TotalWatchSeconds, long Completions, double ClickThroughRate, double CompletionRate, double TrendingScore)
{
    /// <summary>Builds the response, with the trending score at <paramref name="now"/>.</summary>
    public static VideoStatisticsResponse From(VideoStatistics s, DateTimeOffset now, IngestionOptions options) => new(
        s.VideoId, s.Impressions, s.Clicks, s.Views, s.Likes, s.Dislikes, s.Shares, s.Comments, s.TotalWatchSeconds, s.Completions,
        s.ClickThroughRate, s.CompletionRate, Math.Round(s.TrendingScore(now, options.TrendingHalfLifeHours), 6));
}

/// <summary>The answer to a catalogue or profile upsert.</summary>
/// <param name="Created">Whether the record was new.</param>
/// <param name="Value">The record as stored.</param>
public sealed record UpsertResponse<T>(bool Created, T Value);
