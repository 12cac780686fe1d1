using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using VideoRec.Api.Tests.Support;
using static VideoRec.Api.Tests.Ingestion.Events;

namespace VideoRec.Api.Tests.Ingestion;

/// <summary>
/// What the queue worker makes of accepted events, seen over HTTP: user aggregates, video statistics, idempotency,
/// deletion, and recommendations from the refreshed vector.
/// </summary>
[Collection(IngestionCollection.Name)]
public sealed class ProcessingEndpointTests(IngestionFixture fixture)
{
    private static string[] Names(JsonElement element) => element.EnumerateObject().Select(p => p.Name).ToArray();

    private static DateTimeOffset Time(int minute) => Base.AddMinutes(minute);

    private async Task PostAcceptedAsync(params JsonNode[] events)
    {
        var (response, body) = await fixture.PostEventsAsync(events);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(0, body.GetProperty("rejected").GetArrayLength());
    }

    /// <summary>
    /// Posts a one-event batch for a fresh user and waits until it is applied. The single worker drains the queue in
    /// order, so every batch accepted before it has been processed too.
    /// </summary>
    private async Task DrainAsync()
    {
        var marker = Unique("marker");
        await PostAcceptedAsync(Of(marker, marker, "click", "v10"));
        await fixture.WaitForAggregatesAsync(marker);
    }

    private async Task<WireItem[]> RecommendAsync(string user)
    {
        var (response, body) = await fixture.GetAsync($"/api/users/{user}/recommendations?k=500");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Json.Items(body);
    }

    [Fact]
    public async Task Aggregates_after_processing_match_hand_computed_values()
    {
        var u = Unique("agg");
        await PostAcceptedAsync(
            Of($"{u}-0", u, "impression", "v01", 2.5, minute: 0),
            Of($"{u}-1", u, "click", "v01", minute: 1),
            Of($"{u}-2", u, "watch", "v01", 30.5, minute: 2),
            Of($"{u}-3", u, "watch", "v02", 12.25, minute: 3),
            Of($"{u}-4", u, "like", "v02", minute: 4),
            Of($"{u}-5", u, "search", value: "cats", minute: 5),
            Of($"{u}-6", u, "dislike", "v05", minute: 6),
            Of($"{u}-7", u, "share", "v01", minute: 7),
            Of($"{u}-8", u, "comment", "v01", "nice", minute: 8),
            Of($"{u}-9", u, "like", "v03", minute: 2));

        var a = await fixture.WaitForAggregatesAsync(u);

        Assert.Equal(["userId", "counts", "totalWatchSeconds", "firstEventAt", "lastEventAt", "recent", "vector", "searchEmbedding"], Names(a));
        Assert.Equal(u, Json.String(a, "userId"));
        Assert.Equal(
            [("impression", 1L), ("click", 1L), ("watch", 2L), ("like", 2L), ("dislike", 1L), ("share", 1L), ("comment", 1L), ("search", 1L)],
            a.GetProperty("counts").EnumerateObject().Select(p => (p.Name, p.Value.GetInt64())));
        Assert.Equal(42.75, a.GetProperty("totalWatchSeconds").GetDouble());
        Assert.Equal(Time(0), a.GetProperty("firstEventAt").GetDateTimeOffset());
        Assert.Equal(Time(8), a.GetProperty("lastEventAt").GetDateTimeOffset());

        var recent = a.GetProperty("recent");
        Assert.Equal(["watched", "liked", "disliked", "impressed", "searches"], Names(recent));
        static (string?, DateTimeOffset, string?, string?, double?) Item(JsonElement i) => (
            i.GetProperty("eventId").GetString(), i.GetProperty("at").GetDateTimeOffset(), i.GetProperty("videoId").GetString(),
            i.GetProperty("query").GetString(), i.GetProperty("seconds").ValueKind == JsonValueKind.Null ? null : i.GetProperty("seconds").GetDouble());
        Assert.Equal([($"{u}-3", Time(3), "v02", null, 12.25), ($"{u}-2", Time(2), "v01", null, 30.5)], recent.GetProperty("watched").EnumerateArray().Select(Item));
        Assert.Equal([($"{u}-4", Time(4), "v02", null, null), ($"{u}-9", Time(2), "v03", null, null)], recent.GetProperty("liked").EnumerateArray().Select(Item));
        Assert.Equal([($"{u}-6", Time(6), "v05", null, null)], recent.GetProperty("disliked").EnumerateArray().Select(Item));
        Assert.Equal([($"{u}-0", Time(0), "v01", null, 2.5)], recent.GetProperty("impressed").EnumerateArray().Select(Item));
        Assert.Equal([($"{u}-5", Time(5), null, "cats", null)], recent.GetProperty("searches").EnumerateArray().Select(Item));

        var vector = a.GetProperty("vector");
        Assert.Equal(["modelVersion", "asOf", "factors"], Names(vector));
        Assert.Equal(fixture.Bundle.Version, Json.String(vector, "modelVersion"));
        Assert.Equal(Time(8), vector.GetProperty("asOf").GetDateTimeOffset());
        Assert.Equal(4, vector.GetProperty("factors").GetArrayLength());
        Assert.All(vector.GetProperty("factors").EnumerateArray(), f => Assert.True(double.IsFinite(f.GetDouble())));
    }

