using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using VideoRec.Core.Online;
using VideoRec.Core.Serving;

namespace VideoRec.Api;

/// <summary>The online metrics endpoint, used by the local host (through <see cref="MapMetricsApi"/>) and called directly by the function.</summary>
public static class MetricsEndpoints
{
    private static readonly string[] Parameters = ["from", "to", "groupBy"];

    /// <summary>
    /// GET /api/metrics?from=&amp;to=&amp;groupBy= — 200 with <see cref="OnlineMetricsResponse"/>; 400 validation problem
    /// details keyed by the parameter (<c>from</c>, <c>to</c>, <c>groupBy</c>) when one is malformed, repeated, or the
    /// range is empty or longer than 90 days.
    /// </summary>
    public static async Task<IResult> GetMetrics(OnlineMetricsHandler handler, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(request);
        var repeated = Parameters.Where(p => request.Query[p].Count > 1).ToDictionary(p => p, p => new[] { $"{p} must be given once." });
        if (repeated.Count > 0)
        {
            return Outcome<OnlineMetricsResponse>.Invalid(repeated).ToHttpResult();
        }

        var outcome = await handler.GetAsync(Value(request, "from"), Value(request, "to"), Value(request, "groupBy"), cancellationToken);
        return outcome.ToHttpResult();
    }

    /// <summary>Maps <see cref="GetMetrics"/> onto <paramref name="app"/>.</summary>
    public static IEndpointRouteBuilder MapMetricsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/metrics", (OnlineMetricsHandler handler, HttpRequest request, CancellationToken ct) => GetMetrics(handler, request, ct))
            .WithName("Metrics");
        return app;
    }

    /// <summary>
    /// Registers the online metrics handler over an already registered <see cref="IImpressionLog"/> and
    /// <see cref="Core.Ingestion.IFeatureStore"/>, with <paramref name="options"/> (validated: an
    /// <see cref="ArgumentException"/> names a bad window).
    /// </summary>
    public static IServiceCollection AddOnlineMetrics(this IServiceCollection services, AttributionOptions? options = null)
    {
        options ??= new AttributionOptions();
        if (options.Validate() is { Count: > 0 } errors)
        {
            throw new ArgumentException("Invalid attribution settings: " + string.Join(" ", errors), nameof(options));
        }

        services.TryAddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new OnlineMetricsHandler(sp.GetRequiredService<IImpressionLog>(), sp.GetRequiredService<Core.Ingestion.IFeatureStore>(),
            sp.GetRequiredService<AttributionOptions>(), sp.GetRequiredService<TimeProvider>()));
        services.AddProblemDetails();
        return services;
    }

    private static string? Value(HttpRequest request, string name) => request.Query.TryGetValue(name, out var values) && values.Count == 1 ? values[0] : null;
}
