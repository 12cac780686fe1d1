using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Primitives;
using VideoRec.Core.Serving;
using VideoRec.Core.Serving.Recommend;

namespace VideoRec.Api;

/// <summary>
/// The recommendation HTTP endpoints. Each is one static method used by both the local host (through
/// <see cref="MapRecommendationApi"/>) and the Azure Functions (called directly), so the two cannot drift.
/// </summary>
public static class RecommendationEndpoints
{
    /// <summary>
    /// GET /api/users/{userId}/recommendations?k=&amp;pageToken=&amp;device=&amp;language=&amp;country=&amp;explain= — 200 with
    /// <see cref="RecommendationPage"/> (also for unknown users, and for degraded answers, which say why), or 400 problem
    /// details naming each bad parameter, or 499 (no body) when <paramref name="cancellationToken"/> says the client went
    /// away. Context missing from the query is read from headers where natural:
    /// <c>Accept-Language</c> (its first tag), <c>X-Country</c>, and <c>X-Device</c> (or <c>Sec-CH-UA-Mobile: ?1</c> for mobile);
    /// a malformed header is ignored (headers come from browsers and proxies), while a malformed query parameter is a 400.
    /// </summary>
    public static async Task<IResult> Recommend(RecommendationHandler handler, string userId, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(request);
        var query = request.Query;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Check(bool ok, string name, string? error)
        {
            if (!ok)
            {
                errors[name] = [error!];
            }
        }

        Check(QueryParameters.TryParseOptionalInt(query["k"], "k", out var k, out var error), "k", error);
        Check(QueryParameters.TryParseOptionalText(query["pageToken"], "pageToken", out var pageToken, out error), "pageToken", error);
        Check(QueryParameters.TryParseOptionalText(query["device"], "device", out var device, out error), "device", error);
        Check(QueryParameters.TryParseOptionalText(query["language"], "language", out var language, out error), "language", error);
        Check(QueryParameters.TryParseOptionalText(query["country"], "country", out var country, out error), "country", error);
        Check(QueryParameters.TryParseFlag(query["explain"], "explain", out var explain, out error), "explain", error);
        var headers = request.Headers;
        var recommendQuery = new RecommendQuery
        {
            UserId = userId,
            K = k,
            PageToken = pageToken,
            Device = device ?? HeaderDevice(headers),
            Language = language ?? HeaderLanguage(headers),
            Country = country ?? HeaderCountry(headers),
            Explain = explain,
        };
        if (errors.Count > 0)
        {
            // Name the other fields' problems too (those that parsed), so one answer lists everything to fix.
            foreach (var (field, messages) in handler.Validate(recommendQuery))
            {
                errors.TryAdd(field, messages);
            }

            return Outcome<RecommendationPage>.Invalid(errors).ToHttpResult();
        }

        Outcome<RecommendationPage> outcome;
        try
        {
            outcome = await handler.RecommendAsync(recommendQuery, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away: nobody reads this answer, and it is no failure of the service (no error log, no
            // failed function invocation, no exception span).
            return TypedResults.StatusCode(StatusCodes.Status499ClientClosedRequest);
        }

        return outcome.ToHttpResult();
    }

    /// <summary>The first language of <c>Accept-Language</c> (such as <c>pt-BR</c> from <c>pt-BR,pt;q=0.9</c>), or <c>null</c> for none or <c>*</c>.</summary>
    public static string? HeaderLanguage(IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var first = headers.AcceptLanguage.ToString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        var tag = first?.Split(';')[0].Trim();
        // A malformed header is the browser's problem, not the caller's: ignore it rather than fail the request.
        return tag is null or "" or "*" || !System.Text.RegularExpressions.Regex.IsMatch(tag, "^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,4}$") ? null : tag;
    }

    /// <summary>
    /// <c>X-Country</c> when it is a two-letter code; a malformed one (set by a proxy or CDN, not by the caller) is
    /// ignored like a malformed <c>Accept-Language</c>, so the request falls back to the profile's country.
    /// </summary>
    private static string? HeaderCountry(IHeaderDictionary headers) =>
        Single(headers["X-Country"]) is { } value && value.Trim() is { Length: 2 } code && code.All(char.IsAsciiLetter) ? code : null;

    /// <summary><c>X-Device</c> when well formed (a malformed one is ignored), else <c>mobile</c> for <c>Sec-CH-UA-Mobile: ?1</c>.</summary>
    private static string? HeaderDevice(IHeaderDictionary headers) =>
        (Single(headers["X-Device"]) is { } value && value.Trim() is { Length: >= 1 and <= 32 } device && device.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') ? device : null)
        ?? (headers["Sec-CH-UA-Mobile"].ToString() == "?1" ? "mobile" : null);

    private static string? Single(StringValues values) => values.Count == 1 && !string.IsNullOrWhiteSpace(values[0]) ? values[0] : null;

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
            Recommend(handler, userId, request, cancellationToken))
            .WithName("Recommend");
        app.MapGet("/api/videos/{videoId}/similar", (RecommendationHandler handler, string videoId, HttpRequest request) =>
            Similar(handler, videoId, request.Query["k"]))
            .WithName("SimilarVideos");
        app.MapGet("/health", (RecommendationHandler handler) => Health(handler)).WithName("Health");
        app.MapGet("/api/health", (RecommendationHandler handler) => Health(handler)).WithName("ApiHealth");
        return app;
    }
}
