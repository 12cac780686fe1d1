using System.Net;
using System.Text.Json;
using VideoRec.Api.Tests.Support;

namespace VideoRec.Api.Tests;

/// <summary>The recommend endpoint's parameters, headers, explanation and page tokens on the real local host.</summary>
[Collection(ApiCollection.Name)]
public sealed class LocalHostRecommendContractTests(ApiFixture fixture)
{
    private async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string url, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await fixture.Client.SendAsync(request);
        return (response.StatusCode, Json.Parse(await response.Content.ReadAsStringAsync()));
    }

    private static Dictionary<string, string[]> Errors(JsonElement body)
    {
        Assert.Equal(400, body.GetProperty("status").GetInt32());
        Assert.Equal("The request has invalid parameters.", Json.String(body, "title"));
        return body.GetProperty("errors").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(e => e.GetString()!).ToArray());
    }

    [Fact]
    public async Task Every_bad_parameter_is_named_in_one_problem()
    {
        var (status, body) = await GetAsync($"/api/users/{TestData.Alice}/recommendations?k=0&country=USA&language=english!&device=smart%20fridge&pageToken=%21%21");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var errors = Errors(body);
        Assert.Equal(["country", "device", "k", "language", "pageToken"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["k must be an integer between 1 and 500."], errors["k"]);
        Assert.Equal(["country must be an ISO 3166-1 alpha-2 code such as US or IN."], errors["country"]);
        Assert.Equal(["language must be a BCP 47 tag such as en or pt-BR."], errors["language"]);
        Assert.Equal(["device must be 1–32 letters, digits or hyphens, such as mobile, desktop, tv or tablet."], errors["device"]);
    }

    [Theory]
    [InlineData("?k=3&k=4", "k", "k must be given once.")]
    [InlineData("?k=three", "k", "k must be an integer, found 'three'.")]
    [InlineData("?explain=maybe", "explain", "explain must be true or false, found 'maybe'.")]
    [InlineData("?country=US&country=GB", "country", "country must be given once.")]
    public async Task Query_syntax_errors_are_named(string query, string field, string message)
    {
        var (status, body) = await GetAsync($"/api/users/{TestData.Alice}/recommendations{query}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Json.AssertValidationProblem(body, field, message);
    }

    [Fact]
    public async Task Explain_adds_sources_stages_and_removals()
    {
        var (status, body) = await GetAsync($"/api/users/{TestData.Alice}/recommendations?k=3&explain=true");

        Assert.Equal(HttpStatusCode.OK, status);
        var explain = body.GetProperty("explain");
        Assert.Equal(["candidates", "coldStart", "removed", "scorer", "sources", "stages"], explain.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("wals", Json.String(explain, "scorer"));
        Assert.False(explain.GetProperty("coldStart").GetBoolean());
        Assert.Equal(["profile", "candidates", "scoring", "reranking"], explain.GetProperty("stages").EnumerateArray().Select(s => Json.String(s, "stage")));
        Assert.Equal(["wals", "similar", "popular", "trending", "fresh"], explain.GetProperty("sources").EnumerateArray().Select(s => Json.String(s, "source")));
        Assert.All(explain.GetProperty("sources").EnumerateArray(), s => Assert.Equal("ok", Json.String(s, "status")));
        Assert.Equal(3, Json.Items(body).Length);
        Assert.True(explain.GetProperty("candidates").GetInt32() >= 3);
    }

    [Fact]
    public async Task The_next_page_never_repeats_the_first()
    {
        var (_, first) = await GetAsync($"/api/users/{TestData.Bob}/recommendations?k=3");
        var token = Json.String(first, "nextPageToken");
        var (status, second) = await GetAsync($"/api/users/{TestData.Bob}/recommendations?k=3&pageToken={Uri.EscapeDataString(token)}");

        Assert.Equal(HttpStatusCode.OK, status);
        var page1 = Json.Items(first).Select(i => i.VideoId).ToArray();
        var page2 = Json.Items(second).Select(i => i.VideoId).ToArray();
        Assert.Equal(3, page1.Length);
        Assert.NotEmpty(page2);
        Assert.Empty(page1.Intersect(page2));
        // Bob has 8 unseen videos: two pages of three, then two.
        var (_, third) = await GetAsync($"/api/users/{TestData.Bob}/recommendations?k=3&pageToken={Uri.EscapeDataString(Json.String(second, "nextPageToken"))}");
        var page3 = Json.Items(third).Select(i => i.VideoId).ToArray();
        Assert.Equal(8, page1.Concat(page2).Concat(page3).Distinct().Count());
    }

    [Fact]
    public async Task Context_headers_are_read_and_malformed_ones_are_ignored()
    {
        var (ok, _) = await GetAsync($"/api/users/{TestData.Alice}/recommendations?k=2", ("Accept-Language", "pt-BR,pt;q=0.9"), ("X-Country", "BR"), ("X-Device", "tv"));
        var (badCountry, _) = await GetAsync($"/api/users/{TestData.Alice}/recommendations?k=2", ("X-Country", "Brazil"), ("X-Device", "smart fridge"));
        var (garbledLanguage, _) = await GetAsync($"/api/users/{TestData.Alice}/recommendations?k=2", ("Accept-Language", ";;;q=x"));
        var (badQuery, body) = await GetAsync($"/api/users/{TestData.Alice}/recommendations?k=2&country=Brazil", ("X-Country", "BR"));

        Assert.Equal(HttpStatusCode.OK, ok);
        // Headers come from browsers and proxies: a malformed one is ignored rather than refused …
        Assert.Equal(HttpStatusCode.OK, badCountry);
        Assert.Equal(HttpStatusCode.OK, garbledLanguage);
        // … while the caller's own query parameter is checked (and wins over the header).
        Assert.Equal(HttpStatusCode.BadRequest, badQuery);
        Assert.Equal(["country"], Errors(body).Keys);
    }

    [Fact]
    public async Task Syntax_and_range_errors_are_named_together()
    {
        var (status, body) = await GetAsync($"/api/users/{TestData.Alice}/recommendations?k=abc&explain=yes&country=zz1&language=%25%25");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["country", "explain", "k", "language"], Errors(body).Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("pt-BR,pt;q=0.9,en;q=0.8", "pt-BR")]
    [InlineData("en", "en")]
    [InlineData("*", null)]
    [InlineData("", null)]
    [InlineData("12-!!", null)]
    public void The_first_accept_language_tag_is_the_language(string header, string? expected)
    {
        var headers = new Microsoft.AspNetCore.Http.HeaderDictionary { ["Accept-Language"] = header };

        Assert.Equal(expected, RecommendationEndpoints.HeaderLanguage(headers));
    }
}
