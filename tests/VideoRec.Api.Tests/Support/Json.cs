using System.Text.Json;

namespace VideoRec.Api.Tests.Support;

/// <summary>One item of a response as it appeared on the wire.</summary>
public sealed record WireItem(string VideoId, string Title, double Score, int Position, string[] Sources, string[] Reasons)
{
    /// <summary>Whether <paramref name="source"/> proposed it.</summary>
    public bool From(string source) => Sources.Contains(source);

    /// <summary>Equality by value, the arrays included.</summary>
    public bool Equals(WireItem? other) => other is not null && VideoId == other.VideoId && Title == other.Title && Score.Equals(other.Score) &&
        Position == other.Position && Sources.SequenceEqual(other.Sources) && Reasons.SequenceEqual(other.Reasons);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(VideoId, Score, Position);
}

/// <summary>One item of a similar-videos response as it appeared on the wire.</summary>
public sealed record WireSimilarItem(string VideoId, string Title, double Score, string Source);

/// <summary>Reads response bodies with System.Text.Json, by the camelCase names of the contract.</summary>
public static class Json
{
    public static JsonElement Parse(string body)
    {
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    public static string String(JsonElement element, string name) =>
        element.GetProperty(name).GetString() ?? throw new InvalidOperationException($"'{name}' is null.");

    /// <summary>The items array; each must have exactly the six contract fields, and positions must count 0, 1, 2, ….</summary>
    public static WireItem[] Items(JsonElement body)
    {
        var items = body.GetProperty("items");
        Assert.Equal(JsonValueKind.Array, items.ValueKind);
        var parsed = items.EnumerateArray().Select(item =>
        {
            Assert.Equal(["position", "reasons", "score", "sources", "title", "videoId"], item.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
            return new WireItem(String(item, "videoId"), String(item, "title"), item.GetProperty("score").GetDouble(), item.GetProperty("position").GetInt32(),
                [.. item.GetProperty("sources").EnumerateArray().Select(e => e.GetString()!)], [.. item.GetProperty("reasons").EnumerateArray().Select(e => e.GetString()!)]);
        }).ToArray();
        Assert.Equal(Enumerable.Range(0, parsed.Length), parsed.Select(i => i.Position));
        return parsed;
    }

    /// <summary>The items array of a similar-videos response; each must have exactly its four contract fields.</summary>
    public static WireSimilarItem[] SimilarItems(JsonElement body)
    {
        var items = body.GetProperty("items");
        Assert.Equal(JsonValueKind.Array, items.ValueKind);
        return items.EnumerateArray().Select(item =>
        {
            Assert.Equal(["score", "source", "title", "videoId"], item.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
            return new WireSimilarItem(String(item, "videoId"), String(item, "title"), item.GetProperty("score").GetDouble(), String(item, "source"));
        }).ToArray();
    }

    /// <summary>Asserts a 400 validation problem body naming exactly <paramref name="field"/> with <paramref name="message"/>.</summary>
    public static void AssertValidationProblem(JsonElement body, string field, string message)
    {
        Assert.Equal(400, body.GetProperty("status").GetInt32());
        Assert.Equal("The request has invalid parameters.", String(body, "title"));
        var errors = body.GetProperty("errors");
        Assert.Equal([field], errors.EnumerateObject().Select(p => p.Name));
        Assert.Equal([message], errors.GetProperty(field).EnumerateArray().Select(e => e.GetString()));
    }

    /// <summary>
    /// Asserts a page is in score order except where re-ranking says why: an item placed above a higher-scored one
    /// carries a diversity or exploration reason.
    /// </summary>
    public static void AssertDescending(IReadOnlyList<WireItem> items)
    {
        for (var i = 1; i < items.Count; i++)
        {
            if (items[i - 1].Score < items[i].Score)
            {
                Assert.True(items[i - 1].Reasons.Any(r => r.StartsWith("diversity", StringComparison.Ordinal) || r.StartsWith("exploration", StringComparison.Ordinal)),
                    $"Item {i - 1} ({items[i - 1].VideoId}, {items[i - 1].Score}) sits above item {i} ({items[i].Score}) without a diversity or exploration reason: {string.Join("; ", items[i - 1].Reasons)}");
            }
        }
    }

    /// <summary>Asserts scores never increase down the list.</summary>
    public static void AssertDescending(IReadOnlyList<WireSimilarItem> items) => AssertDescending(items.Select(i => i.Score).ToArray());

    private static void AssertDescending(double[] scores)
    {
        for (var i = 1; i < scores.Length; i++)
        {
            Assert.True(scores[i - 1] >= scores[i], $"Item {i} ({scores[i]}) scores above item {i - 1} ({scores[i - 1]}).");
        }
    }
}
