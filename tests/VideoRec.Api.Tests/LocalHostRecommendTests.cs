using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using VideoRec.Api.Tests.Support;

namespace VideoRec.Api.Tests;

/// <summary>GET /api/users/{userId}/recommendations on the real local host.</summary>
[Collection(ApiCollection.Name)]
public sealed partial class LocalHostRecommendTests(ApiFixture fixture)
{
    private const string KRangeMessage = "k must be an integer between 1 and 500.";

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex RequestIdPattern();

    private async Task<(HttpResponseMessage Response, JsonElement Body)> GetAsync(string url)
    {
        var response = await fixture.Client.GetAsync(url);
        var body = Json.Parse(await response.Content.ReadAsStringAsync());
        return (response, body);
    }

    [Fact]
    public void Host_listens_on_a_concrete_loopback_port()
    {
        var address = new Uri(fixture.Address);
        Assert.Equal("127.0.0.1", address.Host);
        Assert.NotEqual(0, address.Port);
    }

    [Fact]
    public async Task Known_user_gets_three_wals_items_with_the_planted_video_first()
    {
        var (response, body) = await GetAsync($"/api/users/{TestData.Alice}/recommendations?k=3");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["degraded", "items", "modelVersion", "nextPageToken", "requestId", "userId"], body.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(TestData.Alice, Json.String(body, "userId"));
        Assert.Matches(RequestIdPattern(), Json.String(body, "requestId"));
        Assert.Equal(fixture.Trained.Version, Json.String(body, "modelVersion"));
        Assert.StartsWith("wals-20250301T120000Z-", fixture.Trained.Version, StringComparison.Ordinal);

        var items = Json.Items(body);
        Assert.Equal(3, items.Length);
        Assert.All(items, item => Assert.Contains("wals", item.Sources));
        Assert.All(items, item => Assert.Equal(TestData.Title(item.VideoId), item.Title));
        Assert.All(items, item => Assert.DoesNotContain(item.VideoId, TestData.Seen(TestData.Alice)));
        Assert.Equal(3, items.Select(i => i.VideoId).Distinct().Count());
        Json.AssertDescending(items);

        // Everyone else who watched v01 and v02 (a1..a7) also watched v03.
        Assert.Equal("v03", items[0].VideoId);
    }

    [Fact]
    public async Task Second_cluster_user_gets_the_co_watched_video_first()
    {
        var (response, body) = await GetAsync($"/api/users/{TestData.Bob}/recommendations?k=2");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = Json.Items(body);
        // Everyone else who watched v05 and v06 (b1..b4) also watched v07.
        Assert.Equal(2, items.Length);
        Assert.Equal("v07", items[0].VideoId);
        Assert.DoesNotContain(items, i => TestData.Seen(TestData.Bob).Contains(i.VideoId));
        Assert.All(items, item => Assert.Contains("wals", item.Sources));
        Json.AssertDescending(items);
    }

    [Fact]
    public async Task Request_id_differs_between_calls_while_items_do_not()
    {
        var (_, first) = await GetAsync($"/api/users/{TestData.Alice}/recommendations?k=3");
        var (_, second) = await GetAsync($"/api/users/{TestData.Alice}/recommendations?k=3");

        Assert.NotEqual(Json.String(first, "requestId"), Json.String(second, "requestId"));
        Assert.Equal(Json.Items(first), Json.Items(second));
    }

    [Fact]
    public async Task Known_user_scores_are_the_dot_products_of_the_bundle_factors()
    {
        var (_, body) = await GetAsync($"/api/users/{TestData.Alice}/recommendations?k=3");
        var bundle = fixture.Trained;
        Assert.True(bundle.Users.TryGetIndex(TestData.Alice, out var user));
        var scores = new float[bundle.Videos.Count];
        bundle.Wals.Score(bundle.Wals.UserVector(user), scores);

        foreach (var item in Json.Items(body))
        {
            // The WALS scorer's dot product; no re-ranking rule adjusts a video without statistics or upload time. Six decimals on the wire.
            Assert.Equal(scores[bundle.Videos.IndexOf(item.VideoId)], item.Score, 6);
        }
    }