    [Fact]
    public async Task A_user_with_only_impressions_and_searches_has_aggregates_but_no_vector()
    {
        var u = Unique("novec");
        await PostAcceptedAsync(Of($"{u}-0", u, "impression", "v01"), Of($"{u}-1", u, "search", value: "q"));

        var a = await fixture.WaitForAggregatesAsync(u);

        Assert.Equal(JsonValueKind.Null, a.GetProperty("vector").ValueKind);
        Assert.Equal(0, a.GetProperty("totalWatchSeconds").GetDouble());
    }

    [Fact]
    public async Task Video_statistics_after_processing_match_hand_computed_values()
    {
        var u = Unique("stats");
        var video = $"{u}-video";
        Assert.Equal(HttpStatusCode.Created, (await fixture.PutAsync($"/api/videos/{video}", "{\"title\":\"Stats\",\"durationSeconds\":100}")).Response.StatusCode);

        await PostAcceptedAsync(
            Of($"{u}-0", $"{u}-a", "impression", video, 1),
            Of($"{u}-1", $"{u}-a", "impression", video),
            Of($"{u}-2", $"{u}-b", "impression", video),
            Of($"{u}-3", $"{u}-c", "impression", video),
            Of($"{u}-4", $"{u}-a", "click", video),
            Of($"{u}-5", $"{u}-b", "click", video),
            Of($"{u}-6", $"{u}-a", "watch", video, 95, minute: 1),
            Of($"{u}-7", $"{u}-b", "watch", video, 50, minute: 2),
            Of($"{u}-8", $"{u}-c", "watch", video, 1000, minute: 3),
            Of($"{u}-9", $"{u}-a", "like", video),
            Of($"{u}-10", $"{u}-b", "dislike", video),
            Of($"{u}-11", $"{u}-c", "share", video),
            Of($"{u}-12", $"{u}-c", "comment", video, "wow"),
            Of($"{u}-13", $"{u}-c", "search", value: "not about a video"));

        var s = await fixture.WaitForAsync($"/api/videos/{video}/statistics");

        Assert.Equal(
            ["videoId", "impressions", "clicks", "views", "likes", "dislikes", "shares", "comments", "totalWatchSeconds", "completions", "clickThroughRate", "completionRate", "trendingScore"],
            Names(s));
        Assert.Equal(video, Json.String(s, "videoId"));
        Assert.Equal([4L, 2, 3, 1, 1, 1, 1], new[] { "impressions", "clicks", "views", "likes", "dislikes", "shares", "comments" }.Select(f => s.GetProperty(f).GetInt64()));
        Assert.Equal(1145, s.GetProperty("totalWatchSeconds").GetDouble());
        Assert.Equal(2, s.GetProperty("completions").GetInt64());
        Assert.Equal(0.5, s.GetProperty("clickThroughRate").GetDouble());
        Assert.Equal(2.0 / 3, s.GetProperty("completionRate").GetDouble(), 12);
        // Three views about an hour old, with a 24-hour half-life, dated at the middle of their hour.
        Assert.InRange(s.GetProperty("trendingScore").GetDouble(), 3 * Math.Pow(2, -2.0 / 24), 3);
    }

