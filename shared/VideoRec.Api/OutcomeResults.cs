using Microsoft.AspNetCore.Http;
using VideoRec.Core.Serving;

namespace VideoRec.Api;

/// <summary>Maps a handler <see cref="Outcome{T}"/> to an HTTP result: 200 with the value, 400 validation problem details, or 404 problem details.</summary>
public static class OutcomeResults
{
    /// <summary>The HTTP result for <paramref name="outcome"/>.</summary>
    public static IResult ToHttpResult<T>(this Outcome<T> outcome)
    {
        if (outcome.Errors is { } errors)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary(e => e.Key, e => e.Value), title: "The request has invalid parameters.");
        }

        if (outcome.NotFound is { } detail)
        {
            return TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found.");
        }

        return TypedResults.Ok(outcome.Value);
    }
}
