using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VideoRec.Core.Ingestion;
using VideoRec.Core.Serving;

namespace VideoRec.Api;

/// <summary>
/// The ingestion and catalogue HTTP endpoints, one static method each, used by the local host (through
/// <see cref="MapIngestionApi"/>) and called directly by the Azure Functions.
/// </summary>
public static class IngestionEndpoints
{
    /// <summary>
    /// POST /api/events — a JSON array of up to 1,000 events. 202 with <see cref="IngestResponse"/> when at least one
    /// event was accepted (and durably queued); 400 problem details naming each bad event as <c>[index].field</c> when
    /// none was; 400 for a malformed body; 413 for a body over the limit; 415 for a non-JSON media type.
    /// </summary>
    public static async Task<IResult> PostEvents(IngestionHandler handler, IngestionOptions options, HttpRequest request, CancellationToken cancellationToken)
    {
        if (!RequestBody.IsJson(request))
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, "body", $"The body must be application/json, found '{request.ContentType}'.");
        }

        var body = await RequestBody.ReadAsync(request, options.MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, "body", $"The body is larger than {options.MaxBodyBytes:N0} bytes.");
        }

        var (failure, response) = await handler.AcceptEventsAsync(body, cancellationToken);
        if (failure is not null)
        {
            return Problem(failure.Status, failure.Field, failure.Message);
        }

        if (response!.Accepted.Count == 0)
        {
            var errors = response.Rejected
                .SelectMany(r => r.Errors.Select(e => (Key: $"[{r.Index}].{e.Key}", e.Value)))
                .ToDictionary(e => e.Key, e => e.Value);
            return TypedResults.ValidationProblem(errors, title: "No event was accepted.",
                extensions: new Dictionary<string, object?> { ["rejected"] = response.Rejected });
        }

        return TypedResults.Accepted((string?)null, response);
    }

    /// <summary>PUT /api/videos/{videoId} — 201 when created, 200 when replaced (body: the stored video), 400 naming bad fields.</summary>
    public static async Task<IResult> PutVideo(IngestionHandler handler, string videoId, HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await RequestBody.ReadAsync(request, 64 * 1024, cancellationToken);
        if (body is null)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, "body", "The body is larger than 65,536 bytes.");
        }

        var outcome = await handler.UpsertVideoAsync(videoId, body, cancellationToken);
        return Upserted(outcome, $"/api/videos/{Uri.EscapeDataString(videoId)}");
    }

    /// <summary>PUT /api/users/{userId} — 201 when created, 200 when replaced (body: the stored profile), 400 naming bad fields.</summary>
    public static async Task<IResult> PutUser(IngestionHandler handler, string userId, HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await RequestBody.ReadAsync(request, 64 * 1024, cancellationToken);
        if (body is null)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, "body", "The body is larger than 65,536 bytes.");
        }

        var outcome = await handler.UpsertUserAsync(userId, body, cancellationToken);
        return Upserted(outcome, $"/api/users/{Uri.EscapeDataString(userId)}");
    }

    /// <summary>GET /api/users/{userId}/aggregates — 200 with <see cref="UserAggregatesResponse"/>, 404 when nothing was applied.</summary>
    public static async Task<IResult> GetAggregates(IngestionHandler handler, string userId, CancellationToken cancellationToken) =>
        (await handler.GetAggregatesAsync(userId, cancellationToken)).ToHttpResult();

    /// <summary>GET /api/videos/{videoId}/statistics — 200 with <see cref="VideoStatisticsResponse"/>, 404 when nothing was applied.</summary>
    public static async Task<IResult> GetVideoStatistics(IngestionHandler handler, string videoId, CancellationToken cancellationToken) =>
        (await handler.GetVideoStatisticsAsync(videoId, cancellationToken)).ToHttpResult();

    /// <summary>DELETE /api/users/{userId} — 204 when the user's data was removed, 404 when there was none.</summary>
    public static async Task<IResult> DeleteUser(IngestionHandler handler, string userId, CancellationToken cancellationToken)
    {
        var outcome = await handler.DeleteUserAsync(userId, cancellationToken);
        return outcome.IsSuccess ? TypedResults.NoContent() : outcome.ToHttpResult();
    }

    /// <summary>Maps the endpoints above onto <paramref name="app"/>.</summary>
    public static IEndpointRouteBuilder MapIngestionApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/events", (IngestionHandler handler, IngestionOptions options, HttpRequest request, CancellationToken ct) => PostEvents(handler, options, request, ct))
            .WithName("IngestEvents");
        app.MapPut("/api/videos/{videoId}", (IngestionHandler handler, string videoId, HttpRequest request, CancellationToken ct) => PutVideo(handler, videoId, request, ct))
            .WithName("UpsertVideo");
        app.MapPut("/api/users/{userId}", (IngestionHandler handler, string userId, HttpRequest request, CancellationToken ct) => PutUser(handler, userId, request, ct))
            .WithName("UpsertUser");
        app.MapGet("/api/users/{userId}/aggregates", (IngestionHandler handler, string userId, CancellationToken ct) => GetAggregates(handler, userId, ct))
            .WithName("UserAggregates");
        app.MapGet("/api/videos/{videoId}/statistics", (IngestionHandler handler, string videoId, CancellationToken ct) => GetVideoStatistics(handler, videoId, ct))
            .WithName("VideoStatistics");
        app.MapDelete("/api/users/{userId}", (IngestionHandler handler, string userId, CancellationToken ct) => DeleteUser(handler, userId, ct))
            .WithName("DeleteUser");
        return app;
    }

    private static IResult Upserted<T>(Outcome<UpsertResponse<T>> outcome, string location) =>
        !outcome.IsSuccess ? outcome.ToHttpResult()
        : outcome.Value!.Created ? TypedResults.Created(location, outcome.Value.Value)
        : TypedResults.Ok(outcome.Value.Value);

    private static IResult Problem(int status, string field, string message) => status == StatusCodes.Status400BadRequest
        ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "The request is malformed.")
        : TypedResults.Problem(message, statusCode: status, title: status == StatusCodes.Status413PayloadTooLarge ? "The request is too large." : "Unsupported media type.",
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [field] = [message] } });
}
