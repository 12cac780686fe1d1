using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using VideoRec.Api.Tests.Support;
using VideoRec.Host;

namespace VideoRec.Api.Tests.Serving;

/// <summary>OpenTelemetry on the real local host: one request's spans, per stage, without the user id.</summary>
public sealed class RecommendTelemetryHostTests
{
    /// <summary>
    /// Serves one request for Alice on a fresh local host and returns its server span and every span of its trace.
    /// Activity listeners are process-wide, so spans of other tests' pipelines and hosts running meanwhile are told apart
    /// by the port and the trace.
    /// </summary>
    private static async Task<(Activity Server, Activity[] Trace)> OneRequestAsync()
    {
        var root = Path.Combine(Path.GetTempPath(), "vrec-otel-" + Guid.NewGuid().ToString("N"));
        var exported = new List<Activity>();
        try
        {
            TestData.Train().Save(root);
            int port;
            await using (var app = LocalHost.Build(new LocalHostOptions
            {
                ModelPath = root,
                Port = 0,
                Pipeline = TestServing.Generous(),
                ConfigureTracing = tracing => tracing.AddInMemoryExporter(exported),
            }))
            {
                await app.StartAsync();
                var address = new Uri(LocalHost.Address(app));
                port = address.Port;
                using var client = new HttpClient { BaseAddress = address };
                var response = await client.GetAsync($"/api/users/{TestData.Alice}/recommendations?k=3");
                response.EnsureSuccessStatusCode();
                app.Services.GetRequiredService<TracerProvider>().ForceFlush();
                await app.StopAsync();
            }

            Activity[] all;
            lock (exported)
            {
                all = [.. exported];
            }

            var server = all.Single(a => a.Source.Name == "Microsoft.AspNetCore" && Equals(a.GetTagItem("server.port"), port));
            return (server, [.. all.Where(a => a.TraceId == server.TraceId)]);
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    [Fact]
    public async Task A_request_exports_a_span_per_stage_and_no_user_id()
    {
        var (server, trace) = await OneRequestAsync();

        var recommend = trace.Where(a => a.Source.Name == Core.Pipeline.RecommendTelemetry.Name).ToArray();
        Assert.Equal(["candidates", "recommend", "reranking", "scoring"], recommend.Select(a => a.DisplayName).Order(StringComparer.Ordinal));
        var parent = recommend.Single(a => a.DisplayName == "recommend");
        Assert.All(recommend.Where(a => a != parent), a => Assert.Equal(parent.SpanId, a.ParentSpanId));
        Assert.Equal(server.SpanId, parent.ParentSpanId);
        Assert.DoesNotContain(recommend.SelectMany(a => a.TagObjects), t => t.Value?.ToString()?.Contains(TestData.Alice, StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task The_server_span_names_the_route_not_the_user()
    {
        var (server, trace) = await OneRequestAsync();

        Assert.Equal("/api/users/{userId}/recommendations", server.GetTagItem("url.path"));
        Assert.Equal("/api/users/{userId}/recommendations", server.GetTagItem("http.route"));
        Assert.DoesNotContain(trace.SelectMany(a => a.TagObjects), t => t.Value?.ToString()?.Contains(TestData.Alice, StringComparison.Ordinal) == true);
        Assert.DoesNotContain(trace, a => a.DisplayName.Contains(TestData.Alice, StringComparison.Ordinal));
    }
}
