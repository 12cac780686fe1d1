using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using VideoRec.Core.Domain;
using VideoRec.Core.Ingestion;
using VideoRec.Core.Online;
using VideoRec.Functions;
using VideoRec.Local.Sqlite;

namespace VideoRec.Api.Tests.Functions;

/// <summary>GET /api/metrics through the function, on the embedded store and impression log, with exact bodies.</summary>
public sealed class MetricsFunctionsTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = T0.AddDays(1);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "vrec-metrics-tests-" + Guid.NewGuid().ToString("N"));
    private readonly SqliteFeatureStore _store;
    private readonly SqliteImpressionLog _log;

    public MetricsFunctionsTests()
    {
        var database = new SqliteDatabase(Path.Combine(_root, "videorec.db"));
        _store = new SqliteFeatureStore(database);
        _log = new SqliteImpressionLog(database);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private MetricsFunctions Function() => new(new OnlineMetricsHandler(_log, _store, new AttributionOptions(), new FixedTimeProvider(Now)));

    private static HttpRequest Get(string query)
    {
        var request = FunctionHttp.Request("GET", contentType: null);
        request.QueryString = new QueryString(query);
        return request;
    }

    /// <summary>u1 saw v1, v2 (control) and clicked and finished v1; u2 saw v1, v3 (treatment), finished v3 and disliked it.</summary>
    private async Task SeedAsync()
    {
        var none = CancellationToken.None;
        await _store.UpsertVideoAsync(new Video("v1", "One") { DurationSeconds = 100, Tags = ["cats"] }, none);
        await _store.UpsertVideoAsync(new Video("v2", "Two") { DurationSeconds = 200, Tags = ["dogs"] }, none);
        await _store.UpsertVideoAsync(new Video("v3", "Three") { DurationSeconds = 50, Tags = ["cats"] }, none);
        await _log.LogAsync(new Impression("req-a", "u1", "m1", "control", T0, [new("v1", 0, 0.9, ["wals"]), new("v2", 1, 0.5, ["popular"])]), none);
        await _log.LogAsync(new Impression("req-b", "u2", "m2", "treatment", T0.AddHours(1), [new("v1", 0, 0.8, ["wals"]), new("v3", 1, 0.7, ["wals"])]), none);
        IngestEvent[] events =
        [
            new("e1", "u1", "v1", InteractionType.Click, T0.AddMinutes(1)) { RequestId = "req-a" },
            new("e2", "u1", "v1", InteractionType.Watch, T0.AddMinutes(2)) { Seconds = 95, RequestId = "req-a" },
            new("e3", "u2", "v3", InteractionType.Watch, T0.AddMinutes(61)) { Seconds = 50 },
            new("e4", "u2", "v3", InteractionType.Dislike, T0.AddMinutes(62)),
            new("e5", "u2", "v2", InteractionType.Click, T0.AddMinutes(63)), // v2 was never shown to u2: not attributed
        ];
        await _store.ApplyAsync(events, new IngestionRules(new IngestionOptions(), null), none);
    }

    [Fact]
    public async Task Overall_metrics_of_the_range()
    {
        await SeedAsync();

        var result = await FunctionHttp.ExecuteAsync(await Function().Metrics(Get("?from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z")));

        Assert.Equal(200, result.Status);
        var body = result.Json!.AsObject();
        Assert.Equal(["from", "to", "groupBy", "attributionWindowSeconds", "groups"], body.Select(p => p.Key));
        Assert.Equal(("2026-03-01T00:00:00+00:00", "2026-03-02T00:00:00+00:00", 86400.0), ((string)body["from"]!, (string)body["to"]!, (double)body["attributionWindowSeconds"]!));
        Assert.Empty(body["groupBy"]!.AsArray());
        var row = Assert.Single(body["groups"]!.AsArray())!.AsObject();
        var (low, high) = WilsonInterval.Compute(2, 4);
        FunctionHttp.AssertJson(new JsonObject
        {
            ["group"] = new JsonObject(),
            ["requests"] = 2, ["impressions"] = 4, ["clicks"] = 2, ["ctr"] = 0.5, ["ctrLow"] = low, ["ctrHigh"] = high,
            ["completions"] = 2, ["completionRate"] = 1.0, ["watchSeconds"] = 145.0, ["meanWatchSeconds"] = 72.5,
            ["likes"] = 0, ["dislikes"] = 1, ["likesPerThousand"] = 0.0, ["dislikesPerThousand"] = 250.0,
            ["distinctVideos"] = 3, ["coverage"] = null, ["intraListDiversity"] = 0.5,
        }.ToJsonString(), row);
    }

    [Fact]
    public async Task Grouped_by_arm_and_source()
    {
        await SeedAsync();

        var result = await FunctionHttp.ExecuteAsync(await Function().Metrics(Get("?from=2026-03-01&groupBy=arm,source")));

        Assert.Equal(200, result.Status);
        var groups = result.Json!["groups"]!.AsArray().Select(g => g!.AsObject()).ToArray();
        Assert.Equal(["control/popular", "control/wals", "treatment/wals"], groups.Select(g => $"{g["group"]!["arm"]}/{g["group"]!["source"]}"));
        Assert.Equal([1, 1, 2], groups.Select(g => (int)g["impressions"]!));
        Assert.Equal([0, 1, 1], groups.Select(g => (int)g["clicks"]!));
        Assert.Equal([0.0, 95.0, 50.0], groups.Select(g => (double)g["watchSeconds"]!));
        Assert.Equal(["arm", "source"], result.Json!["groupBy"]!.AsArray().Select(n => (string)n!));
        // The range ends now (a day after T0) by default.
        Assert.Equal("2026-03-02T12:00:00+00:00", (string)result.Json!["to"]!);
    }

    [Fact]
    public async Task No_impressions_in_the_range_give_no_groups()
    {
        await SeedAsync();

        var result = await FunctionHttp.ExecuteAsync(await Function().Metrics(Get("?from=2026-02-01T00:00:00Z&to=2026-02-02T00:00:00Z")));

        Assert.Equal(200, result.Status);
        Assert.Empty(result.Json!["groups"]!.AsArray());
    }

    [Theory]
    [InlineData("?groupBy=colour", "groupBy", "groupBy must be a comma-separated list of modelVersion, arm, source, position, found 'colour'.")]
    [InlineData("?groupBy=arm,arm", "groupBy", "groupBy names 'arm' twice.")]
    [InlineData("?from=yesterday", "from", "from must be ISO 8601 with a time zone (such as 2026-11-29T14:00:00Z) or a date (2026-11-29), found 'yesterday'.")]
    [InlineData("?from=2026-03-02&to=2026-03-01", "from", "from must be before to (2026-03-02T00:00:00.0000000+00:00 is not before 2026-03-01T00:00:00.0000000+00:00).")]
    [InlineData("?from=2025-01-01&to=2026-03-01", "from", "The range from 2025-01-01T00:00:00.0000000+00:00 to 2026-03-01T00:00:00.0000000+00:00 is longer than 90 days.")]
    [InlineData("?to=2026-03-01&to=2026-03-02", "to", "to must be given once.")]
    public async Task Bad_parameters_are_400_problem_details_naming_the_parameter(string query, string field, string message)
    {
        var result = await FunctionHttp.ExecuteAsync(await Function().Metrics(Get(query)));

        Assert.Equal(400, result.Status);
        Assert.Equal("application/problem+json", result.ContentType);
        var body = result.Json!.AsObject();
        body.Remove("traceId");
        FunctionHttp.AssertJson(new JsonObject
        {
            ["type"] = "https://tools.ietf.org/html/rfc9110#section-15.5.1",
            ["title"] = "The request has invalid parameters.",
            ["status"] = 400,
            ["errors"] = new JsonObject { [field] = new JsonArray(message) },
        }.ToJsonString(), body);
    }
}
