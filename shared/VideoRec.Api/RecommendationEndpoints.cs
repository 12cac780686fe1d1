using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Primitives;
using VideoRec.Core.Serving;

namespace VideoRec.Api;

/// <summary>
/// The recommendation HTTP endpoints. Each is one static method used by both the local host (through
/// <see cref="MapRecommendationApi"/>) and the Azure Functions (called directly), so the two cannot drift.
/// </summary>
public static class RecommendationEndpoints
{
    /// <summary>GET /api/users/{userId}/recommendations?k= — 200 with <see cref="RecommendationResponse"/>, or 400 naming the bad parameter.</summary>
    public static async Task<IResult> Recommend(RecommendationHandler handler, string userId, StringValues k, CancellationToken cancellationToken) =>
        QueryParameters.TryParseOptionalInt(k, "k", out var count, out var error)
            ? (await handler.RecommendAsync(userId, count, cancellationToken)).ToHttpResult()
            : Outcome<RecommendationResponse>.Invalid("k", error!).ToHttpResult();

    /// <summary>GET /api/videos/{videoId}/similar?k= — 200 with <see cref="SimilarVideosResponse"/>, 400, or 404 for an unknown video.</summary>
    public static IResult Similar(RecommendationHandler handler, string videoId, StringValues k) =>
        QueryParameters.TryParseOptionalInt(k, "k", out var count, out var error)
            ? handler.Similar(videoId, count).ToHttpResult()
            : Outcome<SimilarVideosResponse>.Invalid("k", error!).ToHttpResult();

    /// <summary>GET /health (and /api/health, the Functions route) — 200 with <see cref="HealthResponse"/>.</summary>
    public static IResult Health(RecommendationHandler handler) => TypedResults.Ok(handler.Health());

    /// <summary>Maps the endpoints above onto <paramref name="app"/>.</summary>
    public static IEndpointRouteBuilder MapRecommendationApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/users/{userId}/recommendations", (RecommendationHandler handler, string userId, HttpRequest request, CancellationToken cancellationToken) =>
            Recommend(handler, userId, request.Query["k"], cancellationToken))
            .WithName("Recommend");
        app.MapGet("/api/videos/{videoId}/similar", (RecommendationHandler handler, string videoId, HttpRequest request) =>
            Similar(handler, videoId, request.Query["k"]))
            .WithName("SimilarVideos");
        app.MapGet("/health", (RecommendationHandler handler) => Health(handler)).WithName("Health");
        app.MapGet("/api/health", (RecommendationHandler handler) => Health(handler)).WithName("ApiHealth");
        return app;
    }
}
