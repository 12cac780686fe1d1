using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace VideoRec.Api.Tests.Ingestion;

/// <summary>
/// 10,000 seeded malformed or borderline requests to the ingestion and catalogue endpoints of the real local host,
/// eight at a time: never a 5xx, every 400 a problem naming at least one field, every 202 a well-formed answer, and a
/// healthy host (with nothing poisoned) at the end.
/// </summary>
[Collection(FuzzCollection.Name)]
public sealed class IngestionFuzzTests(FuzzFixture fixture, ITestOutputHelper output)
{
    private const int Seed = 20260301;
    private const int Requests = 10_000;

    private sealed record FuzzRequest(int Number, string Kind, HttpMethod Method, string Url, byte[]? Body, string? ContentType);

    [Fact]
    public async Task Ten_thousand_malformed_or_borderline_requests_never_break_the_host()
    {
        var clock = Stopwatch.StartNew();
        var statuses = new ConcurrentDictionary<string, int>();
        var failures = new ConcurrentQueue<string>();
        var requests = Enumerable.Range(0, Requests).Select(i => Generator.Build(i, new Random(Seed + (i * 7919)))).ToArray();

        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (request, cancellationToken) =>
        {
            using var message = new HttpRequestMessage(request.Method, request.Url);
            if (request.Body is not null)
            {
                message.Content = new ByteArrayContent(request.Body);
                if (request.ContentType is not null)
                {
                    message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(request.ContentType);
                }
            }

            using var response = await fixture.Client.SendAsync(message, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            var status = (int)response.StatusCode;
            statuses.AddOrUpdate($"{request.Method} {status}", 1, (_, n) => n + 1);
            var problem = Check(request, response, status, text);
            if (problem is not null)
            {
                failures.Enqueue($"#{request.Number} ({request.Kind}) {request.Method} {request.Url} [{request.ContentType}] " +
                    $"body {Show(request.Body)} -> {status} {text}: {problem}");
            }
        });

        output.WriteLine($"{Requests} requests in {clock.Elapsed.TotalSeconds:F1} s: " +
            string.Join(", ", statuses.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} ×{kv.Value}")));
        Assert.True(failures.IsEmpty, $"{failures.Count} bad answers, such as:\n" + string.Join("\n", failures.Take(15)));

        // The generator reached every kind of answer, not just one.
        foreach (var expected in new[] { "POST 202", "POST 400", "POST 413", "POST 415", "PUT 200", "PUT 201", "PUT 400", "PUT 413" })
        {
            Assert.True(statuses.GetValueOrDefault(expected) > 0, $"No '{expected}' answer was seen.");
        }

        var health = await fixture.Client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        // Whatever was accepted is applied, or still waiting: nothing failed in processing.
        var drain = Stopwatch.StartNew();
        while (fixture.Queue.Count() > 0 && drain.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(100);
        }

        Assert.Empty(fixture.Queue.Poisoned().Select(p => p.Reason));
        output.WriteLine($"Queue left: {fixture.Queue.Count()} messages after {clock.Elapsed.TotalSeconds:F1} s.");
    }

    private static string? Check(FuzzRequest request, HttpResponseMessage response, int status, string text)
    {
        if (status >= 500)
        {
            return "server error";
        }

        var allowed = request.Method == HttpMethod.Post ? new[] { 202, 400, 413, 415 } : [200, 201, 400, 413];
        if (!allowed.Contains(status))
        {
            return "unexpected status";
        }

        JsonElement body;
        try
        {
            using var document = JsonDocument.Parse(text);
            body = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return "body is not JSON";
        }

        if (status is 400 or 413 or 415)
        {
            if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                return "not problem details";
            }

            if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("status", out var s) || s.GetInt32() != status ||
                !body.TryGetProperty("title", out var title) || string.IsNullOrEmpty(title.GetString()))
            {
                return "problem without status or title";
            }

            if (!body.TryGetProperty("errors", out var errors) || errors.ValueKind != JsonValueKind.Object || !errors.EnumerateObject().Any())
            {
                return "problem without errors";
            }

            foreach (var field in errors.EnumerateObject())
            {
                if (field.Name.Length == 0 || field.Name.EndsWith('.'))
                {
                    return $"errors['{field.Name}'] names no field";
                }

                if (field.Value.ValueKind != JsonValueKind.Array || field.Value.GetArrayLength() == 0 ||
                    field.Value.EnumerateArray().Any(m => m.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(m.GetString())))
                {
                    return $"errors['{field.Name}'] is not a list of messages";
                }
            }

            if (status == 400 && body.TryGetProperty("rejected", out var rejected) && CheckRejected(rejected) is { } bad)
            {
                return bad;
            }

            return null;
        }