    [Fact]
    public async Task Unknown_users_and_videos_are_404_and_bad_ids_400()
    {
        var (aggregates, body) = await fixture.GetAsync("/api/users/nobody-ever/aggregates");
        Assert.Equal(HttpStatusCode.NotFound, aggregates.StatusCode);
        Assert.Equal("application/problem+json", aggregates.Content.Headers.ContentType?.MediaType);
        Assert.Equal("No event of user 'nobody-ever' has been applied.", Json.String(body, "detail"));

        var (statistics, statsBody) = await fixture.GetAsync("/api/videos/never-seen/statistics");
        Assert.Equal(HttpStatusCode.NotFound, statistics.StatusCode);
        Assert.Equal("No event about video 'never-seen' has been applied.", Json.String(statsBody, "detail"));

        var (badUser, badUserBody) = await fixture.GetAsync("/api/users/%20x/aggregates");
        Assert.Equal(HttpStatusCode.BadRequest, badUser.StatusCode);
        Json.AssertValidationProblem(badUserBody, "userId", "userId must not start or end with whitespace.");

        var (badVideo, badVideoBody) = await fixture.GetAsync("/api/videos/x%01y/statistics");
        Assert.Equal(HttpStatusCode.BadRequest, badVideo.StatusCode);
        Json.AssertValidationProblem(badVideoBody, "videoId", "videoId must not contain control characters.");
    }

    [Fact]
    public async Task Posting_the_same_batch_twice_changes_nothing()
    {
        var u = Unique("twice");
        var video = $"{u}-video";
        JsonNode[] batch =
        [
            Of($"{u}-0", u, "watch", video, 40, minute: 1),
            Of($"{u}-1", u, "like", video, minute: 2),
            Of($"{u}-2", u, "watch", "v01", 15, minute: 3),
            Of($"{u}-3", u, "impression", video, minute: 4),
        ];
        await PostAcceptedAsync(batch);
        var before = (await fixture.WaitForAggregatesAsync(u)).GetRawText();
        var statsBefore = Without(await fixture.WaitForAsync($"/api/videos/{video}/statistics"), "trendingScore");

        var (again, againBody) = await fixture.PostEventsAsync(batch);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal(4, againBody.GetProperty("accepted").GetArrayLength());
        // The same events again, in another order and another request, with one new event of another user.
        await PostAcceptedAsync([batch[3], batch[1], batch[0], batch[2], Of($"{u}-other", $"{u}-x", "click", video)]);
        await DrainAsync();

        Assert.Equal(before, (await fixture.WaitForAggregatesAsync(u)).GetRawText());
        var statsAfter = Without(await fixture.WaitForAsync($"/api/videos/{video}/statistics"), "trendingScore");
        Assert.Equal(statsBefore.Replace("\"clicks\":0", "\"clicks\":1", StringComparison.Ordinal)
            .Replace("\"clickThroughRate\":0", "\"clickThroughRate\":1", StringComparison.Ordinal), statsAfter);
        Assert.Empty(fixture.Queue.Poisoned());
    }

    private static string Without(JsonElement element, string field)
    {
        var node = JsonNode.Parse(element.GetRawText())!.AsObject();
        node.Remove(field);
        return node.ToJsonString();
    }

    [Fact]
    public async Task A_new_user_with_a_like_on_a_bundle_video_gets_wals_recommendations_without_it()
    {
        var u = Unique("fresh");
        Assert.All(await RecommendAsync(u), item => Assert.Contains("popular", item.Sources));

        await PostAcceptedAsync(Of($"{u}-0", u, "like", "v05"));
        await fixture.WaitForAggregatesAsync(u, a => a.GetProperty("vector").ValueKind == JsonValueKind.Object);

        var items = await RecommendAsync(u);
        Assert.NotEmpty(items);
        Assert.All(items, item => Assert.Contains("wals", item.Sources));
        Assert.DoesNotContain(items, item => item.VideoId == "v05");
        Assert.Equal(TestData.VideoIds.Length - 1, items.Length);
        Json.AssertDescending(items);
        // The like puts the user in cluster B: its other videos come first.
        Assert.Contains(items[0].VideoId, TestData.ClusterB);
    }

