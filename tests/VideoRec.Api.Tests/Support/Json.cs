using System.Text.Json;

namespace VideoRec.Api.Tests.Support;

/// <summary>One item of a response as it appeared on the wire.</summary>
public sealed record WireItem(string VideoId, string Title, double Score, string Source);

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

    /// <summary>The items array; each must have exactly the four contract fields.</summary>
    public static WireItem[] Items(JsonElement body)
    {
        var items = body.GetProperty("items");
        Assert.Equal(JsonValueKind.Array, items.ValueKind);
        return items.EnumerateArray().Select(item =>
        {
            Assert.Equal(["score", "source", "title", "videoId"], item.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
            return new WireItem(String(item, "videoId"), String(item, "title"), item.GetProperty("score").GetDouble(), String(item, "source"));
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

    /// <summary>Asserts scores never increase down the list.</summary>
    public static void AssertDescending(IReadOnlyList<WireItem> items)
    {
        for (var i = 1; i < items.Count; i++)
        {
            Assert.True(items[i - 1].Score >= items[i].Score, $"Item {i} ({items[i].Score}) scores above item {i - 1} ({items[i - 1].Score}).");
        }
    }
}