        if (status == 202)
        {
            if (body.ValueKind != JsonValueKind.Object || !body.EnumerateObject().Select(p => p.Name).SequenceEqual(["batchId", "accepted", "rejected"]))
            {
                return "202 without exactly batchId, accepted, rejected";
            }

            if (!EventEndpointTests.BatchIdPattern().IsMatch(body.GetProperty("batchId").GetString() ?? ""))
            {
                return "batchId is not 32 hex digits";
            }

            var accepted = body.GetProperty("accepted");
            if (accepted.GetArrayLength() == 0 || accepted.EnumerateArray().Any(a =>
                    !a.EnumerateObject().Select(p => p.Name).SequenceEqual(["index", "eventId"]) || a.GetProperty("eventId").ValueKind != JsonValueKind.String))
            {
                return "accepted items are not {index, eventId}";
            }

            if (CheckRejected(body.GetProperty("rejected")) is { } bad)
            {
                return bad;
            }

            var indexes = accepted.EnumerateArray().Select(a => a.GetProperty("index").GetInt32())
                .Concat(body.GetProperty("rejected").EnumerateArray().Select(r => r.GetProperty("index").GetInt32())).ToArray();
            return indexes.Distinct().Count() != indexes.Length || indexes.Any(i => i is < 0 or >= 1000) ? "indexes repeat or are out of range" : null;
        }

