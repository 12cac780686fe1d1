using VideoRec.Core.Domain;
using VideoRec.Core.Ingestion;

namespace VideoRec.Core.Serving.Recommend;

/// <summary>What the recommend handler read about a user for one request.</summary>
/// <param name="Profile">The profile, or <c>null</c>.</param>
/// <param name="Aggregates">The aggregates, or <c>null</c>.</param>
/// <param name="Vector">The WALS vector to query with, <c>[factors]</c>, or <c>null</c> (cold start for WALS).</param>
/// <param name="Consumed">Videos the user clicked, watched, liked, disliked, shared or commented on.</param>
/// <param name="KnownToBundle">Whether the bundle's history and vector of the user may be used (known and not deleted since).</param>
/// <param name="Problem">Why the store could not be read, or <c>null</c>.</param>
internal sealed record UserContext(UserProfile? Profile, UserAggregates? Aggregates, float[]? Vector, IReadOnlyCollection<string> Consumed,
    bool KnownToBundle, string? Problem);
