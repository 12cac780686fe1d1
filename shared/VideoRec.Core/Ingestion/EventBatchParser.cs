using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;
using VideoRec.Core.Domain;

namespace VideoRec.Core.Ingestion;

/// <summary>Why a whole request was refused before its events were looked at.</summary>
/// <param name="Status">HTTP status: 400 (malformed) or 413 (too large).</param>
/// <param name="Field">The part of the request at fault (<c>body</c> or <c>events</c>).</param>
/// <param name="Message">What is wrong, naming the position in the body where there is one.</param>
public sealed record RequestFailure(int Status, string Field, string Message);

/// <summary>An event that was refused, with every problem by field.</summary>
/// <param name="Index">0-based position in the request array.</param>
/// <param name="EventId">The event id, when the event had a readable one.</param>
/// <param name="Errors">Problems by field name as the contract spells it (<c>type</c>, <c>location.lat</c>, …).</param>
public sealed record EventRejection(int Index, string? EventId, IReadOnlyDictionary<string, string[]> Errors);

/// <summary>An event that passed validation, with its position in the request.</summary>
/// <param name="Index">0-based position in the request array.</param>
/// <param name="Event">The validated event.</param>
public sealed record AcceptedEvent(int Index, IngestEvent Event);

/// <summary>The outcome of parsing a request body: a request-level failure, or accepted and rejected events.</summary>
public sealed class ParsedEvents
{
    internal ParsedEvents(RequestFailure? failure, List<AcceptedEvent> accepted, List<EventRejection> rejected)
    {
        Failure = failure;
        Accepted = accepted;
        Rejected = rejected;
    }

    /// <summary>Set when the body as a whole is unusable (then there are no events).</summary>
    public RequestFailure? Failure { get; }

    /// <summary>Events that passed every check so far, in request order.</summary>
    public IReadOnlyList<AcceptedEvent> Accepted { get; private set; }

    /// <summary>Refused events, in request order.</summary>
    public IReadOnlyList<EventRejection> Rejected { get; private set; }

    /// <summary>Videos of accepted watch events, whose durations bound the watch time.</summary>
    public IReadOnlyCollection<string> WatchedVideoIds =>
        Accepted.Where(a => a.Event.Type == InteractionType.Watch).Select(a => a.Event.VideoId!).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>
    /// Refuses watch events longer than <see cref="IngestionOptions.MaxWatchToDurationRatio"/> times the video's
    /// duration (for videos whose duration is known).
    /// </summary>
    /// <param name="durationSeconds">Known durations by video id.</param>
    /// <param name="options">The limits.</param>
    public void CheckWatchDurations(IReadOnlyDictionary<string, double> durationSeconds, IngestionOptions options)
    {
        var accepted = new List<AcceptedEvent>(Accepted.Count);
        var rejected = Rejected.ToList();
        foreach (var item in Accepted)
        {
            var e = item.Event;
            if (e.Type == InteractionType.Watch && durationSeconds.TryGetValue(e.VideoId!, out var duration) && duration > 0 &&
                e.Seconds > duration * options.MaxWatchToDurationRatio)
            {
                rejected.Add(new EventRejection(item.Index, e.EventId, new Dictionary<string, string[]>
                {
                    ["value"] = [$"value must be at most {options.MaxWatchToDurationRatio:G}× the video's duration ({duration:G} s), found {e.Seconds:G} s."],
                }));
                continue;
            }

            accepted.Add(item);
        }

        Accepted = accepted;
        Rejected = rejected.OrderBy(r => r.Index).ToList();
    }
}

/// <summary>
/// Parses and validates the body of <c>POST /api/events</c>: a JSON array of events (contract version 1, camelCase).
/// Each bad event is refused by index with every problem named by field; good events are accepted. Checks: UTF-8,
/// JSON syntax, size, count, required ids (the <see cref="EntityIds"/> rule), type, value by type (watch and dwell
/// seconds, query and comment text), device, location, timestamp (ISO 8601, not in the future beyond the allowed
/// skew), unknown fields, and event ids repeated within the request.
/// </summary>
public static class EventBatchParser
{
    private static readonly Dictionary<string, InteractionType> Types = new(StringComparer.Ordinal)
    {
        ["impression"] = InteractionType.Impression,
        ["click"] = InteractionType.Click,
        ["watch"] = InteractionType.Watch,
        ["like"] = InteractionType.Like,
        ["dislike"] = InteractionType.Dislike,
        ["share"] = InteractionType.Share,
        ["comment"] = InteractionType.Comment,
        ["search"] = InteractionType.Search,
    };

