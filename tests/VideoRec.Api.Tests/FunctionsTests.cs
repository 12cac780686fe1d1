using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;
using VideoRec.Api.Tests.Support;
using VideoRec.Functions;

namespace VideoRec.Api.Tests;

/// <summary>
/// The Azure Functions triggers, called directly with a request and executed against a context like the worker's
/// ASP.NET Core integration gives them; compared with the local host on the same bundle.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class FunctionsTests(ApiFixture fixture) : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    private RecommendationFunctions Functions() => new(fixture.NewHandler());

    private static HttpRequest Request(string queryString)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Get;
        context.Request.QueryString = new QueryString(queryString);
        return context.Request;
    }

    private async Task<(int Status, string? ContentType, JsonElement Body)> ExecuteAsync(IResult result)
    {
        var context = new DefaultHttpContext { RequestServices = _services };
        using var body = new MemoryStream();
        context.Response.Body = body;
        await result.ExecuteAsync(context);
        var text = System.Text.Encoding.UTF8.GetString(body.ToArray());
        return (context.Response.StatusCode, context.Response.ContentType, Json.Parse(text));
    }

    private async Task<JsonElement> HostAsync(string url)
    {
        var response = await fixture.Client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Json.Parse(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Recommend_returns_wals_items_for_a_known_user()
    {
        var (status, contentType, body) = await ExecuteAsync(await Functions().Recommend(Request("?k=3"), TestData.Alice));

        Assert.Equal(200, status);
        Assert.StartsWith("application/json", contentType, StringComparison.Ordinal);
        Assert.Equal(TestData.Alice, Json.String(body, "userId"));
        Assert.Matches("^[0-9a-f]{32}$", Json.String(body, "requestId"));
        Assert.Equal(fixture.Trained.Version, Json.String(body, "modelVersion"));
        var items = Json.Items(body);
        Assert.Equal(3, items.Length);
        Assert.Equal("v03", items[0].VideoId);
        Assert.All(items, item => Assert.Contains("wals", item.Sources));
        Assert.All(items, item => Assert.Equal(TestData.Title(item.VideoId), item.Title));
        Assert.All(items, item => Assert.DoesNotContain(item.VideoId, TestData.Seen(TestData.Alice)));
        Json.AssertDescending(items);
    }

    [Fact]
    public async Task Recommend_reads_k_from_a_query_collection()
    {
        var request = new DefaultHttpContext().Request;
        request.Query = new QueryCollection(new Dictionary<string, StringValues> { ["k"] = "2" });

        var (status, _, body) = await ExecuteAsync(await Functions().Recommend(request, "stranger"));

        Assert.Equal(200, status);
        var items = Json.Items(body);
        Assert.Equal(2, items.Length);
        Assert.Equal("v01", items[0].VideoId);
        Json.AssertDescending(items);
        Assert.All(items, item => Assert.Contains("popular", item.Sources));
    }

    [Fact]
    public async Task Recommend_without_k_gives_the_default_ten()
    {
        var (status, _, body) = await ExecuteAsync(await Functions().Recommend(Request(""), "stranger"));

        Assert.Equal(200, status);
        Assert.Equal(TestData.PopularityOrder[..9].Order(), Json.Items(body).Select(i => i.VideoId).Order());
    }

    [Theory]
    [InlineData("?k=0", "k must be an integer between 1 and 500.")]
    [InlineData("?k=-1", "k must be an integer between 1 and 500.")]
    [InlineData("?k=501", "k must be an integer between 1 and 500.")]
    [InlineData("?k=abc", "k must be an integer, found 'abc'.")]
    [InlineData("?k=1&k=2", "k must be given once.")]
    public async Task Recommend_with_bad_k_is_a_validation_problem(string query, string message)
    {
        var (status, contentType, body) = await ExecuteAsync(await Functions().Recommend(Request(query), TestData.Alice));

        Assert.Equal(400, status);
        Assert.Equal("application/problem+json", contentType);
        Json.AssertValidationProblem(body, "k", message);
    }

    [Fact]
    public async Task Similar_returns_items_and_404_for_an_unknown_video()
    {
        var functions = Functions();
        var (status, _, body) = await ExecuteAsync(functions.Similar(Request("?k=2"), "v01"));
        Assert.Equal(200, status);
        Assert.Equal("v01", Json.String(body, "videoId"));
        var items = Json.SimilarItems(body);
        Assert.Equal(2, items.Length);
        Assert.All(items, item => Assert.Equal("similar", item.Source));
        Assert.All(items, item => Assert.NotEqual("v01", item.VideoId));

        var (missingStatus, missingType, missing) = await ExecuteAsync(functions.Similar(Request("?k=2"), "v99"));
        Assert.Equal(404, missingStatus);
        Assert.Equal("application/problem+json", missingType);
        Assert.Equal(404, missing.GetProperty("status").GetInt32());
        Assert.Equal($"Video 'v99' is not in the catalogue of model {fixture.Trained.Version}.", Json.String(missing, "detail"));

        var (badStatus, _, bad) = await ExecuteAsync(functions.Similar(Request("?k=x"), "v01"));
        Assert.Equal(400, badStatus);
        Json.AssertValidationProblem(bad, "k", "k must be an integer, found 'x'.");
    }

    [Fact]
    public async Task Health_matches_the_local_host()
    {
        var (status, _, body) = await ExecuteAsync(Functions().Health(Request("")));

        Assert.Equal(200, status);
        Assert.Equal("ok", Json.String(body, "status"));
        Assert.Equal(fixture.Trained.Version, Json.String(body, "modelVersion"));
        Assert.Equal(16, body.GetProperty("users").GetInt32());
        Assert.Equal(10, body.GetProperty("videos").GetInt32());
        Assert.Equal((await HostAsync("/health")).GetRawText(), body.GetRawText());
    }

    [Theory]
    [InlineData(TestData.Alice, "?k=3")]
    [InlineData(TestData.Bob, "?k=5")]
    [InlineData("a8", "")]
    [InlineData("stranger", "?k=4")]
    [InlineData(TestData.ProfileOnlyUser, "?k=500")]
    public async Task Recommend_matches_the_local_host_apart_from_the_request_id(string user, string query)
    {
        var (status, _, function) = await ExecuteAsync(await Functions().Recommend(Request(query), user));
        var host = await HostAsync($"/api/users/{user}/recommendations{query}");

        Assert.Equal(200, status);
        Assert.Equal(Json.String(host, "userId"), Json.String(function, "userId"));
        Assert.Equal(Json.String(host, "modelVersion"), Json.String(function, "modelVersion"));
        Assert.NotEqual(Json.String(host, "requestId"), Json.String(function, "requestId"));
        Assert.NotEmpty(Json.Items(function));
        Assert.Equal(Json.Items(host), Json.Items(function));
        Assert.Equal(host.GetProperty("items").GetRawText(), function.GetProperty("items").GetRawText());
    }

    [Theory]
    [InlineData("v01", "?k=2")]
    [InlineData("v08", "")]
    public async Task Similar_matches_the_local_host(string video, string query)
    {
        var (status, _, function) = await ExecuteAsync(Functions().Similar(Request(query), video));
        var host = await HostAsync($"/api/videos/{video}/similar{query}");

        Assert.Equal(200, status);
        Assert.NotEmpty(Json.SimilarItems(function));
        Assert.Equal(host.GetRawText(), function.GetRawText());
    }
}
