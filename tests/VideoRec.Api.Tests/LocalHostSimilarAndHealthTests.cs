using System.Net;
using System.Text.Json;
using VideoRec.Api.Tests.Support;

namespace VideoRec.Api.Tests;

/// <summary>GET /api/videos/{videoId}/similar and GET /health on the real local host.</summary>
[Collection(ApiCollection.Name)]
public sealed class LocalHostSimilarAndHealthTests(ApiFixture fixture)
{
    private async Task<(HttpResponseMessage Response, JsonElement Body)> GetAsync(string url)
    {
        var response = await fixture.Client.GetAsync(url);
        var body = Json.Parse(await response.Content.ReadAsStringAsync());
        return (response, body);
    }

    [Theory]
    [InlineData("v01", new[] { "v02", "v03", "v04" })]
    [InlineData("v02", new[] { "v01", "v03", "v04" })]
    [InlineData("v05", new[] { "v06", "v07", "v08" })]
    [InlineData("v07", new[] { "v05", "v06", "v08" })]
    public async Task Similar_videos_come_from_the_same_cluster_and_never_the_video_itself(string video, string[] cluster)
    {
        var (response, body) = await GetAsync($"/api/videos/{video}/similar?k=2");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["items", "modelVersion", "videoId"], body.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(video, Json.String(body, "videoId"));
        Assert.Equal(fixture.Trained.Version, Json.String(body, "modelVersion"));
        var items = Json.SimilarItems(body);
        Assert.Equal(2, items.Length);
        Assert.All(items, item => Assert.Equal("similar", item.Source));
        Assert.All(items, item => Assert.Equal(TestData.Title(item.VideoId), item.Title));
        Assert.All(items, item => Assert.NotEqual(video, item.VideoId));
        Assert.All(items, item => Assert.Contains(item.VideoId, cluster));
        Assert.All(items, item => Assert.InRange(item.Score, -1.0001, 1.0001));
        Json.AssertDescending(items);
    }

    [Fact]
    public async Task Similar_with_k_beyond_the_catalogue_returns_every_other_watched_video()
    {
        var (response, body) = await GetAsync("/api/videos/v03/similar?k=500");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = Json.SimilarItems(body);
        // v10 has no interactions: its factors are noise, so it is never proposed.
        Assert.Equal(TestData.VideoIds.Where(v => v is not "v03" and not "v10").Order(), items.Select(i => i.VideoId).Order());
        Json.AssertDescending(items);
    }

    [Fact]
    public async Task Similar_without_k_returns_every_other_watched_video_up_to_ten()
    {
        var (response, body) = await GetAsync("/api/videos/v01/similar");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = Json.SimilarItems(body);
        Assert.Equal(8, items.Length);
        Assert.DoesNotContain(items, i => i.VideoId is "v01" or "v10");
    }

    [Fact]
    public async Task Similar_for_a_video_nobody_watched_is_an_empty_list()
    {
        var (response, body) = await GetAsync("/api/videos/v10/similar?k=3");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("v10", Json.String(body, "videoId"));
        Assert.Empty(Json.SimilarItems(body));
    }

    [Fact]
    public async Task Health_is_also_served_under_the_functions_route()
    {
        var (response, body) = await GetAsync("/api/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", Json.String(body, "status"));
    }

    [Fact]
    public async Task Similar_for_an_unknown_video_is_not_found()
    {
        var (response, body) = await GetAsync("/api/videos/v99/similar?k=2");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(404, body.GetProperty("status").GetInt32());
        Assert.Equal("Not found.", Json.String(body, "title"));
        Assert.Equal($"Video 'v99' is not in the catalogue of model {fixture.Trained.Version}.", Json.String(body, "detail"));
    }

    [Theory]
    [InlineData("v01", "k=0", "k must be an integer between 1 and 500.")]
    [InlineData("v01", "k=501", "k must be an integer between 1 and 500.")]
    [InlineData("v01", "k=abc", "k must be an integer, found 'abc'.")]
    [InlineData("v01", "k=1&k=2", "k must be given once.")]
    [InlineData("v99", "k=0", "k must be an integer between 1 and 500.")] // validation comes before the catalogue lookup
    public async Task Similar_with_bad_k_is_a_validation_problem(string video, string query, string message)
    {
        var (response, body) = await GetAsync($"/api/videos/{video}/similar?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Json.AssertValidationProblem(body, "k", message);
    }

    [Fact]
    public async Task Health_reports_the_version_and_exact_counts()
    {
        var (response, body) = await GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["modelVersion", "status", "users", "videos"], body.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("ok", Json.String(body, "status"));
        Assert.Equal(fixture.Trained.Version, Json.String(body, "modelVersion"));

        // 16 users with interactions; carol has only a profile and is not in the model.
        Assert.Equal(16, body.GetProperty("users").GetInt32());
        Assert.Equal(TestData.KnownUsers, body.GetProperty("users").GetInt32());
        Assert.Equal(10, body.GetProperty("videos").GetInt32());
    }

    [Fact]
    public async Task Unmapped_route_is_not_found()
    {
        var response = await fixture.Client.GetAsync("/api/users/alice");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
