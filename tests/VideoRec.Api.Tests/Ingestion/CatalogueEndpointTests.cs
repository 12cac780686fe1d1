using System.Net;
using System.Text.Json;
using VideoRec.Api.Tests.Support;
using static VideoRec.Api.Tests.Ingestion.Events;

namespace VideoRec.Api.Tests.Ingestion;

/// <summary>PUT /api/videos/{id} and PUT /api/users/{id} on the real local host.</summary>
[Collection(IngestionCollection.Name)]
public sealed class CatalogueEndpointTests(IngestionFixture fixture)
{
    private static string[] Names(JsonElement element) => element.EnumerateObject().Select(p => p.Name).ToArray();

    private static void AssertProblem(JsonElement body, params (string Field, string Message)[] expected)
    {
        Assert.Equal(400, body.GetProperty("status").GetInt32());
        Assert.Equal("The request has invalid parameters.", Json.String(body, "title"));
        var errors = body.GetProperty("errors");
        Assert.Equal(expected.Select(e => e.Field).Order(StringComparer.Ordinal), Names(errors).Order(StringComparer.Ordinal));
        foreach (var (field, message) in expected)
        {
            Assert.Equal([message], errors.GetProperty(field).EnumerateArray().Select(e => e.GetString()));
        }
    }

    [Fact]
    public async Task Putting_a_video_creates_it_with_201_then_replaces_it_with_200()
    {
        var id = Unique("video");
        var (created, createdBody) = await fixture.PutAsync($"/api/videos/{id}",
            "{\"title\":\"First\",\"tags\":[\"a\",\"b\"],\"durationSeconds\":61.5,\"language\":\"en\",\"allowedRegions\":[\"US\"],\"uploadedAt\":\"2025-01-02T03:04:05+01:00\",\"creatorId\":\"c1\",\"likes\":3,\"views\":40}");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/videos/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal(id, Json.String(createdBody, "id"));
        Assert.Equal("First", Json.String(createdBody, "title"));
        Assert.Equal(["a", "b"], createdBody.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(61.5, createdBody.GetProperty("durationSeconds").GetDouble());
        Assert.Equal(new DateTimeOffset(2025, 1, 2, 2, 4, 5, TimeSpan.Zero), createdBody.GetProperty("uploadedAt").GetDateTimeOffset());
        Assert.Equal(40, createdBody.GetProperty("views").GetInt64());

        var (replaced, replacedBody) = await fixture.PutAsync($"/api/videos/{id}", "{\"title\":\"Second\"}");

        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Null(replaced.Headers.Location);
        Assert.Equal("Second", Json.String(replacedBody, "title"));
        Assert.Equal(JsonValueKind.Null, replacedBody.GetProperty("durationSeconds").ValueKind);
        Assert.Equal(0, replacedBody.GetProperty("tags").GetArrayLength());
    }

    [Fact]
    public async Task Bad_video_fields_are_a_400_naming_each()
    {
        var id = Unique("badvideo");
        var (response, body) = await fixture.PutAsync($"/api/videos/{id}",
            "{\"title\":\"\",\"durationSeconds\":0,\"language\":\"english!\",\"allowedRegions\":[\"us\"],\"likes\":-1,\"color\":\"red\"}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        AssertProblem(body,
            ("title", "title must be 1 to 500 printable characters, found ''."),
            ("durationSeconds", "durationSeconds must be a number above 0 up to 604800, found 0."),
            ("language", "language must be a BCP 47 language tag such as en or pt-BR, found 'english!'."),
            ("allowedRegions[0]", "allowedRegions[0] must be a two-letter ISO 3166-1 country code in capitals, such as US, found 'us'."),
            ("likes", "likes must be a whole number from 0 to 9223372036854775807, found -1."),
            ("color", "Unknown field 'color'; the fields are title, tags, durationSeconds, language, allowedRegions, uploadedAt, creatorId, likes, views, hidden, misinformation, duplicateGroup."));

        // Nothing was stored: a valid PUT afterwards creates the video.
        Assert.Equal(HttpStatusCode.Created, (await fixture.PutAsync($"/api/videos/{id}", "{\"title\":\"Now valid\"}")).Response.StatusCode);
    }

    [Fact]
    public async Task Field_names_in_errors_keep_the_clients_spelling()
    {
        var (response, body) = await fixture.PutAsync($"/api/videos/{Unique("case")}", "{\"Title\":\"x\",\"DurationSeconds\":5}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["DurationSeconds", "Title", "title"], Names(body.GetProperty("errors")).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("", "The body is not valid JSON: The input does not contain any JSON tokens.")]
    [InlineData("[1]", "The body must be a JSON object, found an array.")]
    [InlineData("{\"title\": ", "The body is not valid JSON: ")]
    public async Task Unusable_video_bodies_are_a_400_on_body(string payload, string messageStart)
    {
        var (response, body) = await fixture.PutAsync($"/api/videos/{Unique("body")}", payload);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["body"], Names(body.GetProperty("errors")));
        Assert.StartsWith(messageStart, body.GetProperty("errors").GetProperty("body")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_video_body_over_64_kib_is_413()
    {
        var payload = "{\"title\":\"" + new string('t', 64 * 1024) + "\"}";
        var (response, body) = await fixture.PutAsync($"/api/videos/{Unique("huge")}", payload);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(["The body is larger than 65,536 bytes."], body.GetProperty("errors").GetProperty("body").EnumerateArray().Select(e => e.GetString()));
    }

    [Theory]
    [InlineData("/api/videos/%20v", "videoId", "videoId must not start or end with whitespace.")]
    [InlineData("/api/users/u%01", "userId", "userId must not contain control characters.")]
    public async Task Bad_path_ids_are_a_400_naming_the_id(string url, string field, string message)
    {
        var (response, body) = await fixture.PutAsync(url, "{\"title\":\"T\"}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Json.AssertValidationProblem(body, field, message);
    }

    [Fact]
    public async Task Putting_a_user_creates_it_with_201_then_replaces_it_with_200()
    {
        var id = Unique("user");
        var (created, createdBody) = await fixture.PutAsync($"/api/users/{id}",
            "{\"age\":41,\"gender\":\"F\",\"city\":\"Chicago\",\"country\":\"US\",\"language\":\"en-US\",\"timeZone\":\"America/Chicago\",\"occupation\":\"nurse\",\"postalCode\":\"60601\"}");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/users/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal(id, Json.String(createdBody, "id"));
        Assert.Equal(41, createdBody.GetProperty("age").GetInt32());
        Assert.Equal("America/Chicago", Json.String(createdBody, "timeZone"));

        var (replaced, replacedBody) = await fixture.PutAsync($"/api/users/{id}", "{}");

        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Equal(id, Json.String(replacedBody, "id"));
        Assert.Equal(JsonValueKind.Null, replacedBody.GetProperty("age").ValueKind);
    }

    [Fact]
    public async Task Bad_user_fields_are_a_400_naming_each()
    {
        var (response, body) = await fixture.PutAsync($"/api/users/{Unique("baduser")}",
            "{\"age\":131,\"country\":\"usa\",\"timeZone\":\"Mars/Olympus_Mons\",\"email\":\"a@b.c\"}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        AssertProblem(body,
            ("age", "age must be a whole number from 0 to 130, found 131."),
            ("country", "country must be 1 to 2 printable characters, found 'usa'."),
            ("timeZone", "timeZone must be an IANA time zone such as America/Chicago, found 'Mars/Olympus_Mons'."),
            ("email", "Unknown field 'email'; the fields are age, gender, city, country, language, timeZone, occupation, postalCode."));
    }

    [Fact]
    public async Task A_profile_body_with_invalid_utf8_is_a_400_on_body()
    {
        var content = new ByteArrayContent([0x7B, 0x22, 0xC3, 0x22, 0x3A, 0x31, 0x7D]) { Headers = { ContentType = new("application/json") } };
        var response = await fixture.Client.PutAsync($"/api/users/{Unique("utf8")}", content);
        var body = Json.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        AssertProblem(body, ("body", "The body is not valid UTF-8."));
    }

    [Fact]
    public async Task The_video_duration_from_a_put_is_used_for_completions()
    {
        var u = Unique("complete");
        var video = $"{u}-v";
        Assert.Equal(HttpStatusCode.Created, (await fixture.PutAsync($"/api/videos/{video}", "{\"title\":\"T\",\"durationSeconds\":20}")).Response.StatusCode);

        var (posted, _) = await fixture.PostEventsAsync(Of($"{u}-0", u, "watch", video, 18), Of($"{u}-1", u, "watch", video, 17.9));
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);

        var s = await fixture.WaitForAsync($"/api/videos/{video}/statistics");
        Assert.Equal(1, s.GetProperty("completions").GetInt64());
        Assert.Equal(0.5, s.GetProperty("completionRate").GetDouble());
    }
}
