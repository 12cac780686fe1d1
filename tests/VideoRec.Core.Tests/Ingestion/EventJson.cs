using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using VideoRec.Core.Ingestion;

namespace VideoRec.Core.Tests.Ingestion;

/// <summary>Builds event request bodies for the parser tests, and parses them at a fixed time.</summary>
internal static class EventJson
{
    /// <summary>The fixed "now" of every parser test.</summary>
    public static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static readonly IngestionOptions Options = new();

    /// <summary>A valid event of <paramref name="type"/> one minute before <see cref="Now"/>.</summary>
    public static JsonObject Event(string eventId = "e1", string type = "click", string userId = "u1", string? videoId = "v1")
    {
        var e = new JsonObject
        {
            ["eventId"] = eventId,
            ["userId"] = userId,
            ["type"] = type,
            ["timestamp"] = "2026-03-01T11:59:00Z",
        };
        switch (type)
        {
            case "watch":
                e["value"] = 120.5;
                break;
            case "search":
                e["value"] = "cat videos";
                videoId = null;
                break;
            case "comment":
                e["value"] = "Nice!";
                break;
        }

        if (videoId is not null)
        {
            e["videoId"] = videoId;
        }

        return e;
    }

    /// <summary><paramref name="e"/> with <paramref name="field"/> set to <paramref name="value"/> (removed when <paramref name="remove"/>).</summary>
    public static JsonObject With(this JsonObject e, string field, JsonNode? value, bool remove = false)
    {
        if (remove)
        {
            e.Remove(field);
        }
        else
        {
            e[field] = value;
        }

        return e;
    }

    public static byte[] Body(params JsonNode?[] events) => Encoding.UTF8.GetBytes(new JsonArray(events.Select(e => e?.DeepClone()).ToArray()).ToJsonString());

    public static ParsedEvents Parse(byte[] body, DateTimeOffset? now = null) => EventBatchParser.Parse(body, now ?? Now, Options);

    public static ParsedEvents Parse(string body) => Parse(Encoding.UTF8.GetBytes(body));

    public static ParsedEvents Parse(params JsonNode?[] events) => Parse(Body(events));

    /// <summary>Parses one event and returns its only rejection (asserting there is exactly one and nothing was accepted).</summary>
    public static EventRejection RejectOne(JsonNode? e)
    {
        var parsed = Parse(e);
        Assert.Null(parsed.Failure);
        Assert.Empty(parsed.Accepted);
        return Assert.Single(parsed.Rejected);
    }

    /// <summary>Asserts the single event is refused with exactly <paramref name="field"/> and <paramref name="message"/>.</summary>
    public static void AssertRejected(JsonNode? e, string field, string message)
    {
        var rejection = RejectOne(e);
        Assert.Equal(0, rejection.Index);
        Assert.Equal([field], rejection.Errors.Keys);
        Assert.Equal([message], rejection.Errors[field]);
    }

    /// <summary>Asserts the single event is accepted and returns it.</summary>
    public static IngestEvent AcceptOne(JsonNode? e, DateTimeOffset? now = null)
    {
        var parsed = Parse(Body(e), now);
        Assert.Null(parsed.Failure);
        Assert.Empty(parsed.Rejected.SelectMany(r => r.Errors.Select(kv => $"{kv.Key}: {string.Join(" ", kv.Value)}")));
        return Assert.Single(parsed.Accepted).Event;
    }

    public static void AssertFailure(ParsedEvents parsed, int status, string field, string message)
    {
        Assert.NotNull(parsed.Failure);
        Assert.Equal(new RequestFailure(status, field, message), parsed.Failure);
        Assert.Empty(parsed.Accepted);
        Assert.Empty(parsed.Rejected);
    }

    public static string Serialize(object value) => JsonSerializer.Serialize(value, new JsonSerializerOptions(JsonSerializerDefaults.Web));
}