    /// <summary>ISO 8601 date and time with 'Z' or a numeric offset; the fraction of a second is optional.</summary>
    private static readonly string[] TimestampFormats = ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz"];

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    private static readonly HashSet<string> Fields = new(StringComparer.Ordinal)
    {
        "version", "eventId", "userId", "videoId", "type", "value", "device", "location", "timestamp", "requestId",
    };

    /// <summary>The contract's type names, as clients send them.</summary>
    public static IReadOnlyCollection<string> TypeNames => Types.Keys;

    /// <summary>The contract name of <paramref name="type"/> (lower case).</summary>
    public static string TypeName(InteractionType type) => type.ToString().ToLowerInvariant();

    /// <summary>Parses <paramref name="body"/>.</summary>
    /// <param name="body">The raw request body.</param>
    /// <param name="now">The current time, for the future-timestamp check.</param>
    /// <param name="options">Limits.</param>
    public static ParsedEvents Parse(ReadOnlySpan<byte> body, DateTimeOffset now, IngestionOptions options)
    {
        if (body.Length > options.MaxBodyBytes)
        {
            return Fail(413, "body", $"The body is {body.Length:N0} bytes; the limit is {options.MaxBodyBytes:N0}.");
        }

        if (body.StartsWith(Utf8Bom))
        {
            body = body[Utf8Bom.Length..];
        }

        if (!Utf8.IsValid(body))
        {
            var offset = FirstInvalidUtf8(body);
            return Fail(400, "body", $"The body is not valid UTF-8 (first bad byte at offset {offset}).");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            return Fail(400, "body", $"The body is not valid JSON: {e.Message.Split(" LineNumber:", 2)[0]} (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}).");
        }

        using (document)
        {
            if (JsonFieldReader.FirstUnpairedSurrogate(body, 8) is var surrogate and >= 0)
            {
                return Fail(400, "body", $"The body is not valid JSON: a string escapes an unpaired UTF-16 surrogate (at byte offset {surrogate}).");
            }

            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Array)
            {
                return Fail(400, "body", $"The body must be a JSON array of events, found {Kind(root)}.");
            }

            var count = root.GetArrayLength();
            if (count == 0)
            {
                return Fail(400, "events", "The array holds no events.");
            }

            if (count > options.MaxEventsPerRequest)
            {
                return Fail(400, "events", $"At most {options.MaxEventsPerRequest:N0} events per request, found {count:N0}.");
            }

            var accepted = new List<AcceptedEvent>(count);
            var rejected = new List<EventRejection>();
            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            var index = 0;
            foreach (var element in root.EnumerateArray())
            {
                var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
                var parsed = ParseEvent(element, now, options, errors);
                if (parsed is not null && seen.TryGetValue(parsed.EventId, out var first))
                {
                    errors["eventId"] = [$"eventId '{parsed.EventId}' repeats event [{first}] of this request."];
                }

                if (errors.Count > 0 || parsed is null)
                {
                    rejected.Add(new EventRejection(index, parsed?.EventId ?? ReadableEventId(element), errors));
                }
                else
                {
                    seen[parsed.EventId] = index;
                    accepted.Add(new AcceptedEvent(index, parsed));
                }

                index++;
            }

            return new ParsedEvents(null, accepted, rejected);
        }
    }

    private static IngestEvent? ParseEvent(JsonElement element, DateTimeOffset now, IngestionOptions options, Dictionary<string, string[]> errors)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors["event"] = [$"Each event must be a JSON object, found {Kind(element)}."];
            return null;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (!Fields.Contains(property.Name))
            {
                // A field without a name is keyed by the event, so that every key names something.
                errors[property.Name.Length == 0 ? "event" : property.Name] = [$"Unknown field '{Excerpt(property.Name)}'; the fields are {string.Join(", ", Fields)}."];
            }
        }

        if (element.TryGetProperty("version", out var version) && !(version.ValueKind == JsonValueKind.Number && version.TryGetInt32(out var v) && v == 1))
        {
            errors["version"] = ["version must be 1 (the only contract version) or absent."];
        }

        var eventId = Id(element, "eventId", errors);
        var userId = Id(element, "userId", errors);
        InteractionType? type = null;
        if (!element.TryGetProperty("type", out var typeElement) || typeElement.ValueKind == JsonValueKind.Null)
        {
            errors["type"] = ["type is required."];
        }
        else if (typeElement.ValueKind != JsonValueKind.String || !Types.TryGetValue(typeElement.GetString()!, out var t))
        {
            errors["type"] = [$"type must be one of {string.Join(", ", Types.Keys)}, found {Show(typeElement)}."];
        }
        else
        {
            type = t;
        }

        string? videoId = null;
        var hasVideo = element.TryGetProperty("videoId", out var videoElement) && videoElement.ValueKind != JsonValueKind.Null;
        if (type == InteractionType.Search)
        {
            if (hasVideo)
            {
                errors["videoId"] = ["videoId must be absent for a search."];
            }
        }
        else if (type is not null)
        {
            videoId = Id(element, "videoId", errors);
        }

        var (seconds, text) = type is { } known ? Value(element, known, options, errors) : (null, null);
        var device = Device(element, options, errors);
        var location = Location(element, errors);
        var timestamp = Timestamp(element, now, options, errors);
        // Optional: the recommend response this event answers (attribution joins on it); absent in older clients' events.
        var requestId = element.TryGetProperty("requestId", out var requestElement) && requestElement.ValueKind != JsonValueKind.Null
            ? Id(element, "requestId", errors)
            : null;
        if (errors.Count > 0 || eventId is null || userId is null || type is null || timestamp is null)
        {
            return null;
        }

        return new IngestEvent(eventId, userId, videoId, type.Value, timestamp.Value)
        {
            Seconds = seconds,
            Text = text,
            Device = device,
            Location = location,
            RequestId = requestId,
        };
    }

    private static string? Id(JsonElement element, string field, Dictionary<string, string[]> errors)
    {
        if (!element.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            errors[field] = [$"{field} is required."];
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            errors[field] = [$"{field} must be a string, found {Kind(value)}."];
            return null;
        }

        var id = value.GetString()!;
        var problem = EntityIds.Check(id);
        if (problem != IdProblem.None)
        {
            errors[field] = [EntityIds.Describe(problem, field)];
            return null;
        }

        return id;
    }

    private static (double? Seconds, string? Text) Value(JsonElement element, InteractionType type, IngestionOptions options, Dictionary<string, string[]> errors)
    {
        var present = element.TryGetProperty("value", out var value) && value.ValueKind != JsonValueKind.Null;
        switch (type)
        {
            case InteractionType.Watch:
            case InteractionType.Impression:
                var required = type == InteractionType.Watch;
                if (!present)
                {
                    if (required)
                    {
                        errors["value"] = ["value (watch seconds) is required for a watch."];
                    }

                    return (null, null);
                }

                if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var seconds) || !double.IsFinite(seconds))
                {
                    errors["value"] = [$"value must be a number of seconds for {WithArticle(type)}, found {Show(value)}."];
                    return (null, null);
                }

                var max = type == InteractionType.Watch ? options.MaxWatchSecondsUnknownDuration : options.MaxDwellSeconds;
                if (seconds < 0 || seconds > max)
                {
                    errors["value"] = [$"value must be between 0 and {max:G} seconds for {WithArticle(type)}, found {seconds:G}."];
                    return (null, null);
                }

                return (seconds, null);

            case InteractionType.Search:
            case InteractionType.Comment:
                var what = type == InteractionType.Search ? "query" : "comment";
                if (!present || value.ValueKind != JsonValueKind.String)
                {
                    errors["value"] = [present ? $"value (the {what}) must be a string, found {Kind(value)}." : $"value (the {what}) is required for {WithArticle(type)}."];
                    return (null, null);
                }

                var text = value.GetString()!;
                if (string.IsNullOrWhiteSpace(text))
                {
                    errors["value"] = [$"value (the {what}) must not be empty."];
                }
                else if (text.Length > options.MaxTextLength)
                {
                    errors["value"] = [$"value (the {what}) must be at most {options.MaxTextLength:N0} characters, found {text.Length:N0}."];
                }
                else if (text.Any(c => char.IsControl(c) && c is not '\n' and not '\t'))
                {
                    errors["value"] = [$"value (the {what}) must not contain control characters."];
                }
                else
                {
                    return (null, text);
                }

                return (null, null);

            default:
                if (present)
                {
                    errors["value"] = [$"value must be absent for {WithArticle(type)}."];
                }

                return (null, null);
        }
    }

    private static string WithArticle(InteractionType type) => type == InteractionType.Impression ? "an impression" : "a " + TypeName(type);

    private static string? Device(JsonElement element, IngestionOptions options, Dictionary<string, string[]> errors)
    {
        if (!element.TryGetProperty("device", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : null;
        if (text is null || text.Length == 0 || text.Length > options.MaxDeviceLength || text.Any(char.IsControl))
        {
            errors["device"] = [$"device must be a string of 1 to {options.MaxDeviceLength} printable characters, found {Show(value)}."];
            return null;
        }

        return text;
    }

    private static GeoLocation? Location(JsonElement element, Dictionary<string, string[]> errors)
    {
        if (!element.TryGetProperty("location", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            errors["location"] = [$"location must be an object {{\"lat\": …, \"lon\": …}}, found {Kind(value)}."];
            return null;
        }

        var lat = Coordinate(value, "lat", 90, errors);
        var lon = Coordinate(value, "lon", 180, errors);
        foreach (var property in value.EnumerateObject())
        {
            if (property.Name is not "lat" and not "lon")
            {
                errors[property.Name.Length == 0 ? "location" : "location." + property.Name] = [$"Unknown field 'location.{Excerpt(property.Name)}'; location has lat and lon."];
            }
        }

        return lat is { } la && lon is { } lo ? new GeoLocation(la, lo) : null;
    }

    private static double? Coordinate(JsonElement location, string name, double limit, Dictionary<string, string[]> errors)
    {
        if (location.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var degrees) &&
            double.IsFinite(degrees) && Math.Abs(degrees) <= limit)
        {
            return degrees;
        }

        errors["location." + name] = [$"location.{name} must be a number from -{limit} to {limit}, found {(location.TryGetProperty(name, out var v) ? Show(v) : "nothing")}."];
        return null;
    }

    private static DateTimeOffset? Timestamp(JsonElement element, DateTimeOffset now, IngestionOptions options, Dictionary<string, string[]> errors)
    {
        if (!element.TryGetProperty("timestamp", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            errors["timestamp"] = ["timestamp is required (ISO 8601 with a time zone, such as 2026-11-29T14:00:00Z)."];
            return null;
        }

        if (value.ValueKind != JsonValueKind.String ||
            !DateTimeOffset.TryParseExact(value.GetString(), TimestampFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            errors["timestamp"] = [$"timestamp must be ISO 8601 with a time zone, such as 2026-11-29T14:00:00Z, found {Show(value)}."];
            return null;
        }

        time = time.ToUniversalTime();
        if (time > now + options.MaxFutureSkew)
        {
            errors["timestamp"] = [$"timestamp is more than {options.MaxFutureSkew.TotalMinutes:G} minutes in the future ({time:O} > {now:O})."];
            return null;
        }

        if (time < options.MinTimestamp)
        {
            errors["timestamp"] = [$"timestamp must not be before {options.MinTimestamp:yyyy-MM-dd}, found {time:O}."];
            return null;
        }

        return time;
    }

    private static string? ReadableEventId(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("eventId", out var id) && id.ValueKind == JsonValueKind.String &&
        EntityIds.Check(id.GetString()) == IdProblem.None ? id.GetString() : null;

    private static ParsedEvents Fail(int status, string field, string message) => new(new RequestFailure(status, field, message), [], []);

    private static string Kind(JsonElement value) => JsonFieldReader.Kind(value);

    private static string Show(JsonElement value) => JsonFieldReader.Show(value);

    private static string Excerpt(string text) => JsonFieldReader.Excerpt(text);

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> body)
    {
        var status = Utf8.ToUtf16(body, new char[body.Length], out var read, out _, replaceInvalidSequences: false);
        return status == System.Buffers.OperationStatus.InvalidData ? read : body.Length;
    }
}