    [Theory]
    [InlineData("zed-unknown")]
    [InlineData(TestData.ProfileOnlyUser)]
    public async Task Unknown_user_gets_cold_start_popular_videos(string user)
    {
        var (response, body) = await GetAsync($"/api/users/{user}/recommendations?k=4&explain=true");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(user, Json.String(body, "userId"));
        Assert.Equal(fixture.Trained.Version, Json.String(body, "modelVersion"));
        Assert.Matches(RequestIdPattern(), Json.String(body, "requestId"));
        Assert.True(body.GetProperty("explain").GetProperty("coldStart").GetBoolean());
        Assert.Equal("wals", Json.String(body.GetProperty("explain"), "scorer"));
        Assert.Empty(body.GetProperty("degraded").EnumerateArray());
        var items = Json.Items(body);
        Assert.Equal(4, items.Length);
        // The most viewed video leads; the rest come from the five most viewed (diversity may swap one for the next).
        Assert.Equal("v01", items[0].VideoId);
        Assert.Subset(TestData.PopularityOrder.Take(5).ToHashSet(), items.Select(i => i.VideoId).ToHashSet());
        Assert.All(items, item => Assert.Equal(["popular"], item.Sources));
        Assert.All(items, item => Assert.Equal("proposed by popular", item.Reasons[0]));
        Assert.All(items, item => Assert.Equal(TestData.Title(item.VideoId), item.Title));
        Json.AssertDescending(items);
    }

    [Fact]
    public async Task Without_k_an_unknown_user_gets_every_viewed_video()
    {
        var (response, body) = await GetAsync("/api/users/nobody/recommendations");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = Json.Items(body);
        // Ten by default, but v10 has no views: no source proposes it to a user without history.
        Assert.Equal(TestData.PopularityOrder[..9].Order(), items.Select(i => i.VideoId).Order());
        Assert.Equal("v01", items[0].VideoId);
        Json.AssertDescending(items);
    }

    [Fact]
    public async Task Without_k_a_known_user_gets_every_unseen_video_when_fewer_than_ten()
    {
        var (response, body) = await GetAsync($"/api/users/{TestData.Alice}/recommendations");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = Json.Items(body);
        Assert.Equal(8, items.Length);
        Assert.Equal(TestData.VideoIds.Except(TestData.Seen(TestData.Alice)).Order(), items.Select(i => i.VideoId).Order());
        Assert.Equal("v03", items[0].VideoId);
        Json.AssertDescending(items);
    }

    [Fact]
    public async Task K_larger_than_the_catalogue_returns_every_unseen_video()
    {
        var (response, body) = await GetAsync($"/api/users/{TestData.Bob}/recommendations?k=500");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = Json.Items(body);
        Assert.Equal(TestData.VideoIds.Except(TestData.Seen(TestData.Bob)).Order(), items.Select(i => i.VideoId).Order());
        Assert.Equal(8, items.Length);
        Json.AssertDescending(items);

        var (unknownResponse, unknownBody) = await GetAsync("/api/users/nobody/recommendations?k=500");
        Assert.Equal(HttpStatusCode.OK, unknownResponse.StatusCode);
        Assert.Equal(TestData.PopularityOrder[..9].Order(), Json.Items(unknownBody).Select(i => i.VideoId).Order());
    }

    [Fact]
    public async Task K_of_one_is_accepted()
    {
        var (response, body) = await GetAsync($"/api/users/{TestData.Alice}/recommendations?k=1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["v03"], Json.Items(body).Select(i => i.VideoId));
    }

    [Theory]
    [InlineData("k=0", KRangeMessage)]
    [InlineData("k=-1", KRangeMessage)]
    [InlineData("k=501", KRangeMessage)]
    [InlineData("k=abc", "k must be an integer, found 'abc'.")]
    [InlineData("k=", "k must be an integer, found ''.")]
    [InlineData("k=2.5", "k must be an integer, found '2.5'.")]
    [InlineData("k=99999999999", "k must be an integer, found '99999999999'.")]
    [InlineData("k=1&k=2", "k must be given once.")]
    public async Task Bad_k_is_a_validation_problem(string query, string message)
    {
        foreach (var user in new[] { TestData.Alice, "nobody" })
        {
            var (response, body) = await GetAsync($"/api/users/{user}/recommendations?{query}");

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Json.AssertValidationProblem(body, "k", message);
        }
    }

    [Fact]
    public async Task Blank_user_id_is_a_validation_problem()
    {
        var (response, body) = await GetAsync("/api/users/%20/recommendations?k=3");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Json.AssertValidationProblem(body, "userId", "userId is required.");
    }

    [Fact]
    public async Task Too_long_user_id_is_a_validation_problem()
    {
        var (response, body) = await GetAsync($"/api/users/{new string('u', 257)}/recommendations");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Json.AssertValidationProblem(body, "userId", "userId must be at most 256 characters.");
    }
}
