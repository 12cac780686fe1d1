using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using VideoRec.Api.Tests.Support;
using VideoRec.Azure;
using VideoRec.Azure.Queues;
using VideoRec.Core.Bundles;
using VideoRec.Core.Ingestion;
using VideoRec.Host;
using VideoRec.Local.Sqlite;
using static VideoRec.Api.Tests.Ingestion.Events;

namespace VideoRec.Api.Tests.Ingestion;

/// <summary>
/// The local host with an Azure Storage queue on Azurite in place of the SQLite queue table (what
/// <c>vrec serve --queue-connection</c> builds): events posted over HTTP travel through Azurite to the background worker
/// and land in the SQLite feature store.
/// </summary>
public sealed class StorageQueueHostTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Events_posted_to_a_host_on_an_azurite_queue_are_applied_and_the_queue_drains()
    {
        var root = Path.Combine(Path.GetTempPath(), "vrec-storage-queue-host-tests-" + Guid.NewGuid().ToString("N"));
        var models = Path.Combine(root, "models");
        var database = Path.Combine(root, "videorec.db");
        var name = $"host-{Guid.NewGuid():N}"; // 37 characters: a valid queue name, and with -poison too
        var queues = azurite.Service();
        try
        {
            TestData.Train().Save(models);
            var bundle = ModelBundle.Load(models);
            await using var app = LocalHost.Build(new LocalHostOptions
            {
                ModelPath = models,
                Port = 0,
                DatabasePath = database,
                ConfigureQueue = services => services.AddStorageQueue(azurite.ConnectionString,
                    options: new StorageQueueOptions { QueueName = name, PoisonQueueName = name + "-poison" }),
            });
            await app.StartAsync();
            using var client = new HttpClient { BaseAddress = new Uri(LocalHost.Address(app)), Timeout = Timeout };

            var queue = Assert.IsType<StorageQueueEventQueue>(app.Services.GetRequiredService<IEventQueue>());
            Assert.Same(queue, app.Services.GetRequiredService<IEventQueueSource>());
            Assert.Same(queue, app.Services.GetRequiredService<IPoisonSink>());
            Assert.Null(app.Services.GetService<SqliteEventQueue>());
            Assert.Equal((name, name + "-poison"), (queue.QueueName, queue.PoisonQueueName));

            var u = Unique("azq");
            var w = Unique("azq");
            var first = await PostAsync(client,
                Of($"{u}-0", u, "impression", "v01", 2.5, minute: 0),
                Of($"{u}-1", u, "click", "v01", minute: 1),
                Of($"{u}-2", u, "watch", "v01", 30.5, minute: 2),
                Of($"{u}-3", u, "watch", "v02", 12.25, minute: 3),
                Of($"{u}-4", u, "like", "v02", minute: 4),
                Of($"{u}-5", u, "search", value: "cats", minute: 5),
                Of($"{u}-6", u, "like", "v03", minute: 2),
                Of($"{w}-0", w, "watch", "v01", 20, minute: 6));
            Assert.Equal(8, first.GetProperty("accepted").GetArrayLength());

            var a = await PollAsync(client, $"/api/users/{u}/aggregates", _ => true);

            Assert.Equal(
                [("impression", 1L), ("click", 1L), ("watch", 2L), ("like", 2L), ("dislike", 0L), ("share", 0L), ("comment", 0L), ("search", 1L)],
                a.GetProperty("counts").EnumerateObject().Select(p => (p.Name, p.Value.GetInt64())));
            Assert.Equal(42.75, a.GetProperty("totalWatchSeconds").GetDouble());
            Assert.Equal(Base, a.GetProperty("firstEventAt").GetDateTimeOffset());
            Assert.Equal(Base.AddMinutes(5), a.GetProperty("lastEventAt").GetDateTimeOffset());
            var recent = a.GetProperty("recent");
            Assert.Equal([$"{u}-3", $"{u}-2"], Ids(recent.GetProperty("watched")));
            Assert.Equal([$"{u}-4", $"{u}-6"], Ids(recent.GetProperty("liked")));
            Assert.Equal([$"{u}-0"], Ids(recent.GetProperty("impressed")));
            Assert.Equal("cats", recent.GetProperty("searches")[0].GetProperty("query").GetString());
            // The worker refreshes vectors with the bundle's factors; the search does not change it.
            var vector = a.GetProperty("vector");
            Assert.Equal(bundle.Version, vector.GetProperty("modelVersion").GetString());
            Assert.Equal(Base.AddMinutes(4), vector.GetProperty("asOf").GetDateTimeOffset());
            Assert.Equal(4, vector.GetProperty("factors").GetArrayLength());

            // The other user's watch was in the same message: applied with it.
            var v01 = await PollAsync(client, "/api/videos/v01/statistics", _ => true);
            Assert.Equal([1L, 1, 2, 0, 0, 0, 0, 0], new[] { "impressions", "clicks", "views", "likes", "dislikes", "shares", "comments", "completions" }
                .Select(f => v01.GetProperty(f).GetInt64()));
            Assert.Equal(50.5, v01.GetProperty("totalWatchSeconds").GetDouble());

            // A second message: a redelivered event changes nothing, a new one counts.
            await PostAsync(client, Of($"{u}-4", u, "like", "v02", minute: 4), Of($"{u}-7", u, "share", "v01", minute: 7));
            a = await PollAsync(client, $"/api/users/{u}/aggregates", body => body.GetProperty("counts").GetProperty("share").GetInt64() == 1);
            Assert.Equal(2, a.GetProperty("counts").GetProperty("like").GetInt64());
            Assert.Equal(Base.AddMinutes(7), a.GetProperty("lastEventAt").GetDateTimeOffset());
            v01 = await PollAsync(client, "/api/videos/v01/statistics", _ => true);
            Assert.Equal((1L, 2L), (v01.GetProperty("shares").GetInt64(), v01.GetProperty("views").GetInt64()));

            // Both messages were completed: the Azurite queue is empty, nothing was poisoned, and the queue table was never used.
            var events = queues.GetQueueClient(name);
            var poison = queues.GetQueueClient(name + "-poison");
            var clock = Stopwatch.StartNew();
            while ((await events.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0)
            {
                Assert.True(clock.Elapsed < Timeout, $"Queue {name} still holds messages after {Timeout.TotalSeconds:N0} s.");
                await Task.Delay(50);
            }

            Assert.Empty((await events.PeekMessagesAsync(32)).Value);
            Assert.Equal(0, (await poison.GetPropertiesAsync()).Value.ApproximateMessagesCount);
            var table = new SqliteEventQueue(new SqliteDatabase(database), TimeProvider.System);
            Assert.Equal(0, table.Count());
            Assert.Empty(table.Poisoned());

            await app.StopAsync();
        }
        finally
        {
            await queues.GetQueueClient(name).DeleteIfExistsAsync();
            await queues.GetQueueClient(name + "-poison").DeleteIfExistsAsync();
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

    private static string[] Ids(JsonElement list) => list.EnumerateArray().Select(i => Json.String(i, "eventId")).ToArray();

    private static async Task<JsonElement> PostAsync(HttpClient client, params JsonNode[] events)
    {
        var body = new JsonArray(events.Select(e => e.DeepClone()).ToArray()).ToJsonString();
        var response = await client.PostAsync("/api/events", new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST /api/events answered {(int)response.StatusCode}: {text}");
        var json = Json.Parse(text);
        Assert.Equal(0, json.GetProperty("rejected").GetArrayLength());
        return json;
    }

    /// <summary>Polls GET <paramref name="url"/> until it answers 200 with a body <paramref name="until"/> accepts.</summary>
    private static async Task<JsonElement> PollAsync(HttpClient client, string url, Func<JsonElement, bool> until)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var response = await client.GetAsync(url);
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.OK && until(Json.Parse(text)))
            {
                return Json.Parse(text);
            }

            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, $"GET {url} answered {(int)response.StatusCode}: {text}");
            Assert.True(clock.Elapsed < Timeout, $"GET {url} did not reach the expected state within {Timeout.TotalSeconds:N0} s (last: {(int)response.StatusCode} {text}).");
            await Task.Delay(50);
        }
    }
}
