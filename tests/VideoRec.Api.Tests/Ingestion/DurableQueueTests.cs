using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using VideoRec.Api.Tests.Support;
using VideoRec.Host;
using VideoRec.Local.Sqlite;
using static VideoRec.Api.Tests.Ingestion.Events;

namespace VideoRec.Api.Tests.Ingestion;

/// <summary>Accepted events are in the durable queue when the 202 is sent, and a later host applies them.</summary>
public sealed class DurableQueueTests
{
    [Fact]
    public async Task Events_accepted_by_a_host_that_does_not_process_are_applied_by_the_next_host()
    {
        var root = Path.Combine(Path.GetTempPath(), "vrec-durable-tests-" + Guid.NewGuid().ToString("N"));
        var models = Path.Combine(root, "models");
        var database = Path.Combine(root, "videorec.db");
        try
        {
            TestData.Train().Save(models);
            var u = Unique("durable");
            var batch = new JsonArray(Of($"{u}-0", u, "like", "v01"), Of($"{u}-1", u, "watch", "v02", 42)).ToJsonString();

            await using (var accepting = LocalHost.Build(new LocalHostOptions { ModelPath = models, Port = 0, DatabasePath = database, ProcessQueue = false }))
            {
                await accepting.StartAsync();
                using var client = new HttpClient { BaseAddress = new Uri(LocalHost.Address(accepting)) };

                var response = await client.PostAsync("/api/events", new StringContent(batch, Encoding.UTF8, "application/json"));

                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                Assert.Equal(1, accepting.Services.GetRequiredService<SqliteEventQueue>().Count());
                await Task.Delay(200);
                Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/users/{u}/aggregates")).StatusCode);
                await accepting.StopAsync();
            }

            await using var processing = LocalHost.Build(new LocalHostOptions { ModelPath = models, Port = 0, DatabasePath = database });
            await processing.StartAsync();
            using (var client = new HttpClient { BaseAddress = new Uri(LocalHost.Address(processing)) })
            {
                var clock = Stopwatch.StartNew();
                HttpResponseMessage aggregates;
                while ((aggregates = await client.GetAsync($"/api/users/{u}/aggregates")).StatusCode != HttpStatusCode.OK)
                {
                    Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "The queued batch was not applied within 10 s.");
                    await Task.Delay(50);
                }

                var body = Json.Parse(await aggregates.Content.ReadAsStringAsync());
                Assert.Equal(42, body.GetProperty("totalWatchSeconds").GetDouble());
                Assert.Equal(0, processing.Services.GetRequiredService<SqliteEventQueue>().Count());
            }

            await processing.StopAsync();
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
