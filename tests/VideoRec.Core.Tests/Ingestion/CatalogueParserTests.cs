using System.Text;
using System.Text.Json.Nodes;
using VideoRec.Core.Domain;
using VideoRec.Core.Ingestion;
using VideoRec.Core.Serving;

namespace VideoRec.Core.Tests.Ingestion;

/// <summary>The bodies of PUT /api/videos/{id} and PUT /api/users/{id}: every field, every error, exact messages.</summary>
public sealed class CatalogueParserTests
{
    private const string VideoFieldList = "title, tags, durationSeconds, language, allowedRegions, uploadedAt, creatorId, likes, views, hidden, misinformation, duplicateGroup";
    private const string UserFieldList = "age, gender, city, country, language, timeZone, occupation, postalCode";

    private static Outcome<Video> Video(JsonNode body, string id = "v1") => CatalogueParser.ParseVideo(id, Encoding.UTF8.GetBytes(body.ToJsonString()));

    private static Outcome<UserProfile> User(JsonNode body, string id = "u1") => CatalogueParser.ParseUser(id, Encoding.UTF8.GetBytes(body.ToJsonString()));

    private static JsonObject Titled(string field, JsonNode? value) => new() { ["title"] = "T", [field] = value };

    private static void AssertErrors<T>(Outcome<T> outcome, params (string Field, string Message)[] expected)
    {
        Assert.False(outcome.IsSuccess);
        Assert.Null(outcome.Value);
        Assert.NotNull(outcome.Errors);
        Assert.Equal(expected.Select(e => e.Field).Order(StringComparer.Ordinal), outcome.Errors.Keys.Order(StringComparer.Ordinal));
        foreach (var (field, message) in expected)
        {
            Assert.Equal([message], outcome.Errors[field]);
        }
    }

    // ---- videos ------------------------------------------------------------------------------------------------

    [Fact]
    public void Integrity_flags_and_the_duplicate_group_are_read_and_default_to_none()
    {
        var flagged = Video(new JsonObject { ["title"] = "T", ["hidden"] = true, ["misinformation"] = true, ["duplicateGroup"] = "reupload-9" }).Value!;
        var plain = Video(new JsonObject { ["title"] = "T" }).Value!;

        Assert.True(flagged.Hidden);
        Assert.True(flagged.Misinformation);
        Assert.Equal("reupload-9", flagged.DuplicateGroup);
        Assert.False(plain.Hidden);
        Assert.False(plain.Misinformation);
        Assert.Null(plain.DuplicateGroup);
    }

    [Fact]
    public void Flags_must_be_booleans()
    {
        AssertErrors(Video(new JsonObject { ["title"] = "T", ["hidden"] = 1, ["misinformation"] = "yes" }),
            ("hidden", "hidden must be true or false, found 1."),
            ("misinformation", "misinformation must be true or false, found 'yes'."));
    }

    [Fact]
    public void A_full_video_is_read_field_by_field()
    {
        var outcome = Video(new JsonObject
        {
            ["title"] = "Cats at play",
            ["tags"] = new JsonArray("cats", " Funny ", "CATS", "pets"),
            ["durationSeconds"] = 212.5,
            ["language"] = "pt-BR",
            ["allowedRegions"] = new JsonArray("US", "BR"),
            ["uploadedAt"] = "2025-06-01T10:00:00+02:00",
            ["creatorId"] = "channel-7",
            ["likes"] = 12,
            ["views"] = 3400,
        }, "vid-1");

        Assert.True(outcome.IsSuccess);
        var video = outcome.Value!;
        Assert.Equal("vid-1", video.Id);
        Assert.Equal("Cats at play", video.Title);
        Assert.Equal(["cats", "Funny", "pets"], video.Tags);
        Assert.Equal(212.5, video.DurationSeconds);
        Assert.Equal("pt-BR", video.Language);
        Assert.Equal(["US", "BR"], video.AllowedRegions);
        Assert.Equal(new DateTimeOffset(2025, 6, 1, 8, 0, 0, TimeSpan.Zero), video.UploadedAt);
        Assert.Equal(TimeSpan.Zero, video.UploadedAt!.Value.Offset);
        Assert.Equal("channel-7", video.CreatorId);
        Assert.Equal(12, video.Likes);
        Assert.Equal(3400, video.Views);
    }

    [Fact]
    public void A_video_needs_only_a_title_and_nulls_count_as_absent()
    {
        var video = Video(new JsonObject { ["title"] = "T", ["tags"] = null, ["durationSeconds"] = null, ["likes"] = null }).Value!;

        Assert.Equal("T", video.Title);
        Assert.Empty(video.Tags);
        Assert.Null(video.DurationSeconds);
        Assert.Null(video.Language);
        Assert.Empty(video.AllowedRegions);
        Assert.Null(video.UploadedAt);
        Assert.Null(video.CreatorId);
        Assert.Equal(0, video.Likes);
        Assert.Equal(0, video.Views);
    }

