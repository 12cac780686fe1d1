using System.Text.Json;
using VideoRec.Core.Domain;
using VideoRec.Core.Serving;

namespace VideoRec.Core.Ingestion;

/// <summary>
/// Parses the bodies of <c>PUT /api/videos/{id}</c> and <c>PUT /api/users/{id}</c> into catalogue entries and profiles,
/// naming every bad field.
/// </summary>
public static class CatalogueParser
{
    private static readonly string[] VideoFields = ["title", "tags", "durationSeconds", "language", "allowedRegions", "uploadedAt", "creatorId", "likes", "views", "hidden", "misinformation", "duplicateGroup"];
    private static readonly string[] UserFields = ["age", "gender", "city", "country", "language", "timeZone", "occupation", "postalCode"];

    /// <summary>Longest video accepted, in seconds (a week).</summary>
    public const double MaxDurationSeconds = 7 * 24 * 3600;

    /// <summary>A video from <paramref name="body"/> with id <paramref name="videoId"/>.</summary>
    public static Outcome<Video> ParseVideo(string? videoId, ReadOnlySpan<byte> body) => Parse(videoId, "videoId", body, VideoFields, (id, reader) =>
    {
        var title = reader.Text("title", 500, required: true);
        var tags = reader.TextList("tags", 100, 100);
        var duration = reader.Number("durationSeconds", 0, MaxDurationSeconds, exclusiveMin: true);
        var language = reader.Text("language", 35, pattern: JsonFieldReader.Language(), patternHint: "a BCP 47 language tag such as en or pt-BR");
        var regions = reader.TextList("allowedRegions", 300, 2, JsonFieldReader.Country(), "a two-letter ISO 3166-1 country code in capitals, such as US");
        var uploaded = reader.Timestamp("uploadedAt");
        var creator = reader.Id("creatorId");
        var likes = reader.Integer("likes", 0, long.MaxValue);
        var views = reader.Integer("views", 0, long.MaxValue);
        var hidden = reader.Boolean("hidden");
        var misinformation = reader.Boolean("misinformation");
        var duplicateGroup = reader.Id("duplicateGroup");
        return title is null ? null : new Video(id, title)
        {
            Tags = tags ?? [],
            DurationSeconds = duration,
            Language = language,
            AllowedRegions = regions ?? [],
            UploadedAt = uploaded,
            CreatorId = creator,
            Likes = likes ?? 0,
            Views = views ?? 0,
            Hidden = hidden ?? false,
            Misinformation = misinformation ?? false,
            DuplicateGroup = duplicateGroup,
        };
    });

    /// <summary>A user profile from <paramref name="body"/> with id <paramref name="userId"/>.</summary>
    public static Outcome<UserProfile> ParseUser(string? userId, ReadOnlySpan<byte> body) => Parse(userId, "userId", body, UserFields, (id, reader) =>
    {
        var age = reader.Integer("age", 0, 130);
        var gender = reader.Text("gender", 32);
        var city = reader.Text("city", 100);
        var country = reader.Text("country", 2, pattern: JsonFieldReader.Country(), patternHint: "a two-letter ISO 3166-1 country code in capitals, such as US");
        var language = reader.Text("language", 35, pattern: JsonFieldReader.Language(), patternHint: "a BCP 47 language tag such as en or pt-BR");
        var timeZone = reader.Text("timeZone", 64);
        if (timeZone is not null && !TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out _))
        {
            reader.Errors["timeZone"] = [$"timeZone must be an IANA time zone such as America/Chicago, found '{JsonFieldReader.Excerpt(timeZone)}'."];
        }

        return new UserProfile(id)
        {
            Age = (int?)age,
            Gender = gender,
            City = city,
            Country = country,
            Language = language,
            TimeZone = timeZone,
            Occupation = reader.Text("occupation", 100),
            PostalCode = reader.Text("postalCode", 20),
        };
    });

    private static Outcome<T> Parse<T>(string? id, string idField, ReadOnlySpan<byte> body, string[] fields, Func<string, JsonFieldReader, T?> build)
        where T : class
    {
        var problem = EntityIds.Check(id);
        if (problem != IdProblem.None)
        {
            return Outcome<T>.Invalid(idField, EntityIds.Describe(problem, idField));
        }

        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            return Outcome<T>.Invalid("body", "The body is not valid UTF-8.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            return Outcome<T>.Invalid("body", $"The body is not valid JSON: {e.Message.Split(" LineNumber:", 2)[0]} (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}).");
        }

        using (document)
        {
            if (JsonFieldReader.FirstUnpairedSurrogate(body, 8) is var surrogate and >= 0)
            {
                return Outcome<T>.Invalid("body", $"The body is not valid JSON: a string escapes an unpaired UTF-16 surrogate (at byte offset {surrogate}).");
            }

            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return Outcome<T>.Invalid("body", $"The body must be a JSON object, found {JsonFieldReader.Kind(document.RootElement)}.");
            }

            var reader = new JsonFieldReader(document.RootElement, fields);
            reader.RejectUnknownFields();
            var value = build(id!, reader);
            return reader.Errors.Count > 0 || value is null ? Outcome<T>.Invalid(reader.Errors) : Outcome<T>.Ok(value);
        }
    }
}
