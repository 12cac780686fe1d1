using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using VideoRec.Core.Domain;

namespace VideoRec.Core.Ingestion;

/// <summary>
/// Reads the fields of one JSON object with field-named errors: every problem is collected, none throws. Used for the
/// catalogue and profile upserts.
/// </summary>
internal sealed partial class JsonFieldReader(JsonElement element, IReadOnlyCollection<string> allowed)
{
    public Dictionary<string, string[]> Errors { get; } = new(StringComparer.Ordinal);

    public void RejectUnknownFields()
    {
        foreach (var property in element.EnumerateObject())
        {
            if (!allowed.Contains(property.Name))
            {
                // A field without a name is keyed by the body, so that every key names something.
                Errors[property.Name.Length == 0 ? "body" : property.Name] = [$"Unknown field '{Excerpt(property.Name)}'; the fields are {string.Join(", ", allowed)}."];
            }
        }
    }

    public string? Text(string field, int maxLength, bool required = false, Regex? pattern = null, string? patternHint = null)
    {
        if (!Present(field, out var value))
        {
            if (required)
            {
                Errors[field] = [$"{field} is required."];
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Errors[field] = [$"{field} must be a string, found {Kind(value)}."];
            return null;
        }

        var text = value.GetString()!;
        if (string.IsNullOrWhiteSpace(text) || text.Length > maxLength || text.Any(char.IsControl))
        {
            Errors[field] = [$"{field} must be 1 to {maxLength} printable characters, found '{Excerpt(text)}'."];
            return null;
        }

        if (pattern is not null && !pattern.IsMatch(text))
        {
            Errors[field] = [$"{field} must be {patternHint}, found '{Excerpt(text)}'."];
            return null;
        }

        return text;
    }

    public string? Id(string field)
    {
        if (!Present(field, out var value))
        {
            return null;
        }

        var id = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        var problem = EntityIds.Check(id);
        if (problem != IdProblem.None)
        {
            Errors[field] = [value.ValueKind == JsonValueKind.String ? EntityIds.Describe(problem, field) : $"{field} must be a string, found {Kind(value)}."];
            return null;
        }

        return id;
    }

    public double? Number(string field, double min, double max, bool exclusiveMin = false)
    {
        if (!Present(field, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number) &&
            (exclusiveMin ? number > min : number >= min) && number <= max)
        {
            return number;
        }

        Errors[field] = [$"{field} must be a number {(exclusiveMin ? "above" : "from")} {min:G} up to {max:G}, found {Show(value)}."];
        return null;
    }

    public bool? Boolean(string field)
    {
        if (!Present(field, out var value))
        {
            return null;
        }

        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetBoolean();
        }

        Errors[field] = [$"{field} must be true or false, found {Show(value)}."];
        return null;
    }

    public long? Integer(string field, long min, long max)
    {
        if (!Present(field, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) && number >= min && number <= max)
        {
            return number;
        }

        Errors[field] = [$"{field} must be a whole number from {min:G} to {max:G}, found {Show(value)}."];
        return null;
    }

    public IReadOnlyList<string>? TextList(string field, int maxItems, int maxLength, Regex? pattern = null, string? patternHint = null)
    {
        if (!Present(field, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() > maxItems)
        {
            Errors[field] = [$"{field} must be an array of at most {maxItems} strings, found {(value.ValueKind == JsonValueKind.Array ? $"{value.GetArrayLength()} items" : Kind(value))}."];
            return null;
        }

        var items = new List<string>();
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            var text = item.ValueKind == JsonValueKind.String ? item.GetString()! : null;
            if (text is null || string.IsNullOrWhiteSpace(text) || text.Length > maxLength || text.Any(char.IsControl) ||
                (pattern is not null && !pattern.IsMatch(text)))
            {
                Errors[$"{field}[{i}]"] = [$"{field}[{i}] must be {patternHint ?? $"1 to {maxLength} printable characters"}, found {Show(item)}."];
            }
            else if (!items.Contains(text, StringComparer.OrdinalIgnoreCase))
            {
                items.Add(text.Trim());
            }

            i++;
        }

        return items;
    }

    public DateTimeOffset? Timestamp(string field)
    {
        if (!Present(field, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String &&
            DateTimeOffset.TryParseExact(value.GetString(), ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz"],
                CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time.ToUniversalTime();
        }

        Errors[field] = [$"{field} must be ISO 8601 with a time zone, such as 2026-11-29T14:00:00Z, found {Show(value)}."];
        return null;
    }

    /// <summary>A two-letter ISO 3166-1 country code in capitals.</summary>
    [GeneratedRegex("^[A-Z]{2}$")]
    public static partial Regex Country();

    /// <summary>A BCP 47 language tag (language, optional subtags).</summary>
    [GeneratedRegex("^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
    public static partial Regex Language();

    private bool Present(string field, out JsonElement value) =>
        element.TryGetProperty(field, out value) && value.ValueKind != JsonValueKind.Null;

    /// <summary>
    /// The byte offset of the first string or property name whose escapes spell an unpaired UTF-16 surrogate (such as
    /// <c>"\uD800"</c>), or -1. The JSON reader accepts such escapes, but reading the string throws, so callers refuse
    /// the body first. <paramref name="json"/> must already have parsed as JSON.
    /// </summary>
    internal static long FirstUnpairedSurrogate(ReadOnlySpan<byte> json, int maxDepth)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxDepth });
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped)
            {
                try
                {
                    reader.GetString();
                }
                catch (InvalidOperationException)
                {
                    return reader.TokenStartIndex;
                }
            }
        }

        return -1;
    }

    internal static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    internal static string Show(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"'{Excerpt(value.GetString()!)}'",
        JsonValueKind.Number => Excerpt(value.GetRawText()),
        _ => Kind(value),
    };

    internal static string Excerpt(string text)
    {
        var cut = text.Length > 40 ? text[..40] + "…" : text;
        return new string(cut.Select(c => char.IsControl(c) ? '?' : c).ToArray());
    }
}
