using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using VideoRec.Core.Domain;
using VideoRec.Core.Ingestion;
using VideoRec.Functions;
using Microsoft.Extensions.Configuration;

namespace VideoRec.Api.Tests.Functions;

/// <summary>A clock that always reads the same instant, so trending scores and "now" checks are exact.</summary>
public sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>What executing an <see cref="IResult"/> wrote: status, headers and body.</summary>
public sealed record ExecutedResult(int Status, string? ContentType, string? Location, string Text)
{
    /// <summary>The body as a JSON node (<c>null</c> for an empty body).</summary>
    public JsonNode? Json => Text.Length == 0 ? null : JsonNode.Parse(Text);

    public override string ToString() => $"{Status} {ContentType} {Location}: {Text}";
}

/// <summary>Builds requests the way the Functions ASP.NET Core integration hands them to a trigger, and runs results.</summary>
public static class FunctionHttp
{
    private static readonly ServiceProvider Services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();

    public static HttpRequest Request(string method, string? body = null, string? contentType = "application/json")
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        if (body is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Request.Body = new MemoryStream(bytes);
            context.Request.ContentLength = bytes.Length;
        }

        context.Request.ContentType = contentType;
        return context.Request;
    }

    public static async Task<ExecutedResult> ExecuteAsync(IResult result)
    {
        var context = new DefaultHttpContext { RequestServices = Services };
        using var body = new MemoryStream();
        context.Response.Body = body;
        await result.ExecuteAsync(context);
        var location = context.Response.Headers.Location.ToString();
        return new ExecutedResult(context.Response.StatusCode, context.Response.ContentType, location.Length == 0 ? null : location,
            Encoding.UTF8.GetString(body.ToArray()));
    }

    /// <summary>Asserts that <paramref name="actual"/> is the same JSON as <paramref name="expected"/> (property order aside).</summary>
    public static void AssertJson(string expected, JsonNode? actual)
    {
        var wanted = JsonNode.Parse(expected);
        Assert.True(JsonNode.DeepEquals(wanted, actual), $"Expected\n{wanted?.ToJsonString()}\nfound\n{actual?.ToJsonString()}");
    }

    /// <summary>Asserts a problem details body: exactly these members, apart from the <c>traceId</c> the host adds.</summary>
    public static void AssertProblem(ExecutedResult result, int status, string title, string detail)
    {
        Assert.Equal(status, result.Status);
        Assert.Equal("application/problem+json", result.ContentType);
        var body = result.Json!.AsObject();
        body.Remove("traceId");
        AssertJson(new JsonObject
        {
            ["type"] = status == 404 ? "https://tools.ietf.org/html/rfc9110#section-15.5.5" : "https://tools.ietf.org/html/rfc9110#section-15.5.1",
            ["title"] = title,
            ["status"] = status,
            ["detail"] = detail,
        }.ToJsonString(), body);
    }
}

/// <summary>
/// The SQLite store with faults injected: a non-transient failure whenever an apply includes one event id, or the
/// store being unavailable while <see cref="Unavailable"/> is set. Everything else passes through.
/// </summary>
public sealed class FaultyStore(IFeatureStore inner) : IFeatureStore
{
    /// <summary>An apply including this event id throws <see cref="InvalidOperationException"/>.</summary>
    public string? CursedEventId { get; set; }

    /// <summary>Every apply throws <see cref="StoreUnavailableException"/> while set.</summary>
    public bool Unavailable { get; set; }

    /// <summary>Every call of <see cref="ApplyAsync"/>, by the event ids it was given.</summary>
    public List<string[]> Applies { get; } = [];

    public Task<ApplyResult> ApplyAsync(IReadOnlyList<IngestEvent> events, IngestionRules rules, CancellationToken cancellationToken)
    {
        Applies.Add(events.Select(e => e.EventId).ToArray());
        if (Unavailable)
        {
            throw new StoreUnavailableException("The store is down.");
        }

        if (CursedEventId is { } cursed && events.Any(e => e.EventId == cursed))
        {
            throw new InvalidOperationException($"Event {cursed} cannot be stored.");
        }

        return inner.ApplyAsync(events, rules, cancellationToken);
    }

