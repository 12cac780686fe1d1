using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using VideoRec.Api.Tests.Support;
using static VideoRec.Api.Tests.Ingestion.Events;

namespace VideoRec.Api.Tests.Ingestion;

/// <summary>POST /api/events on the real local host: response shapes and request-level failures.</summary>
[Collection(IngestionCollection.Name)]
public sealed partial class EventEndpointTests(IngestionFixture fixture)
{
    [GeneratedRegex("^[0-9a-f]{32}$")]
    internal static partial Regex BatchIdPattern();

    private static string[] Names(JsonElement element) => element.EnumerateObject().Select(p => p.Name).ToArray();

    private static string[] Messages(JsonElement errors, string field) => errors.GetProperty(field).EnumerateArray().Select(e => e.GetString()!).ToArray();

    [Fact]
    public async Task A_mixed_batch_is_accepted_with_the_exact_202_shape()
    {
        var u = Unique("mixed");
        var (response, body) = await fixture.PostEventsAsync(
            Of($"{u}-0", u, "click", "v01"),
            Of($"{u}-1", u, "view", "v01"),
            Of($"{u}-2", u, "search", value: "cats"),
            Of($"{u}-3", "", "like", "v02").With("rating", 5),
            Of($"{u}-4", u, "watch", "v02", 12.5));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Null(response.Headers.Location);
        Assert.Equal(["batchId", "accepted", "rejected"], Names(body));
        Assert.Matches(BatchIdPattern(), Json.String(body, "batchId"));

        var accepted = body.GetProperty("accepted").EnumerateArray().ToArray();
        Assert.All(accepted, a => Assert.Equal(["index", "eventId"], Names(a)));
        Assert.Equal([(0, $"{u}-0"), (2, $"{u}-2"), (4, $"{u}-4")], accepted.Select(a => (a.GetProperty("index").GetInt32(), Json.String(a, "eventId"))));

        var rejected = body.GetProperty("rejected").EnumerateArray().ToArray();
        Assert.All(rejected, r => Assert.Equal(["index", "eventId", "errors"], Names(r)));
        Assert.Equal([(1, $"{u}-1"), (3, $"{u}-3")], rejected.Select(r => (r.GetProperty("index").GetInt32(), Json.String(r, "eventId"))));
        Assert.Equal(["type"], Names(rejected[0].GetProperty("errors")));
        Assert.Equal(["type must be one of impression, click, watch, like, dislike, share, comment, search, found 'view'."], Messages(rejected[0].GetProperty("errors"), "type"));
        Assert.Equal(["rating", "userId"], Names(rejected[1].GetProperty("errors")).Order(StringComparer.Ordinal));
        Assert.Equal(["userId is required."], Messages(rejected[1].GetProperty("errors"), "userId"));
    }

    [Fact]
    public async Task A_fully_accepted_batch_has_an_empty_rejected_list_and_a_new_batch_id_each_time()
    {
        var u = Unique("ok");
        var (first, firstBody) = await fixture.PostEventsAsync(Of($"{u}-0", u, "like", "v01"));
        var (second, secondBody) = await fixture.PostEventsAsync(Of($"{u}-1", u, "like", "v02"));

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        Assert.Equal(0, firstBody.GetProperty("rejected").GetArrayLength());
        Assert.NotEqual(Json.String(firstBody, "batchId"), Json.String(secondBody, "batchId"));
    }

