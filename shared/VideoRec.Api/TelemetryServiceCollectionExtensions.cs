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
    /// source, fallbacks) and ASP.NET Core requests (their path replaced by the route template, since the path holds the
    /// user id), exported by <paramref name="exporter"/>. Spans and metrics carry stage, source, status and counts, never a user id. <paramref name="configure"/> adds to the tracer (tests add an
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
                    // The raw path holds the user id: keep the route template instead (query values are redacted by default).
                    o.EnrichWithHttpResponse = (activity, response) =>
                    {
                        if (response.HttpContext.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } template })
                        {
                            activity.SetTag("url.path", template);
                        }
                    };
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
}