    public Task<int> RefreshVectorsAsync(IUserVectorRefresher refresher, int maxUsers, CancellationToken cancellationToken) =>
        inner.RefreshVectorsAsync(refresher, maxUsers, cancellationToken);

    public Task<UserServingState> GetServingStateAsync(string userId, CancellationToken cancellationToken) => inner.GetServingStateAsync(userId, cancellationToken);

    public Task<UserAggregates?> GetUserAggregatesAsync(string userId, CancellationToken cancellationToken) => inner.GetUserAggregatesAsync(userId, cancellationToken);

    public Task<IReadOnlyList<IngestEvent>> GetUserEventsAsync(string userId, CancellationToken cancellationToken) => inner.GetUserEventsAsync(userId, cancellationToken);

    public Task<UserVector?> GetUserVectorAsync(string userId, CancellationToken cancellationToken) => inner.GetUserVectorAsync(userId, cancellationToken);

    public Task<VideoStatistics?> GetVideoStatisticsAsync(string videoId, CancellationToken cancellationToken) => inner.GetVideoStatisticsAsync(videoId, cancellationToken);

    public Task<UpsertOutcome> UpsertVideoAsync(Video video, CancellationToken cancellationToken) => inner.UpsertVideoAsync(video, cancellationToken);

    public Task<Video?> GetVideoAsync(string videoId, CancellationToken cancellationToken) => inner.GetVideoAsync(videoId, cancellationToken);

    public Task<IReadOnlyDictionary<string, double>> GetVideoDurationsAsync(IReadOnlyCollection<string> videoIds, CancellationToken cancellationToken) =>
        inner.GetVideoDurationsAsync(videoIds, cancellationToken);

    public Task<UpsertOutcome> UpsertUserAsync(UserProfile profile, CancellationToken cancellationToken) => inner.UpsertUserAsync(profile, cancellationToken);

    public Task<UserProfile?> GetUserAsync(string userId, CancellationToken cancellationToken) => inner.GetUserAsync(userId, cancellationToken);

    public Task<bool> DeleteUserAsync(string userId, DateTimeOffset deletedAt, CancellationToken cancellationToken) =>
        inner.DeleteUserAsync(userId, deletedAt, cancellationToken);
}

/// <summary>
/// A function app's service provider built as Program.cs builds it, from in-memory settings, over a trained bundle in a
/// temporary folder; disposed (with the folder) after each test.
/// </summary>
public abstract class FunctionAppTests : IDisposable
{
    /// <summary>Azurite's well-known development account (its published key is not a secret). Nothing listens there: resolving must not connect.</summary>
    protected const string AzuriteConnection =
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;QueueEndpoint=http://127.0.0.1:1/devstoreaccount1;";

    private readonly List<ServiceProvider> _providers = [];

    /// <summary>The test's temporary folder.</summary>
    protected string Root { get; } = Path.Combine(Path.GetTempPath(), "vrec-function-app-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        foreach (var provider in _providers)
        {
            provider.Dispose();
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

    /// <summary>The model folder with the test bundle (trained once per test).</summary>
    protected string Models()
    {
        var models = Path.Combine(Root, "models");
        if (!Directory.Exists(models))
        {
            Support.TestData.Train().Save(models);
        }

        return models;
    }

    protected static Microsoft.Extensions.Configuration.IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddInMemoryCollection(settings).Build();

    /// <summary>The provider <c>AddVideoRecFunctions</c> builds from <paramref name="settings"/>.</summary>
    protected ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddVideoRecFunctions(Configuration(settings));
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = false, ValidateScopes = true });
        _providers.Add(provider);
        return provider;
    }
}
