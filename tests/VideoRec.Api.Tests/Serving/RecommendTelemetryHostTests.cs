using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using VideoRec.Api.Tests.Support;
using VideoRec.Host;

namespace VideoRec.Api.Tests.Serving;

/// <summary>OpenTelemetry on the real local host: one request's spans, per stage, without the user id.</summary>
public sealed class RecommendTelemetryHostTests
{
    [Fact]
    public async Task A_request_exports_a_span_per_stage_and_no_user_id()
    {
        var root = Path.Combine(Path.GetTempPath(), "vrec-otel-" + Guid.NewGuid().ToString("N"));
        var exported = new List<Activity>();
        try
        {
            TestData.Train().Save(root);
            await using (var app = LocalHost.Build(new LocalHostOptions
            {
                ModelPath = root,
                Port = 0,
                Pipeline = TestServing.Generous(),
                ConfigureTracing = tracing => tracing.AddInMemoryExporter(exported),
            }))
            {
                await app.StartAsync();
                using var client = new HttpClient { BaseAddress = new Uri(LocalHost.Address(app)) };
                lock (exported)
                {
                    exported.Clear(); // the warm-up's spans
                }

                var response = await client.GetAsync($"/api/users/{TestData.Alice}/recommendations?k=3");
                response.EnsureSuccessStatusCode();
                app.Services.GetRequiredService<TracerProvider>().ForceFlush();
                await app.StopAsync();
            }

            var recommend = exported.Where(a => a.Source.Name == Core.Pipeline.RecommendTelemetry.Name).ToArray();
            Assert.Equal(["candidates", "recommend", "reranking", "scoring"], recommend.Select(a => a.DisplayName).Order(StringComparer.Ordinal));
            var parent = recommend.Single(a => a.DisplayName == "recommend");
            Assert.All(recommend.Where(a => a != parent), a => Assert.Equal(parent.SpanId, a.ParentSpanId));
            Assert.Contains(exported, a => a.Source.Name == "Microsoft.AspNetCore" && a.SpanId == parent.ParentSpanId);
            Assert.DoesNotContain(recommend.SelectMany(a => a.TagObjects), t => t.Value?.ToString()?.Contains(TestData.Alice, StringComparison.Ordinal) == true);
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
    public async Task The_server_span_names_the_route_not_the_user()
    {
        var root = Path.Combine(Path.GetTempPath(), "vrec-otel-" + Guid.NewGuid().ToString("N"));
        var exported = new List<Activity>();
        try
        {
            TestData.Train().Save(root);
            await using (var app = LocalHost.Build(new LocalHostOptions
            {
                ModelPath = root,
                Port = 0,
                Pipeline = TestServing.Generous(),
                ConfigureTracing = tracing => tracing.AddInMemoryExporter(exported),
            }))
            {
                await app.StartAsync();
                using var client = new HttpClient { BaseAddress = new Uri(LocalHost.Address(app)) };
                lock (exported)
                {
                    exported.Clear(); // the warm-up's spans
                }

                var response = await client.GetAsync($"/api/users/{TestData.Alice}/recommendations?k=3");
                response.EnsureSuccessStatusCode();
                app.Services.GetRequiredService<TracerProvider>().ForceFlush();
                await app.StopAsync();
            }

            var server = exported.Single(a => a.Source.Name == "Microsoft.AspNetCore");
            Assert.Equal("/api/users/{userId}/recommendations", server.GetTagItem("url.path"));
            Assert.Equal("/api/users/{userId}/recommendations", server.GetTagItem("http.route"));
            Assert.DoesNotContain(exported.SelectMany(a => a.TagObjects), t => t.Value?.ToString()?.Contains(TestData.Alice, StringComparison.Ordinal) == true);
            Assert.DoesNotContain(exported, a => a.DisplayName.Contains(TestData.Alice, StringComparison.Ordinal));
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }
}
