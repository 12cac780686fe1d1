using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using VideoRec.Api;
using VideoRec.Core.Serving;

namespace VideoRec.Functions;

/// <summary>
/// The HTTP functions of the recommend path. Each parses nothing itself: it hands the route value and query string to
/// the same <see cref="RecommendationEndpoints"/> method the local host maps, so both hosts answer identically.
/// Routes sit under the Functions default prefix <c>/api</c>.
/// </summary>
public sealed class RecommendationFunctions(RecommendationHandler handler)
{
    /// <summary>GET /api/users/{userId}/recommendations?k=&amp;pageToken=&amp;device=&amp;language=&amp;country=&amp;explain=</summary>
    [Function("Recommend")]
    public Task<IResult> Recommend(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "users/{userId}/recommendations")] HttpRequest request,
        string userId) =>
        RecommendationEndpoints.Recommend(handler, userId, request, request.HttpContext.RequestAborted);

    /// <summary>GET /api/videos/{videoId}/similar?k=</summary>
    [Function("SimilarVideos")]
    public IResult Similar(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "videos/{videoId}/similar")] HttpRequest request,
        string videoId) =>
        RecommendationEndpoints.Similar(handler, videoId, request.Query["k"]);

    /// <summary>GET /api/health</summary>
    [Function("Health")]
    public IResult Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request) =>
        RecommendationEndpoints.Health(handler);
}
