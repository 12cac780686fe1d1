using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using VideoRec.Core.Pipeline;

namespace VideoRec.Api;

/// <summary>Where OpenTelemetry traces and metrics go.</summary>
public enum TelemetryExporter
{
    /// <summary>Collected (so in-process listeners and tests see them) but not exported.</summary>
    None,

    /// <summary>Printed to the console.</summary>
    Console,

    /// <summary>OTLP to <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (default http://localhost:4317), for a collector, Jaeger, Prometheus or Azure Monitor's agent.</summary>
    Otlp,
}

/// <summary>DI registration of the recommend path's OpenTelemetry (both hosts).</summary>
public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// Registers OpenTelemetry tracing and metrics for the recommend pipeline (<see cref="RecommendTelemetry"/>: a
    /// <c>recommend</c> span with a child per stage; stage and per-source latency histograms, candidate counts per
    /// source, fallbacks) and ASP.NET Core requests (the server span gives the route template as <c>url.path</c>, not the path), exported by <paramref name="exporter"/>. Spans and metrics carry
    /// stage, source, status and counts, never a user id. <paramref name="configure"/> adds to the tracer (tests add an
    /// in-memory exporter).
    /// </summary>
    public static IServiceCollection AddRecommendTelemetry(this IServiceCollection services, TelemetryExporter exporter = TelemetryExporter.None,
        Action<TracerProviderBuilder>? configure = null, Action<MeterProviderBuilder>? configureMetrics = null)
    {
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("videorec"))
            .WithTracing(tracing =>
            {
                tracing.AddSource(RecommendTelemetry.Name).AddAspNetCoreInstrumentation(o =>
                {
                    o.RecordException = true;
                    o.EnrichWithHttpResponse = RedactPath;
                });
                switch (exporter)
                {
                    case TelemetryExporter.Console:
                        tracing.AddConsoleExporter();
                        break;
                    case TelemetryExporter.Otlp:
                        tracing.AddOtlpExporter();
                        break;
                }

                configure?.Invoke(tracing);
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(RecommendTelemetry.Name).AddAspNetCoreInstrumentation();
                switch (exporter)
                {
                    case TelemetryExporter.Console:
                        metrics.AddConsoleExporter();
                        break;
                    case TelemetryExporter.Otlp:
                        metrics.AddOtlpExporter();
                        break;
                }

                configureMetrics?.Invoke(metrics);
            });
        return services;
    }

    /// <summary>
    /// Replaces the server span's <c>url.path</c> (such as <c>/api/users/alice/recommendations</c>) by the matched route
    /// template (<c>/api/users/{userId}/recommendations</c>), or drops it when no route matched: paths carry user ids,
    /// which telemetry never does.
    /// </summary>
    private static void RedactPath(Activity activity, HttpResponse response)
    {
        var route = (response.HttpContext.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
        activity.SetTag("url.path", route is null ? null : route.StartsWith('/') ? route : "/" + route);
    }
}