    [Fact]
    public void The_title_is_required_and_1_to_500_printable_characters()
    {
        Assert.Equal(new string('t', 500), Video(new JsonObject { ["title"] = new string('t', 500) }).Value!.Title);
        AssertErrors(Video(new JsonObject()), ("title", "title is required."));
        AssertErrors(Video(new JsonObject { ["title"] = null }), ("title", "title is required."));
        AssertErrors(Video(new JsonObject { ["title"] = 5 }), ("title", "title must be a string, found a number."));
        AssertErrors(Video(new JsonObject { ["title"] = "" }), ("title", "title must be 1 to 500 printable characters, found ''."));
        AssertErrors(Video(new JsonObject { ["title"] = "  " }), ("title", "title must be 1 to 500 printable characters, found '  '."));
        AssertErrors(Video(new JsonObject { ["title"] = "a\nb" }), ("title", "title must be 1 to 500 printable characters, found 'a?b'."));
        AssertErrors(Video(new JsonObject { ["title"] = new string('t', 501) }), ("title", $"title must be 1 to 500 printable characters, found '{new string('t', 40)}…'."));
    }

    [Fact]
    public void Tags_are_an_array_of_at_most_100_strings_of_at_most_100_characters()
    {
        var hundred = new JsonArray(Enumerable.Range(0, 100).Select(i => (JsonNode?)$"t{i}").ToArray());
        Assert.Equal(100, Video(Titled("tags", hundred)).Value!.Tags.Count);
        Assert.Equal([new string('x', 100)], Video(Titled("tags", new JsonArray(new string('x', 100)))).Value!.Tags);

        var tooMany = new JsonArray(Enumerable.Range(0, 101).Select(i => (JsonNode?)$"t{i}").ToArray());
        AssertErrors(Video(Titled("tags", tooMany)), ("tags", "tags must be an array of at most 100 strings, found 101 items."));
        AssertErrors(Video(Titled("tags", "cats")), ("tags", "tags must be an array of at most 100 strings, found a string."));
        AssertErrors(Video(Titled("tags", new JsonArray("ok", 3, "", new string('x', 101), null, "a\u0000"))),
            ("tags[1]", "tags[1] must be 1 to 100 printable characters, found 3."),
            ("tags[2]", "tags[2] must be 1 to 100 printable characters, found ''."),
            ("tags[3]", $"tags[3] must be 1 to 100 printable characters, found '{new string('x', 40)}…'."),
            ("tags[4]", "tags[4] must be 1 to 100 printable characters, found null."),
            ("tags[5]", "tags[5] must be 1 to 100 printable characters, found 'a?'."));
    }

    [Fact]
    public void The_duration_is_above_zero_and_at_most_a_week()
    {
        Assert.Equal(604800, Video(Titled("durationSeconds", 604800)).Value!.DurationSeconds);
        Assert.Equal(0.001, Video(Titled("durationSeconds", 0.001)).Value!.DurationSeconds);
        AssertErrors(Video(Titled("durationSeconds", 0)), ("durationSeconds", "durationSeconds must be a number above 0 up to 604800, found 0."));
        AssertErrors(Video(Titled("durationSeconds", -3)), ("durationSeconds", "durationSeconds must be a number above 0 up to 604800, found -3."));
        AssertErrors(Video(Titled("durationSeconds", 604800.5)), ("durationSeconds", "durationSeconds must be a number above 0 up to 604800, found 604800.5."));
        AssertErrors(Video(Titled("durationSeconds", "60")), ("durationSeconds", "durationSeconds must be a number above 0 up to 604800, found '60'."));
        AssertErrors(Video(Titled("durationSeconds", true)), ("durationSeconds", "durationSeconds must be a number above 0 up to 604800, found a boolean."));
    }

    [Fact]
    public void Language_is_a_bcp_47_tag()
    {
        Assert.Equal("en", Video(Titled("language", "en")).Value!.Language);
        Assert.Equal("zh-Hant-TW", Video(Titled("language", "zh-Hant-TW")).Value!.Language);
        AssertErrors(Video(Titled("language", "english!")), ("language", "language must be a BCP 47 language tag such as en or pt-BR, found 'english!'."));
        AssertErrors(Video(Titled("language", "e")), ("language", "language must be a BCP 47 language tag such as en or pt-BR, found 'e'."));
        AssertErrors(Video(Titled("language", "en_US")), ("language", "language must be a BCP 47 language tag such as en or pt-BR, found 'en_US'."));
        AssertErrors(Video(Titled("language", new string('a', 36))), ("language", $"language must be 1 to 35 printable characters, found '{new string('a', 36)}'."));
    }

