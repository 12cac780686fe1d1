using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using VideoRec.Api.Tests.Support;
using VideoRec.Core.Bundles;
using VideoRec.Host;
using VideoRec.Local.Sqlite;

namespace VideoRec.Api.Tests.Ingestion;

/// <summary>
/// The real local host with ingestion on: the <see cref="TestData"/> bundle in a temporary model folder, a SQLite
/// feature store and queue in a temporary file, and the background queue worker. Separate from <see cref="ApiFixture"/>
/// (which serves the bundle alone).
/// </summary>
public abstract class IngestionHostFixture : IAsyncLifetime
{
    private WebApplication? _app;

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "vrec-ingest-tests-" + Guid.NewGuid().ToString("N"));

    public string DatabasePath => Path.Combine(Root, "store", "videorec.db");

    public ModelBundle Bundle { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public string Address { get; private set; } = "";

    /// <summary>The host's queue table (for checking that nothing was poisoned).</summary>
    public SqliteEventQueue Queue => _app!.Services.GetRequiredService<SqliteEventQueue>();

    public async Task InitializeAsync()
    {
        var models = Path.Combine(Root, "models");
        TestData.Train().Save(models);
        Bundle = ModelBundle.Load(models);
        _app = LocalHost.Build(new LocalHostOptions { ModelPath = models, Port = 0, DatabasePath = DatabasePath, Pipeline = TestServing.Generous() });
        await _app.StartAsync();
        Address = LocalHost.Address(_app);
        Client = new HttpClient { BaseAddress = new Uri(Address), Timeout = TimeSpan.FromSeconds(60) };
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>POSTs <paramref name="body"/> to /api/events as application/json.</summary>
    public async Task<(HttpResponseMessage Response, JsonElement Body)> PostEventsAsync(string body)
    {
        var response = await Client.PostAsync("/api/events", new StringContent(body, Encoding.UTF8, "application/json"));
        return (response, await ReadAsync(response));
    }

    public Task<(HttpResponseMessage Response, JsonElement Body)> PostEventsAsync(params JsonNode[] events) =>
        PostEventsAsync(new JsonArray(events.Select(e => e.DeepClone()).ToArray()).ToJsonString());

    public async Task<(HttpResponseMessage Response, JsonElement Body)> PutAsync(string url, string body)
    {
        var response = await Client.PutAsync(url, new StringContent(body, Encoding.UTF8, "application/json"));
        return (response, await ReadAsync(response));
    }

    public async Task<(HttpResponseMessage Response, JsonElement Body)> GetAsync(string url)
    {
        var response = await Client.GetAsync(url);
        return (response, await ReadAsync(response));
    }

    /// <summary>Polls GET <paramref name="url"/> until it answers 200 (the queue worker applied the events), at most 10 s.</summary>
    public async Task<JsonElement> WaitForAsync(string url, Func<JsonElement, bool>? until = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var (response, body) = await GetAsync(url);
            if (response.StatusCode == HttpStatusCode.OK && (until is null || until(body)))
            {
                return body;
            }

            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, $"GET {url} answered {(int)response.StatusCode}.");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"GET {url} did not reach the expected state within 10 s (last: {(int)response.StatusCode} {body}).");
            await Task.Delay(50);
        }
    }

    public Task<JsonElement> WaitForAggregatesAsync(string userId, Func<JsonElement, bool>? until = null) =>
        WaitForAsync($"/api/users/{Uri.EscapeDataString(userId)}/aggregates", until);

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? default : Json.Parse(text);
    }
}

public sealed class IngestionFixture : IngestionHostFixture;

[CollectionDefinition(Name)]
public sealed class IngestionCollection : ICollectionFixture<IngestionFixture>
{
    public const string Name = "ingestion";
}

/// <summary>A host of its own for the fuzz test, so its accepted events stay out of the other tests' store.</summary>
public sealed class FuzzFixture : IngestionHostFixture;

[CollectionDefinition(Name)]
public sealed class FuzzCollection : ICollectionFixture<FuzzFixture>
{
    public const string Name = "ingestion-fuzz";
}

/// <summary>Event JSON for the HTTP tests, with timestamps relative to the real clock.</summary>
public static class Events
{
    /// <summary>A whole second some minutes before now, so hand-computed times are exact.</summary>
    public static DateTimeOffset Base { get; } = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 3600);

    public static string At(int minutes) => Base.AddMinutes(minutes).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public static JsonObject Of(string eventId, string userId, string type, string? videoId = null, JsonNode? value = null, int minute = 0)
    {
        var e = new JsonObject { ["eventId"] = eventId, ["userId"] = userId, ["type"] = type, ["timestamp"] = At(minute) };
        if (videoId is not null)
        {
            e["videoId"] = videoId;
        }

        if (value is not null)
        {
            e["value"] = value;
        }

        return e;
    }

    /// <summary>A unique prefix for ids of one test, so tests sharing the store never collide.</summary>
    public static string Unique(string name) => $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)];
}