        // 200 or 201 from a PUT: the stored record under the id of the path.
        return body.ValueKind == JsonValueKind.Object && body.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? null : "upsert answer without id";
    }

    private static string? CheckRejected(JsonElement rejected)
    {
        if (rejected.ValueKind != JsonValueKind.Array)
        {
            return "rejected is not an array";
        }

        foreach (var r in rejected.EnumerateArray())
        {
            if (!r.EnumerateObject().Select(p => p.Name).SequenceEqual(["index", "eventId", "errors"]) ||
                r.GetProperty("eventId").ValueKind is not (JsonValueKind.String or JsonValueKind.Null) ||
                r.GetProperty("errors").ValueKind != JsonValueKind.Object || !r.GetProperty("errors").EnumerateObject().Any())
            {
                return "rejected items are not {index, eventId, errors} with at least one error";
            }
        }

        return null;
    }

    private static string Show(byte[]? body)
    {
        if (body is null)
        {
            return "none";
        }

        var text = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 300));
        return $"{body.Length} B '{text}'";
    }

    /// <summary>Builds requests: valid bodies mutated, wrong types, borderline values, garbage.</summary>
    private static class Generator
    {
        private static readonly string[] Types = ["impression", "click", "watch", "like", "dislike", "share", "comment", "search"];
        private static readonly string[] EventFields = ["version", "eventId", "userId", "videoId", "type", "value", "device", "location", "timestamp"];
        private static readonly string[] VideoFields = ["title", "tags", "durationSeconds", "language", "allowedRegions", "uploadedAt", "creatorId", "likes", "views"];
        private static readonly string[] UserFields = ["age", "gender", "city", "country", "language", "timeZone", "occupation", "postalCode"];

        /// <summary>Raw JSON values of every type, including numbers no double holds and strings no UTF-16 holds.</summary>
        private static readonly string[] Values =
        [
            "null", "true", "false", "0", "-0", "1", "-1", "1.5", "2", "1e308", "-1e308", "1e309", "-1e309", "1e-400", "5e-324",
            "123456789012345678901234567890", "9223372036854775807", "9223372036854775808", "-9223372036854775809", "0.1e1", "1E2",
            "\"\"", "\" \"", "\"x\"", "\"1\"", "\"null\"", "\"\\u0000\"", "\"\\u0007bell\"", "\"tab\\there\"", "\"\\uD800\"", "\"\\uDFFF\\uD800\"",
            "\"\\uD83D\\uDE00\"", "\"😀🎬\"", "\"\\uFFFF\\uFFFE\"", "\"\u200B\u200D\"", "\"\u202Eevil\"", "\"e\u0301\"", "\"日本語\"", "\"a/b\"", "\" pad \"",
            "\"\\\\\"", "\"\\/\"", "\"2026-03-01T12:00:00Z\"", "\"2026-03-01T12:00:00\"", "\"9999-12-31T23:59:59-14:00\"", "\"0001-01-01T00:00:00+14:00\"",
            "\"watch\"", "\"search\"", "\"America/Chicago\"", "\"../../etc/passwd\"", "\"US\"", "\"en\"",
            "[]", "[1]", "[\"a\", null]", "[[[[1]]]]", "{}", "{\"lat\": 1, \"lon\": 2}", "{\"lat\": \"1\"}", "{\"a\": {\"b\": {\"c\": {}}}}",
        ];

        public static FuzzRequest Build(int number, Random random)
        {
            var roll = random.Next(100);
            if (roll < 70)
            {
                var (kind, body) = EventBody(random);
                return new FuzzRequest(number, kind, HttpMethod.Post, "/api/events", body, ContentType(random));
            }

            var video = roll < 85;
            var (bodyKind, payload) = CatalogueBody(random, video ? VideoFields : UserFields, video);
            var id = PathId(random);
            return new FuzzRequest(number, bodyKind, HttpMethod.Put, $"/api/{(video ? "videos" : "users")}/{Uri.EscapeDataString(id)}", payload,
                random.Next(10) == 0 ? null : "application/json");
        }

        private static string? ContentType(Random random) => random.Next(40) switch
        {
            0 => null,
            1 => "text/plain",
            2 => "application/json; charset=utf-16",
            3 => "application/vnd.videorec+json",
            4 => "application/xml",
            _ => "application/json",
        };

        private static string PathId(Random random) => random.Next(12) switch
        {
            0 => new string('i', 256),
            1 => new string('i', 257),
            2 => " lead",
            3 => "trail ",
            4 => "a/b",
            5 => "tab\tid",
            6 => "ünï😀",
            7 => "\u0001",
            8 => "a%2Fb",
            9 => "v0" + random.Next(3),
            _ => "fz-" + random.Next(50),
        };

        private static string Timestamp(Random random)
        {
            var now = DateTimeOffset.UtcNow;
            return random.Next(14) switch
            {
                0 => now.AddMinutes(4).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                1 => now.AddMinutes(5).AddSeconds(5).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                2 => "1999-12-31T23:59:59Z",
                3 => "2000-01-01T00:00:00Z",
                4 => now.ToOffset(TimeSpan.FromHours(14)).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffffzzz", CultureInfo.InvariantCulture),
                5 => now.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture),
                6 => "2026-02-30T10:00:00Z",
                7 => "2026-03-01T24:00:00Z",
                8 => now.AddDays(-random.Next(30)).ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture),
                9 => "2026-03-01T10:00:00+15:00",
                _ => now.AddMinutes(-random.Next(10_000)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            };
        }

        private static string Text(Random random) => random.Next(10) switch
        {
            0 => new string('q', 1000),
            1 => new string('q', 1001),
            2 => string.Concat(Enumerable.Repeat("😀", 500)),
            3 => "line\nbreak\ttab",
            4 => "",
            5 => "\u0000",
            _ => "query " + random.Next(100),
        };

        /// <summary>One event as a map of field to raw JSON, valid but for the borderline values the random choices make.</summary>
        private static Dictionary<string, string> Event(Random random, int index, string batch)
        {
            var type = Types[random.Next(Types.Length)];
            var e = new Dictionary<string, string>
            {
                ["eventId"] = Quote(random.Next(30) == 0 ? new string('e', 256 + random.Next(2)) : $"fz-{batch}-{index}"),
                ["userId"] = Quote("fu-" + random.Next(40)),
                ["type"] = Quote(type),
                ["timestamp"] = Quote(Timestamp(random)),
            };
            if (type != "search" || random.Next(20) == 0)
            {
                e["videoId"] = Quote(random.Next(4) == 0 ? $"v0{random.Next(1, 10)}" : "fz-" + random.Next(50));
            }

            switch (type)
            {
                case "watch":
                    e["value"] = random.Next(8) switch
                    {
                        0 => "86400",
                        1 => "86400.0001",
                        2 => "0",
                        3 => "-0.5",
                        _ => (random.NextDouble() * 600).ToString("R", CultureInfo.InvariantCulture),
                    };
                    break;
                case "impression" when random.Next(2) == 0:
                    e["value"] = random.Next(3) == 0 ? "3600.5" : random.Next(3600).ToString(CultureInfo.InvariantCulture);
                    break;
                case "search" or "comment":
                    e["value"] = Quote(Text(random));
                    break;
                default:
                    if (random.Next(20) == 0)
                    {
                        e["value"] = "1";
                    }

                    break;
            }

            if (random.Next(3) == 0)
            {
                e["device"] = Quote(random.Next(10) == 0 ? new string('d', 65) : "phone");
            }

            if (random.Next(3) == 0)
            {
                var lat = random.Next(10) == 0 ? "90.0000001" : (random.NextDouble() * 180 - 90).ToString("R", CultureInfo.InvariantCulture);
                var lon = random.Next(10) == 0 ? "-180.5" : (random.NextDouble() * 360 - 180).ToString("R", CultureInfo.InvariantCulture);
                e["location"] = $"{{\"lat\":{lat},\"lon\":{lon}}}";
            }

            if (random.Next(4) == 0)
            {
                e["version"] = random.Next(5) == 0 ? "2" : "1";
            }

            return e;
        }

        private static string Quote(string text) => JsonSerializer.Serialize(text);

        private static string Object(Dictionary<string, string> fields) => "{" + string.Join(",", fields.Select(kv => $"{Quote(kv.Key)}:{kv.Value}")) + "}";

        private static (string Kind, byte[] Body) EventBody(Random random)
        {
            var batch = random.Next(1_000_000).ToString(CultureInfo.InvariantCulture);
            var count = random.Next(200) == 0 ? 1000 + random.Next(2) : 1 + random.Next(5);
            var events = Enumerable.Range(0, count).Select(i => Event(random, i, batch)).ToList();
            var strategy = random.Next(12);
            switch (strategy)
            {
                case 0: // one field of one event replaced by a value of any type
                case 1:
                    {
                        var e = events[random.Next(events.Count)];
                        e[EventFields[random.Next(EventFields.Length)]] = Values[random.Next(Values.Length)];
                        return ("wrong type", Utf8(Batch(events)));
                    }

                case 2: // an unknown or oddly named field
                    {
                        var e = events[random.Next(events.Count)];
                        e[random.Next(4) switch { 0 => "", 1 => "EventId", 2 => "\u0001", _ => "x" + random.Next(9) }] = Values[random.Next(Values.Length)];
                        return ("unknown field", Utf8(Batch(events)));
                    }

                case 3: // random bytes flipped
                    {
                        var body = Utf8(Batch(events));
                        for (var flips = 1 + random.Next(4); flips > 0; flips--)
                        {
                            body[random.Next(body.Length)] = (byte)random.Next(256);
                        }

                        return ("byte flips", body);
                    }

                case 4: // truncated
                    {
                        var body = Utf8(Batch(events));
                        return ("truncated", body[..random.Next(body.Length)]);
                    }

                case 5: // deep nesting, as the body or inside a field
                    {
                        var depth = 1 + random.Next(random.Next(2) == 0 ? 12 : 300);
                        var nested = new string('[', depth) + new string(']', depth);
                        if (random.Next(2) == 0)
                        {
                            return ("deep body", Utf8(nested));
                        }

                        events[0]["location"] = nested;
                        return ("deep field", Utf8(Batch(events)));
                    }

                case 6: // invalid UTF-8 inside a string
                    {
                        var body = Utf8(Batch(events));
                        byte[][] sequences = [[0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0x80], [0xF5, 0x80, 0x80, 0x80], [0xF0, 0x9F, 0x98]];
                        var at = Math.Max(1, Array.IndexOf(body, (byte)'"') + 1);
                        return ("invalid utf-8", [.. body[..at], .. sequences[random.Next(sequences.Length)], .. body[at..]]);
                    }

                case 7: // special bodies
                    {
                        string[] specials = ["", " ", "null", "[]", "[null]", "{}", "[[]]", "[{}]", "\"x\"", "0", "[1,2,3]", "[{\"eventId\":null}]",
                            "[{\"\":1}]", "\uFEFF[{}]", "[{}]garbage", "[{},]", "[{\"eventId\":\"a\",\"eventId\":\"b\"}]", "[\"\\uD800\"]", "/* c */[]", "[1e999]"];
                        return ("special", Utf8(specials[random.Next(specials.Length)]));
                    }

                case 8: // random garbage
                    {
                        var garbage = new byte[random.Next(200)];
                        random.NextBytes(garbage);
                        return ("garbage", garbage);
                    }

                case 9: // an event id repeated
                    {
                        if (events.Count > 1)
                        {
                            events[^1]["eventId"] = events[0]["eventId"];
                        }

                        return ("repeated id", Utf8(Batch(events)));
                    }

                case 10: // too large
                    if (random.Next(10) == 0)
                    {
                        return ("too large", Utf8(Batch(events)[..^1] + new string(' ', 1 << 20) + "]"));
                    }

                    goto default;

                default: // borderline but plausible
                    return ("borderline", Utf8(Batch(events)));
            }
        }

        private static (string Kind, byte[] Body) CatalogueBody(Random random, string[] fields, bool video)
        {
            var valid = video
                ? new Dictionary<string, string>
                {
                    ["title"] = Quote("Fuzz " + random.Next(100)),
                    ["durationSeconds"] = random.Next(3) == 0 ? "30" : (random.NextDouble() * 1000).ToString("R", CultureInfo.InvariantCulture),
                    ["tags"] = "[\"a\",\"b\"]",
                }
                : new Dictionary<string, string> { ["age"] = random.Next(131).ToString(CultureInfo.InvariantCulture), ["timeZone"] = Quote("Europe/Paris") };
            switch (random.Next(7))
            {
                case 0:
                case 1:
                    valid[fields[random.Next(fields.Length)]] = Values[random.Next(Values.Length)];
                    return ("put wrong type", Utf8(Object(valid)));
                case 2:
                    {
                        var body = Utf8(Object(valid));
                        body[random.Next(body.Length)] = (byte)random.Next(256);
                        return ("put byte flip", body);
                    }

                case 3:
                    {
                        var body = Utf8(Object(valid));
                        return ("put truncated", body[..random.Next(body.Length)]);
                    }

                case 4:
                    {
                        string[] specials = ["", "null", "[]", "{}", "{\"\":1}", "{\"title\":\"\\uDC00\"}", "{\"tags\":[[[[[[[[[]]]]]]]]]}", "{\"timeZone\":\"/etc/passwd\"}"];
                        return ("put special", Utf8(specials[random.Next(specials.Length)]));
                    }

                case 5 when random.Next(5) == 0:
                    return ("put too large", Utf8(Object(valid)[..^1] + ",\"x\":\"" + new string('x', 70_000) + "\"}"));

                default:
                    return ("put valid", Utf8(Object(valid)));
            }
        }

        private static string Batch(List<Dictionary<string, string>> events) => "[" + string.Join(",", events.Select(Object)) + "]";

        private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
    }
}