    [Fact]
    public async Task A_rejected_event_without_a_readable_id_has_a_null_event_id()
    {
        var u = Unique("noid");
        var (response, body) = await fixture.PostEventsAsync(Of($"{u}-0", u, "like", "v01"), Of("a/b", u, "like", "v01"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var rejected = Assert.Single(body.GetProperty("rejected").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, rejected.GetProperty("eventId").ValueKind);
        Assert.Equal(["eventId must not contain '/'."], Messages(rejected.GetProperty("errors"), "eventId"));
    }

    [Fact]
    public async Task An_all_bad_batch_is_a_400_problem_keyed_by_index_and_field_with_the_rejections()
    {
        var u = Unique("bad");
        var (response, body) = await fixture.PostEventsAsync(
            "[" + Of($"{u}-0", u, "bogus", "v01").ToJsonString() + "," + Of($"{u}-1", u, "like").ToJsonString() + ",5," +
            Of($"{u}-3", u, "watch", "v01", -1).With("timestamp", "2026-01-01T00:00:00").ToJsonString() + "]");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(400, body.GetProperty("status").GetInt32());
        Assert.Equal("No event was accepted.", Json.String(body, "title"));
        var errors = body.GetProperty("errors");
        Assert.Equal(["[0].type", "[1].videoId", "[2].event", "[3].timestamp", "[3].value"], Names(errors).Order(StringComparer.Ordinal));
        Assert.Equal(["videoId is required."], Messages(errors, "[1].videoId"));
        Assert.Equal(["Each event must be a JSON object, found a number."], Messages(errors, "[2].event"));
        Assert.Equal(["value must be between 0 and 86400 seconds for a watch, found -1."], Messages(errors, "[3].value"));

        var rejected = body.GetProperty("rejected").EnumerateArray().ToArray();
        Assert.Equal([0, 1, 2, 3], rejected.Select(r => r.GetProperty("index").GetInt32()));
        Assert.Equal([$"{u}-0", $"{u}-1", null, $"{u}-3"], rejected.Select(r => r.GetProperty("eventId").GetString()));
        Assert.All(rejected, r => Assert.Equal(["index", "eventId", "errors"], Names(r)));
        Assert.Equal(["timestamp", "value"], Names(rejected[3].GetProperty("errors")).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Malformed_json_is_a_400_naming_the_body_with_line_and_byte()
    {
        var (response, body) = await fixture.PostEventsAsync("[\n  {\"eventId\": \"e1\",, }\n]");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("The request is malformed.", Json.String(body, "title"));
        var errors = body.GetProperty("errors");
        Assert.Equal(["body"], Names(errors));
        var message = Assert.Single(Messages(errors, "body"));
        Assert.StartsWith("The body is not valid JSON: ", message, StringComparison.Ordinal);
        Assert.EndsWith("(line 2, byte 20).", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}", "body", "The body must be a JSON array of events, found an object.")]
    [InlineData("[]", "events", "The array holds no events.")]
    [InlineData("[{\"userId\": \"\\uD800\"}]", "body", "The body is not valid JSON: a string escapes an unpaired UTF-16 surrogate (at byte offset 12).")]
    public async Task Unusable_bodies_are_a_400_naming_the_part_at_fault(string payload, string field, string message)
    {
        var (response, body) = await fixture.PostEventsAsync(payload);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("The request is malformed.", Json.String(body, "title"));
        Assert.Equal([field], Names(body.GetProperty("errors")));
        Assert.Equal([message], Messages(body.GetProperty("errors"), field));
    }

    [Fact]
    public async Task An_empty_body_is_malformed_not_an_error()
    {
        var response = await fixture.Client.PostAsync("/api/events", new ByteArrayContent([]) { Headers = { ContentType = new("application/json") } });
        var body = Json.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["body"], Names(body.GetProperty("errors")));
    }

    [Fact]
    public async Task Invalid_utf8_is_a_400_naming_the_offset()
    {
        byte[] payload = [.. "[{\"eventId\":\""u8, 0xFE, .. "\"}]"u8];
        var response = await fixture.Client.PostAsync("/api/events", new ByteArrayContent(payload) { Headers = { ContentType = new("application/json") } });
        var body = Json.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["The body is not valid UTF-8 (first bad byte at offset 13)."], Messages(body.GetProperty("errors"), "body"));
    }

    [Fact]
    public async Task More_than_1000_events_is_a_400_on_events()
    {
        var u = Unique("many");
        var (response, body) = await fixture.PostEventsAsync(Enumerable.Range(0, 1001).Select(i => (JsonNode)Of($"{u}-{i}", u, "click", "v01")).ToArray());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["At most 1,000 events per request, found 1,001."], Messages(body.GetProperty("errors"), "events"));
    }

    private static byte[] PaddedBody(string u, int bytes)
    {
        var events = new JsonArray(Enumerable.Range(0, 1000).Select(i => (JsonNode?)Of($"{u}-{i}", u, "impression", "v10")).ToArray()).ToJsonString();
        var padded = Encoding.UTF8.GetBytes(events[..^1] + new string(' ', bytes - Encoding.UTF8.GetByteCount(events)) + "]");
        Assert.Equal(bytes, padded.Length);
        return padded;
    }

    [Fact]
    public async Task A_body_of_exactly_one_mebibyte_with_1000_events_is_accepted()
    {
        var u = Unique("mib");
        var response = await fixture.Client.PostAsync("/api/events", new ByteArrayContent(PaddedBody(u, 1 << 20)) { Headers = { ContentType = new("application/json") } });
        var body = Json.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(1000, body.GetProperty("accepted").GetArrayLength());
        var aggregates = await fixture.WaitForAggregatesAsync(u);
        Assert.Equal(1000, aggregates.GetProperty("counts").GetProperty("impression").GetInt64());
    }

    [Fact]
    public async Task A_body_one_byte_over_a_mebibyte_is_413()
    {
        var u = Unique("big");
        var response = await fixture.Client.PostAsync("/api/events", new ByteArrayContent(PaddedBody(u, (1 << 20) + 1)) { Headers = { ContentType = new("application/json") } });
        var body = Json.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("The request is too large.", Json.String(body, "title"));
        Assert.Equal("The body is larger than 1,048,576 bytes.", Json.String(body, "detail"));
        Assert.Equal(["The body is larger than 1,048,576 bytes."], Messages(body.GetProperty("errors"), "body"));
    }

    [Fact]
    public async Task A_chunked_body_over_a_mebibyte_without_a_length_is_413_too()
    {
        var u = Unique("chunk");
        var content = new StreamContent(new NonSeekableStream(PaddedBody(u, (1 << 20) + 100)));
        content.Headers.ContentType = new("application/json");

        var response = await fixture.Client.PostAsync("/api/events", content);

        Assert.Null(content.Headers.ContentLength);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/xml")]
    public async Task Non_json_media_types_are_415(string mediaType)
    {
        var u = Unique("media");
        var response = await fixture.Client.PostAsync("/api/events", new StringContent(new JsonArray(Of($"{u}-0", u, "click", "v01")).ToJsonString(), Encoding.UTF8, mediaType));
        var body = Json.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Unsupported media type.", Json.String(body, "title"));
        Assert.Equal([$"The body must be application/json, found '{mediaType}; charset=utf-8'."], Messages(body.GetProperty("errors"), "body"));
    }

    [Fact]
    public async Task A_missing_content_type_is_taken_as_json()
    {
        var u = Unique("notype");
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(new JsonArray(Of($"{u}-0", u, "click", "v01")).ToJsonString()));

        var response = await fixture.Client.PostAsync("/api/events", content);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task A_watch_over_ten_times_a_known_duration_is_rejected_by_index()
    {
        var u = Unique("dur");
        var (put, _) = await fixture.PutAsync($"/api/videos/{u}-short", "{\"title\":\"Short\",\"durationSeconds\":30}");
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);

        var (response, body) = await fixture.PostEventsAsync(
            Of($"{u}-0", u, "watch", $"{u}-short", 300),
            Of($"{u}-1", u, "watch", $"{u}-short", 300.5),
            Of($"{u}-2", u, "watch", $"{u}-unknown", 5000),
            Of($"{u}-3", u, "like", $"{u}-short"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal([0, 2, 3], body.GetProperty("accepted").EnumerateArray().Select(a => a.GetProperty("index").GetInt32()));
        var rejected = Assert.Single(body.GetProperty("rejected").EnumerateArray());
        Assert.Equal(1, rejected.GetProperty("index").GetInt32());
        Assert.Equal($"{u}-1", Json.String(rejected, "eventId"));
        Assert.Equal(["value must be at most 10× the video's duration (30 s), found 300.5 s."], Messages(rejected.GetProperty("errors"), "value"));

        // The same watch is fine once the catalogue says the video is longer.
        Assert.Equal(HttpStatusCode.OK, (await fixture.PutAsync($"/api/videos/{u}-short", "{\"title\":\"Short\",\"durationSeconds\":31}")).Response.StatusCode);
        var (again, _) = await fixture.PostEventsAsync(Of($"{u}-1", u, "watch", $"{u}-short", 300.5));
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
    }

    [Fact]
    public async Task Timestamps_more_than_five_minutes_ahead_of_the_server_are_rejected()
    {
        var u = Unique("future");
        var ahead = DateTimeOffset.UtcNow.AddMinutes(6).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var fine = DateTimeOffset.UtcNow.AddMinutes(4).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

        var (response, body) = await fixture.PostEventsAsync(Of($"{u}-0", u, "click", "v01").With("timestamp", ahead), Of($"{u}-1", u, "click", "v01").With("timestamp", fine));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var rejected = Assert.Single(body.GetProperty("rejected").EnumerateArray());
        Assert.Equal(0, rejected.GetProperty("index").GetInt32());
        Assert.StartsWith("timestamp is more than 5 minutes in the future", Messages(rejected.GetProperty("errors"), "timestamp")[0], StringComparison.Ordinal);
    }

    /// <summary>A stream without a length, so HttpClient sends the body chunked.</summary>
    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}

internal static class JsonObjectExtensions
{
    public static JsonObject With(this JsonObject e, string field, JsonNode? value)
    {
        e[field] = value;
        return e;
    }
}