    [Fact]
    public void Allowed_regions_are_two_capital_letters_each()
    {
        AssertErrors(Video(Titled("allowedRegions", new JsonArray("US", "us", "USA", "U1"))),
            ("allowedRegions[1]", "allowedRegions[1] must be a two-letter ISO 3166-1 country code in capitals, such as US, found 'us'."),
            ("allowedRegions[2]", "allowedRegions[2] must be a two-letter ISO 3166-1 country code in capitals, such as US, found 'USA'."),
            ("allowedRegions[3]", "allowedRegions[3] must be a two-letter ISO 3166-1 country code in capitals, such as US, found 'U1'."));
        AssertErrors(Video(Titled("allowedRegions", new JsonObject())), ("allowedRegions", "allowedRegions must be an array of at most 300 strings, found an object."));
        Assert.Equal(["US", "FR"], Video(Titled("allowedRegions", new JsonArray("US", "FR", "US"))).Value!.AllowedRegions);
    }

    [Fact]
    public void Uploaded_at_is_iso_8601_with_a_zone()
    {
        Assert.Equal(new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero), Video(Titled("uploadedAt", "2024-01-02T03:04:05Z")).Value!.UploadedAt);
        AssertErrors(Video(Titled("uploadedAt", "2024-01-02T03:04:05")), ("uploadedAt", "uploadedAt must be ISO 8601 with a time zone, such as 2026-11-29T14:00:00Z, found '2024-01-02T03:04:05'."));
        AssertErrors(Video(Titled("uploadedAt", "2024-01-02")), ("uploadedAt", "uploadedAt must be ISO 8601 with a time zone, such as 2026-11-29T14:00:00Z, found '2024-01-02'."));
        AssertErrors(Video(Titled("uploadedAt", 1704164645)), ("uploadedAt", "uploadedAt must be ISO 8601 with a time zone, such as 2026-11-29T14:00:00Z, found 1704164645."));
    }

    [Fact]
    public void The_creator_follows_the_id_rule()
    {
        AssertErrors(Video(Titled("creatorId", "a/b")), ("creatorId", "creatorId must not contain '/'."));
        AssertErrors(Video(Titled("creatorId", " c")), ("creatorId", "creatorId must not start or end with whitespace."));
        AssertErrors(Video(Titled("creatorId", new string('c', 257))), ("creatorId", "creatorId must be at most 256 characters."));
        AssertErrors(Video(Titled("creatorId", "c\u0001")), ("creatorId", "creatorId must not contain control characters."));
        AssertErrors(Video(Titled("creatorId", 7)), ("creatorId", "creatorId must be a string, found a number."));
    }

    [Theory]
    [InlineData("likes")]
    [InlineData("views")]
    public void Counts_are_whole_non_negative_numbers(string field)
    {
        var max = Video(Titled(field, long.MaxValue)).Value!;
        Assert.Equal(long.MaxValue, field == "likes" ? max.Likes : max.Views);
        var video = Video(Titled(field, 9_007_199_254_740_993)).Value!;
        Assert.Equal(9_007_199_254_740_993, field == "likes" ? video.Likes : video.Views);
        var zero = Video(Titled(field, 0)).Value!;
        Assert.Equal(0, field == "likes" ? zero.Likes : zero.Views);
        var message = $"{field} must be a whole number from 0 to 9223372036854775807, found ";
        AssertErrors(Video(Titled(field, -1)), (field, message + "-1."));
        AssertErrors(Video(Titled(field, 1.5)), (field, message + "1.5."));
        AssertErrors(Video(Titled(field, "3")), (field, message + "'3'."));
        var huge = Encoding.UTF8.GetBytes($"{{\"title\":\"T\",\"{field}\":9223372036854775808}}");
        AssertErrors(CatalogueParser.ParseVideo("v1", huge), (field, message + "9223372036854775808."));
    }

    [Fact]
    public void Unknown_video_fields_are_refused_by_name_alongside_other_errors()
    {
        AssertErrors(Video(new JsonObject { ["title"] = "T", ["duration"] = 60, ["Title"] = "x" }),
            ("duration", $"Unknown field 'duration'; the fields are {VideoFieldList}."),
            ("Title", $"Unknown field 'Title'; the fields are {VideoFieldList}."));
        AssertErrors(Video(new JsonObject { ["id"] = "v1", ["likes"] = -1 }),
            ("id", $"Unknown field 'id'; the fields are {VideoFieldList}."),
            ("title", "title is required."),
            ("likes", "likes must be a whole number from 0 to 9223372036854775807, found -1."));
    }

    [Fact]
    public void A_field_without_a_name_is_keyed_by_the_body()
    {
        AssertErrors(Video(new JsonObject { ["title"] = "T", [""] = 1 }), ("body", $"Unknown field ''; the fields are {VideoFieldList}."));
        AssertErrors(User(new JsonObject { [""] = 1 }), ("body", $"Unknown field ''; the fields are {UserFieldList}."));
    }

    // ---- users -------------------------------------------------------------------------------------------------

    [Fact]
    public void A_full_profile_is_read_field_by_field()
    {
        var profile = User(new JsonObject
        {
            ["age"] = 34,
            ["gender"] = "F",
            ["city"] = "São Paulo",
            ["country"] = "BR",
            ["language"] = "pt-BR",
            ["timeZone"] = "America/Sao_Paulo",
            ["occupation"] = "engineer",
            ["postalCode"] = "01000-000",
        }, "user-9").Value!;

        Assert.Equal(new UserProfile("user-9")
        {
            Age = 34,
            Gender = "F",
            City = "São Paulo",
            Country = "BR",
            Language = "pt-BR",
            TimeZone = "America/Sao_Paulo",
            Occupation = "engineer",
            PostalCode = "01000-000",
        }, profile);
    }

    [Fact]
    public void Every_profile_field_is_optional()
    {
        Assert.Equal(new UserProfile("u1"), User(new JsonObject()).Value);
        Assert.Equal(new UserProfile("u1"), User(new JsonObject { ["age"] = null, ["timeZone"] = null }).Value);
    }

    [Fact]
    public void Age_is_a_whole_number_from_0_to_130()
    {
        Assert.Equal(0, User(new JsonObject { ["age"] = 0 }).Value!.Age);
        Assert.Equal(130, User(new JsonObject { ["age"] = 130 }).Value!.Age);
        AssertErrors(User(new JsonObject { ["age"] = 131 }), ("age", "age must be a whole number from 0 to 130, found 131."));
        AssertErrors(User(new JsonObject { ["age"] = -1 }), ("age", "age must be a whole number from 0 to 130, found -1."));
        AssertErrors(User(new JsonObject { ["age"] = 30.5 }), ("age", "age must be a whole number from 0 to 130, found 30.5."));
        AssertErrors(User(new JsonObject { ["age"] = "30" }), ("age", "age must be a whole number from 0 to 130, found '30'."));
    }

    [Theory]
    [InlineData("gender", 32)]
    [InlineData("city", 100)]
    [InlineData("occupation", 100)]
    [InlineData("postalCode", 20)]
    public void Free_text_profile_fields_have_length_limits(string field, int max)
    {
        Assert.True(User(new JsonObject { [field] = new string('a', max) }).IsSuccess);
        var tooLong = new string('a', max + 1);
        var shown = tooLong.Length > 40 ? tooLong[..40] + "…" : tooLong;
        AssertErrors(User(new JsonObject { [field] = tooLong }), (field, $"{field} must be 1 to {max} printable characters, found '{shown}'."));
        AssertErrors(User(new JsonObject { [field] = "" }), (field, $"{field} must be 1 to {max} printable characters, found ''."));
        AssertErrors(User(new JsonObject { [field] = 1 }), (field, $"{field} must be a string, found a number."));
    }

    [Fact]
    public void Country_and_language_follow_their_patterns()
    {
        AssertErrors(User(new JsonObject { ["country"] = "br" }), ("country", "country must be a two-letter ISO 3166-1 country code in capitals, such as US, found 'br'."));
        AssertErrors(User(new JsonObject { ["country"] = "BRA" }), ("country", "country must be 1 to 2 printable characters, found 'BRA'."));
        AssertErrors(User(new JsonObject { ["language"] = "12" }), ("language", "language must be a BCP 47 language tag such as en or pt-BR, found '12'."));
    }

    [Theory]
    [InlineData("America/Chicago")]
    [InlineData("Europe/Paris")]
    [InlineData("Asia/Kolkata")]
    [InlineData("UTC")]
    public void Iana_time_zones_are_accepted(string zone)
    {
        Assert.Equal(zone, User(new JsonObject { ["timeZone"] = zone }).Value!.TimeZone);
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("america/chicago_x")]
    [InlineData("../../etc/passwd")]
    [InlineData("/etc/localtime")]
    [InlineData("America/../America/Chicago")]
    [InlineData("Local")]
    [InlineData("+02:00")]
    public void Unknown_time_zones_are_refused(string zone)
    {
        AssertErrors(User(new JsonObject { ["timeZone"] = zone }), ("timeZone", $"timeZone must be an IANA time zone such as America/Chicago, found '{zone}'."));
    }

    [Fact]
    public void Time_zones_that_are_not_short_printable_strings_get_the_text_error_only()
    {
        AssertErrors(User(new JsonObject { ["timeZone"] = new string('z', 65) }), ("timeZone", $"timeZone must be 1 to 64 printable characters, found '{new string('z', 40)}…'."));
        AssertErrors(User(new JsonObject { ["timeZone"] = 5 }), ("timeZone", "timeZone must be a string, found a number."));
    }

    [Fact]
    public void Unknown_profile_fields_are_refused_by_name()
    {
        AssertErrors(User(new JsonObject { ["email"] = "a@b.c", ["age"] = 200 }),
            ("email", $"Unknown field 'email'; the fields are {UserFieldList}."),
            ("age", "age must be a whole number from 0 to 130, found 200."));
    }

    // ---- ids and bodies ----------------------------------------------------------------------------------------

    [Theory]
    [InlineData(null, "is required.")]
    [InlineData("", "is required.")]
    [InlineData(" v", "must not start or end with whitespace.")]
    [InlineData("v\u0000", "must not contain control characters.")]
    [InlineData("a/b", "must not contain '/'.")]
    public void The_path_id_follows_the_id_rule_before_the_body_is_read(string? id, string problem)
    {
        AssertErrors(CatalogueParser.ParseVideo(id, "not json"u8), ("videoId", "videoId " + problem));
        AssertErrors(CatalogueParser.ParseUser(id, "not json"u8), ("userId", "userId " + problem));
    }

    [Fact]
    public void Ids_of_256_characters_are_accepted_and_257_are_not()
    {
        Assert.True(CatalogueParser.ParseVideo(new string('v', 256), "{\"title\":\"T\"}"u8).IsSuccess);
        AssertErrors(CatalogueParser.ParseVideo(new string('v', 257), "{\"title\":\"T\"}"u8), ("videoId", "videoId must be at most 256 characters."));
        AssertErrors(CatalogueParser.ParseUser(new string('u', 257), "{}"u8), ("userId", "userId must be at most 256 characters."));
    }

    [Fact]
    public void Bodies_must_be_utf8_json_objects()
    {
        AssertErrors(CatalogueParser.ParseVideo("v1", [0x7B, 0xFF, 0x7D]), ("body", "The body is not valid UTF-8."));
        AssertErrors(CatalogueParser.ParseUser("u1", [0x7B, 0xFF, 0x7D]), ("body", "The body is not valid UTF-8."));
        AssertErrors(CatalogueParser.ParseVideo("v1", "[]"u8), ("body", "The body must be a JSON object, found an array."));
        AssertErrors(CatalogueParser.ParseUser("u1", "\"x\""u8), ("body", "The body must be a JSON object, found a string."));
        AssertErrors(CatalogueParser.ParseUser("u1", "null"u8), ("body", "The body must be a JSON object, found null."));
        AssertErrors(CatalogueParser.ParseVideo("v1", "{\"title\": }"u8), ("body", "The body is not valid JSON: '}' is an invalid start of a value. (line 1, byte 11)."));
        AssertErrors(CatalogueParser.ParseUser("u1", ""u8),
            ("body", "The body is not valid JSON: The input does not contain any JSON tokens. Expected the input to start with a valid JSON token, when isFinalBlock is true. (line 1, byte 1)."));
        AssertErrors(CatalogueParser.ParseUser("u1", "{\"city\":\"a\\uD800\"}"u8), ("body", "The body is not valid JSON: a string escapes an unpaired UTF-16 surrogate (at byte offset 8)."));
        AssertErrors(CatalogueParser.ParseVideo("v1", "{\"\\uDC00\":1}"u8), ("body", "The body is not valid JSON: a string escapes an unpaired UTF-16 surrogate (at byte offset 1)."));
    }

    [Fact]
    public void Nesting_deeper_than_eight_levels_is_malformed()
    {
        var body = Encoding.UTF8.GetBytes("{\"tags\":" + new string('[', 8) + new string(']', 8) + "}");
        var outcome = CatalogueParser.ParseVideo("v1", body);

        Assert.Equal(["body"], outcome.Errors!.Keys);
        Assert.StartsWith("The body is not valid JSON: The maximum configured depth of 8 has been exceeded.", outcome.Errors["body"][0], StringComparison.Ordinal);
    }
}
