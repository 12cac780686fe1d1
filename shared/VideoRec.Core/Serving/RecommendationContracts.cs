namespace VideoRec.Core.Serving;

/// <summary>One similar video.</summary>
/// <param name="VideoId">The video id.</param>
/// <param name="Title">The video title.</param>
/// <param name="Score">The score of the source that proposed it (WALS dot product, popularity count, cosine similarity).</param>
/// <param name="Source">Which generator proposed it: <c>wals</c>, <c>popular</c> or <c>similar</c>.</param>
public sealed record RecommendedItem(string VideoId, string Title, float Score, string Source);

/// <summary>Videos similar to one video.</summary>
/// <param name="VideoId">The video asked about.</param>
/// <param name="ModelVersion">The bundle version that produced it.</param>
/// <param name="Items">Similar videos, most similar first.</param>
public sealed record SimilarVideosResponse(string VideoId, string ModelVersion, IReadOnlyList<RecommendedItem> Items);

/// <summary>Liveness and the version being served.</summary>
/// <param name="Status"><c>ok</c>.</param>
/// <param name="ModelVersion">The bundle version loaded.</param>
/// <param name="Users">Known users.</param>
/// <param name="Videos">Videos in the catalogue.</param>
public sealed record HealthResponse(string Status, string ModelVersion, int Users, int Videos);