    [Fact]
    public async Task Deleting_a_user_removes_their_data_and_personalisation()
    {
        var u = Unique("gone");
        await PostAcceptedAsync(Of($"{u}-0", u, "like", "v01", minute: 1), Of($"{u}-1", u, "watch", "v02", 30, minute: 2));
        await fixture.WaitForAggregatesAsync(u, a => a.GetProperty("vector").ValueKind == JsonValueKind.Object);
        Assert.Equal(HttpStatusCode.Created, (await fixture.PutAsync($"/api/users/{u}", "{\"age\":30}")).Response.StatusCode);
        var personal = await RecommendAsync(u);
        Assert.All(personal, item => Assert.Contains("wals", item.Sources));
        Assert.DoesNotContain(personal, item => item.VideoId is "v01" or "v02");

        var delete = await fixture.Client.DeleteAsync($"/api/users/{u}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Empty(await delete.Content.ReadAsByteArrayAsync());

        var (aggregates, _) = await fixture.GetAsync($"/api/users/{u}/aggregates");
        Assert.Equal(HttpStatusCode.NotFound, aggregates.StatusCode);
        var after = await RecommendAsync(u);
        // Served as new: only the popular list proposes, and what they watched before deleting is no longer held back.
        Assert.All(after, item => Assert.Equal(["popular"], item.Sources));
        Assert.Contains(after, item => item.VideoId == "v01");
        Assert.Contains(after, item => item.VideoId == "v02");
        // The profile went too: putting it again creates it, and deleting that is a 204 once more.
        Assert.Equal(HttpStatusCode.Created, (await fixture.PutAsync($"/api/users/{u}", "{\"age\":30}")).Response.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await fixture.Client.DeleteAsync($"/api/users/{u}")).StatusCode);

        var again = await fixture.Client.DeleteAsync($"/api/users/{u}");
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"User '{u}' has no stored data.", Json.String(Json.Parse(await again.Content.ReadAsStringAsync()), "detail"));
    }

    [Fact]
    public async Task Deleting_a_user_who_never_had_data_is_404_and_a_bad_id_400()
    {
        var missing = await fixture.Client.DeleteAsync($"/api/users/{Unique("never")}");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        var bad = await fixture.Client.DeleteAsync("/api/users/a%01b");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Json.AssertValidationProblem(Json.Parse(await bad.Content.ReadAsStringAsync()), "userId", "userId must not contain control characters.");
    }

    [Fact]
    public async Task Late_events_from_before_a_deletion_are_not_stored_but_later_ones_are()
    {
        var u = Unique("late");
        await PostAcceptedAsync(Of($"{u}-0", u, "like", "v01"));
        await fixture.WaitForAggregatesAsync(u);
        Assert.Equal(HttpStatusCode.NoContent, (await fixture.Client.DeleteAsync($"/api/users/{u}")).StatusCode);

        // Events that happened before the deletion but arrive after it (offline clients, retries, redelivery).
        await PostAcceptedAsync(Of($"{u}-1", u, "like", "v03", minute: 5), Of($"{u}-0", u, "like", "v01"), Of($"{u}-2", u, "watch", "v02", 10, minute: 50));
        await DrainAsync();

        var (aggregates, _) = await fixture.GetAsync($"/api/users/{u}/aggregates");
        Assert.Equal(HttpStatusCode.NotFound, aggregates.StatusCode);
        Assert.All(await RecommendAsync(u), item => Assert.Contains("popular", item.Sources));
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Client.DeleteAsync($"/api/users/{u}")).StatusCode);

        // An event after the deletion is the user's new history.
        var now = DateTimeOffset.UtcNow.AddSeconds(30).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        await PostAcceptedAsync(Of($"{u}-3", u, "like", "v06").With("timestamp", now));
        var fresh = await fixture.WaitForAggregatesAsync(u);
        Assert.Equal(1, fresh.GetProperty("counts").GetProperty("like").GetInt64());
        Assert.Equal($"{u}-3", fresh.GetProperty("recent").GetProperty("liked")[0].GetProperty("eventId").GetString());
    }
}
