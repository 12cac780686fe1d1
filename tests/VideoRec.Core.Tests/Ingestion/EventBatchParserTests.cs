using System.Text;
using System.Text.Json.Nodes;
using VideoRec.Core.Domain;
using VideoRec.Core.Ingestion;
using static VideoRec.Core.Tests.Ingestion.EventJson;

namespace VideoRec.Core.Tests.Ingestion;

/// <summary>The event contract of POST /api/events: every rule with its exact message and field key, at a fixed "now".</summary>
public sealed class EventBatchParserTests
{
    private const string FieldList = "version, eventId, userId, videoId, type, value, device, location, timestamp, requestId";

    // ---- accepted events ---------------------------------------------------------------------------------------

    [Fact]
    public void A_full_event_is_accepted_with_every_field_mapped()
    {
        var e = AcceptOne(Event("ev-1", "watch").With("value", 42.25).With("device", "tv").With("version", 1)
            .With("location", new JsonObject { ["lat"] = -33.5, ["lon"] = 151.25 }));

        Assert.Equal("ev-1", e.EventId);
        Assert.Equal("u1", e.UserId);
        Assert.Equal("v1", e.VideoId);
        Assert.Equal(InteractionType.Watch, e.Type);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 11, 59, 0, TimeSpan.Zero), e.Timestamp);
        Assert.Equal(TimeSpan.Zero, e.Timestamp.Offset);
        Assert.Equal(42.25, e.Seconds);
        Assert.Null(e.Text);
        Assert.Equal("tv", e.Device);
        Assert.Equal(new GeoLocation(-33.5, 151.25), e.Location);
        Assert.Equal(1, e.Version);
    }

    [Theory]
    [InlineData("impression", InteractionType.Impression)]
    [InlineData("click", InteractionType.Click)]
    [InlineData("watch", InteractionType.Watch)]
    [InlineData("like", InteractionType.Like)]
    [InlineData("dislike", InteractionType.Dislike)]
    [InlineData("share", InteractionType.Share)]
    [InlineData("comment", InteractionType.Comment)]
    [InlineData("search", InteractionType.Search)]
    public void Every_type_is_accepted_in_its_minimal_form(string type, InteractionType expected)
    {
        var e = AcceptOne(Event("e1", type));

        Assert.Equal(expected, e.Type);
        Assert.Equal(type == "search" ? null : "v1", e.VideoId);
        Assert.Equal(type switch { "watch" => 120.5, _ => null }, e.Seconds);
        Assert.Equal(type switch { "search" => "cat videos", "comment" => "Nice!", _ => null }, e.Text);
        Assert.Null(e.Device);
        Assert.Null(e.Location);
    }

    [Fact]
    public void Type_names_are_the_eight_of_the_contract()
    {
        Assert.Equal(["impression", "click", "watch", "like", "dislike", "share", "comment", "search"], EventBatchParser.TypeNames);
        Assert.Equal("impression", EventBatchParser.TypeName(InteractionType.Impression));
    }

    [Fact]
    public void Null_optional_fields_count_as_absent()
    {
        var e = AcceptOne(Event("e1", "like").With("value", null).With("device", null).With("location", null));

        Assert.Null(e.Seconds);
        Assert.Null(e.Device);
        Assert.Null(e.Location);
        Assert.Null(AcceptOne(Event("e1", "search").With("videoId", null)).VideoId);
    }

    [Fact]
    public void Impressions_take_an_optional_dwell_time_up_to_an_hour()
    {
        Assert.Null(AcceptOne(Event("e1", "impression")).Seconds);
        Assert.Equal(0, AcceptOne(Event("e1", "impression").With("value", 0)).Seconds);
        Assert.Equal(3600, AcceptOne(Event("e1", "impression").With("value", 3600)).Seconds);
        AssertRejected(Event("e1", "impression").With("value", 3600.5), "value", "value must be between 0 and 3600 seconds for an impression, found 3600.5.");
        AssertRejected(Event("e1", "impression").With("value", "2s"), "value", "value must be a number of seconds for an impression, found '2s'.");
    }

    [Fact]
    public void Watch_seconds_must_be_present_non_negative_and_at_most_a_day_when_the_duration_is_unknown()
    {
        Assert.Equal(0, AcceptOne(Event("e1", "watch").With("value", 0)).Seconds);
        Assert.Equal(86400, AcceptOne(Event("e1", "watch").With("value", 86400)).Seconds);
        AssertRejected(Event("e1", "watch").With("value", null, remove: true), "value", "value (watch seconds) is required for a watch.");
        AssertRejected(Event("e1", "watch").With("value", null), "value", "value (watch seconds) is required for a watch.");
        AssertRejected(Event("e1", "watch").With("value", -1), "value", "value must be between 0 and 86400 seconds for a watch, found -1.");
        AssertRejected(Event("e1", "watch").With("value", -0.001), "value", "value must be between 0 and 86400 seconds for a watch, found -0.001.");
        AssertRejected(Event("e1", "watch").With("value", 86400.5), "value", "value must be between 0 and 86400 seconds for a watch, found 86400.5.");
        AssertRejected(Event("e1", "watch").With("value", 1e300), "value", "value must be between 0 and 86400 seconds for a watch, found 1E+300.");
        AssertRejected(Event("e1", "watch").With("value", "120"), "value", "value must be a number of seconds for a watch, found '120'.");
        AssertRejected(Event("e1", "watch").With("value", true), "value", "value must be a number of seconds for a watch, found a boolean.");
        AssertRejected(Event("e1", "watch").With("value", new JsonArray()), "value", "value must be a number of seconds for a watch, found an array.");
    }

    [Fact]
    public void A_number_too_large_for_a_double_is_refused_not_taken_as_infinity()
    {
        var body = Encoding.UTF8.GetString(Body(Event("e1", "watch"))).Replace("120.5", "1e400", StringComparison.Ordinal);

        var rejection = Assert.Single(Parse(body).Rejected);

        Assert.Equal(["value must be a number of seconds for a watch, found 1e400."], rejection.Errors["value"]);
    }

    [Theory]
    [InlineData("like")]
    [InlineData("dislike")]
    [InlineData("click")]
    [InlineData("share")]
    public void Types_without_a_value_refuse_one(string type)
    {
        AssertRejected(Event("e1", type).With("value", 5), "value", $"value must be absent for a {type}.");
        AssertRejected(Event("e1", type).With("value", "x"), "value", $"value must be absent for a {type}.");
    }

    [Theory]
    [InlineData("search", "query")]
    [InlineData("comment", "comment")]
    public void Text_values_are_required_non_blank_at_most_1000_characters_and_without_control_characters(string type, string what)
    {
        Assert.Equal(new string('a', 1000), AcceptOne(Event("e1", type).With("value", new string('a', 1000))).Text);
        Assert.Equal("line one\n\tline two", AcceptOne(Event("e1", type).With("value", "line one\n\tline two")).Text);
        Assert.Equal("日本語 🎬", AcceptOne(Event("e1", type).With("value", "日本語 🎬")).Text);

        AssertRejected(Event("e1", type).With("value", new string('a', 1001)), "value", $"value (the {what}) must be at most 1,000 characters, found 1,001.");
        AssertRejected(Event("e1", type).With("value", null, remove: true), "value", $"value (the {what}) is required for a {type}.");
        AssertRejected(Event("e1", type).With("value", null), "value", $"value (the {what}) is required for a {type}.");
        AssertRejected(Event("e1", type).With("value", 3), "value", $"value (the {what}) must be a string, found a number.");
        AssertRejected(Event("e1", type).With("value", ""), "value", $"value (the {what}) must not be empty.");
        AssertRejected(Event("e1", type).With("value", "  \n"), "value", $"value (the {what}) must not be empty.");
        AssertRejected(Event("e1", type).With("value", "bell\u0007"), "value", $"value (the {what}) must not contain control characters.");
        AssertRejected(Event("e1", type).With("value", "nul\u0000"), "value", $"value (the {what}) must not contain control characters.");
        AssertRejected(Event("e1", type).With("value", "cr\r"), "value", $"value (the {what}) must not contain control characters.");
    }

    [Fact]
    public void A_search_has_no_video_and_every_other_type_needs_one()
    {
        AssertRejected(Event("e1", "search").With("videoId", "v1"), "videoId", "videoId must be absent for a search.");
        AssertRejected(Event("e1", "like", videoId: null), "videoId", "videoId is required.");
        AssertRejected(Event("e1", "watch").With("videoId", null), "videoId", "videoId is required.");
    }

    // ---- ids ---------------------------------------------------------------------------------------------------

    public static TheoryData<string, string, string> BadIds()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var field in new[] { "eventId", "userId", "videoId" })
        {
            data.Add(field, "", $"{field} is required.");
            data.Add(field, "   ", $"{field} is required.");
            data.Add(field, new string('x', 257), $"{field} must be at most 256 characters.");
            data.Add(field, "a\u0001b", $"{field} must not contain control characters.");
            data.Add(field, "a\tb", $"{field} must not contain control characters.");
            data.Add(field, "a\u007Fb", $"{field} must not contain control characters.");
            data.Add(field, "a/b", $"{field} must not contain '/'.");
            data.Add(field, " a", $"{field} must not start or end with whitespace.");
            data.Add(field, "a ", $"{field} must not start or end with whitespace.");
            data.Add(field, "\u00A0a", $"{field} must not start or end with whitespace.");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BadIds))]
    public void Ids_breaking_the_id_rule_are_refused_naming_the_field(string field, string id, string message)
    {
        var rejection = RejectOne(Event("ok-id", "like").With(field, id));

        Assert.Equal([field], rejection.Errors.Keys);
        Assert.Equal([message], rejection.Errors[field]);
        Assert.Equal(field == "eventId" ? null : "ok-id", rejection.EventId);
    }

    [Theory]
    [InlineData("eventId")]
    [InlineData("userId")]
    [InlineData("videoId")]
    public void Ids_at_the_limits_are_accepted(string field)
    {
        var e = AcceptOne(Event("e1", "like").With(field, new string('x', 256)));
        Assert.Equal(new string('x', 256), field switch { "eventId" => e.EventId, "userId" => e.UserId, _ => e.VideoId });
        Assert.Equal("a b:c.d_é😀", field switch
        {
            "eventId" => AcceptOne(Event("a b:c.d_é😀", "like")).EventId,
            "userId" => AcceptOne(Event("e1", "like", userId: "a b:c.d_é😀")).UserId,
            _ => AcceptOne(Event("e1", "like", videoId: "a b:c.d_é😀")).VideoId,
        });
    }

    [Theory]
    [InlineData("eventId")]
    [InlineData("userId")]
    [InlineData("videoId")]
    public void Ids_must_be_present_and_strings(string field)
    {
        AssertRejected(Event("e1", "like").With(field, null, remove: true), field, $"{field} is required.");
        AssertRejected(Event("e1", "like").With(field, null), field, $"{field} is required.");
        AssertRejected(Event("e1", "like").With(field, 17), field, $"{field} must be a string, found a number.");
        AssertRejected(Event("e1", "like").With(field, new JsonObject()), field, $"{field} must be a string, found an object.");
    }

    // ---- type, version, unknown fields -------------------------------------------------------------------------

    [Fact]
    public void The_type_must_be_one_of_the_contract_names_exactly()
    {
        const string Names = "impression, click, watch, like, dislike, share, comment, search";
        AssertRejected(Event("e1").With("type", "view"), "type", $"type must be one of {Names}, found 'view'.");
        AssertRejected(Event("e1").With("type", "Click"), "type", $"type must be one of {Names}, found 'Click'.");
        AssertRejected(Event("e1").With("type", " click"), "type", $"type must be one of {Names}, found ' click'.");
        AssertRejected(Event("e1").With("type", 2), "type", $"type must be one of {Names}, found 2.");
        AssertRejected(Event("e1").With("type", null), "type", "type is required.");
        AssertRejected(Event("e1").With("type", null, remove: true), "type", "type is required.");
    }

    [Fact]
    public void An_unknown_type_does_not_also_report_the_video_or_value()
    {
        var rejection = RejectOne(Event("e1", "watch").With("type", "stream").With("videoId", null, remove: true));

        Assert.Equal(["type"], rejection.Errors.Keys);
    }

    [Fact]
    public void RequestId_is_optional_validated_like_other_ids_and_written_back()
    {
        Assert.Null(AcceptOne(Event("e1")).RequestId);
        Assert.Null(AcceptOne(Event("e1").With("requestId", null)).RequestId);
        var e = AcceptOne(Event("e1", "click").With("requestId", "3f2a9c"));
        Assert.Equal("3f2a9c", e.RequestId);
        AssertRejected(Event("e1").With("requestId", "a/b"), "requestId", "requestId must not contain '/'.");
        AssertRejected(Event("e1").With("requestId", " r1"), "requestId", "requestId must not start or end with whitespace.");
        AssertRejected(Event("e1").With("requestId", ""), "requestId", "requestId is required.");
        AssertRejected(Event("e1").With("requestId", 7), "requestId", "requestId must be a string, found a number.");

        // The writer emits it, and the parser reads back the same event.
        var json = IngestEventJson.Write(e);
        Assert.Contains("\"requestId\":\"3f2a9c\"", json, StringComparison.Ordinal);
        Assert.Equal(e, AcceptOne(JsonNode.Parse(json)));
        Assert.DoesNotContain("requestId", IngestEventJson.Write(AcceptOne(Event("e1"))), StringComparison.Ordinal);
    }

    [Fact]
    public void Version_must_be_1_or_absent()
    {
        Assert.Equal(1, AcceptOne(Event("e1").With("version", 1)).Version);
        Assert.Equal(1, AcceptOne(Event("e1")).Version);
        foreach (var bad in new JsonNode?[] { 2, 0, "1", 1.5, null })
        {
            AssertRejected(Event("e1").With("version", bad), "version", "version must be 1 (the only contract version) or absent.");
        }
    }

    [Fact]
    public void Unknown_fields_are_refused_by_name()
    {
        AssertRejected(Event("e1").With("rating", 5), "rating", $"Unknown field 'rating'; the fields are {FieldList}.");
        AssertRejected(Event("e1").With("EventId", "x"), "EventId", $"Unknown field 'EventId'; the fields are {FieldList}.");
        AssertRejected(Event("e1").With("video_id", "v1"), "video_id", $"Unknown field 'video_id'; the fields are {FieldList}.");
        var longName = new string('n', 50);
        AssertRejected(Event("e1").With(longName, 1), longName, $"Unknown field '{new string('n', 40)}…'; the fields are {FieldList}.");
        AssertRejected(Event("e1").With("a\u0001", 1), "a\u0001", $"Unknown field 'a?'; the fields are {FieldList}.");
    }

    [Fact]
    public void A_field_without_a_name_is_keyed_by_its_event_or_location()
    {
        AssertRejected(Event("e1").With("", 1), "event", $"Unknown field ''; the fields are {FieldList}.");
        AssertRejected(Event("e1").With("location", new JsonObject { ["lat"] = 1, ["lon"] = 2, [""] = 3 }), "location",
            "Unknown field 'location.'; location has lat and lon.");
    }

    // ---- device and location -----------------------------------------------------------------------------------

    [Fact]
    public void Device_is_1_to_64_printable_characters()
    {
        Assert.Equal(new string('d', 64), AcceptOne(Event("e1").With("device", new string('d', 64))).Device);
        const string Prefix = "device must be a string of 1 to 64 printable characters, found ";
        AssertRejected(Event("e1").With("device", new string('d', 65)), "device", Prefix + $"'{new string('d', 40)}…'.");
        AssertRejected(Event("e1").With("device", ""), "device", Prefix + "''.");
        AssertRejected(Event("e1").With("device", "tv\n"), "device", Prefix + "'tv?'.");
        AssertRejected(Event("e1").With("device", 3), "device", Prefix + "3.");
        AssertRejected(Event("e1").With("device", false), "device", Prefix + "a boolean.");
    }

    [Theory]
    [InlineData(90, 180)]
    [InlineData(-90, -180)]
    [InlineData(0, 0)]
    public void Locations_on_the_limits_are_accepted(double lat, double lon)
    {
        Assert.Equal(new GeoLocation(lat, lon), AcceptOne(Event("e1").With("location", new JsonObject { ["lat"] = lat, ["lon"] = lon })).Location);
    }

    [Fact]
    public void Locations_outside_the_ranges_name_the_coordinate()
    {
        static JsonObject At(JsonNode? lat, JsonNode? lon) => Event("e1").With("location", new JsonObject { ["lat"] = lat, ["lon"] = lon });
        AssertRejected(At(90.0001, 0), "location.lat", "location.lat must be a number from -90 to 90, found 90.0001.");
        AssertRejected(At(-91, 0), "location.lat", "location.lat must be a number from -90 to 90, found -91.");
        AssertRejected(At(0, 180.5), "location.lon", "location.lon must be a number from -180 to 180, found 180.5.");
        AssertRejected(At(0, -181), "location.lon", "location.lon must be a number from -180 to 180, found -181.");
        AssertRejected(At("10", 0), "location.lat", "location.lat must be a number from -90 to 90, found '10'.");
        AssertRejected(At(0, null), "location.lon", "location.lon must be a number from -180 to 180, found null.");

        var both = RejectOne(At(100, 200));
        Assert.Equal(["location.lat", "location.lon"], both.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_location_must_be_an_object_of_exactly_lat_and_lon()
    {
        AssertRejected(Event("e1").With("location", new JsonObject { ["lat"] = 1 }), "location.lon", "location.lon must be a number from -180 to 180, found nothing.");
        AssertRejected(Event("e1").With("location", new JsonArray(1, 2)), "location", "location must be an object {\"lat\": …, \"lon\": …}, found an array.");
        AssertRejected(Event("e1").With("location", "48.8,2.3"), "location", "location must be an object {\"lat\": …, \"lon\": …}, found a string.");
        AssertRejected(Event("e1").With("location", new JsonObject { ["lat"] = 1, ["lon"] = 2, ["alt"] = 3 }), "location.alt",
            "Unknown field 'location.alt'; location has lat and lon.");
    }

    // ---- timestamps --------------------------------------------------------------------------------------------

    [Fact]
    public void Timestamps_with_an_offset_are_converted_to_utc()
    {
        var e = AcceptOne(Event("e1").With("timestamp", "2026-03-01T13:30:00+02:00"));
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 11, 30, 0, TimeSpan.Zero), e.Timestamp);
        Assert.Equal(TimeSpan.Zero, e.Timestamp.Offset);

        var west = AcceptOne(Event("e1").With("timestamp", "2026-03-01T06:15:30.5-05:30"));
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 11, 45, 30, 500, TimeSpan.Zero), west.Timestamp);
        Assert.Equal(TimeSpan.Zero, west.Timestamp.Offset);
    }

    [Fact]
    public void A_lower_case_z_is_utc_as_rfc_3339_allows()
    {
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 11, 0, 0, TimeSpan.Zero), AcceptOne(Event("e1").With("timestamp", "2026-03-01T11:00:00z")).Timestamp);
    }

    [Fact]
    public void Fractions_of_a_second_are_optional_and_kept_to_the_tick()
    {
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 11, 0, 0, TimeSpan.Zero).AddTicks(1234567),
            AcceptOne(Event("e1").With("timestamp", "2026-03-01T11:00:00.1234567Z")).Timestamp);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 11, 0, 0, 120, TimeSpan.Zero),
            AcceptOne(Event("e1").With("timestamp", "2026-03-01T11:00:00.12Z")).Timestamp);
    }

    [Theory]
    [InlineData("2026-03-01T11:00:00")]
    [InlineData("2026-03-01 11:00:00Z")]
    [InlineData("2026-03-01")]
    [InlineData("01/03/2026 11:00:00")]
    [InlineData("2026-03-01T11:00Z")]
    [InlineData("2026-13-01T11:00:00Z")]
    [InlineData("")]
    [InlineData("yesterday")]
    public void Timestamps_without_a_zone_or_not_iso_8601_are_refused(string timestamp)
    {
        AssertRejected(Event("e1").With("timestamp", timestamp), "timestamp",
            $"timestamp must be ISO 8601 with a time zone, such as 2026-11-29T14:00:00Z, found '{timestamp}'.");
    }

    [Fact]
    public void Timestamps_must_be_present_and_strings()
    {
        const string Required = "timestamp is required (ISO 8601 with a time zone, such as 2026-11-29T14:00:00Z).";
        AssertRejected(Event("e1").With("timestamp", null, remove: true), "timestamp", Required);
        AssertRejected(Event("e1").With("timestamp", null), "timestamp", Required);
        AssertRejected(Event("e1").With("timestamp", 1772366400), "timestamp",
            "timestamp must be ISO 8601 with a time zone, such as 2026-11-29T14:00:00Z, found 1772366400.");
    }

    [Fact]
    public void Exactly_five_minutes_in_the_future_is_accepted_and_one_second_more_is_not()
    {
        Assert.Equal(Now.AddMinutes(5), AcceptOne(Event("e1").With("timestamp", "2026-03-01T12:05:00Z")).Timestamp);
        Assert.Equal(Now.AddMinutes(5), AcceptOne(Event("e1").With("timestamp", "2026-03-01T14:05:00+02:00")).Timestamp);
        AssertRejected(Event("e1").With("timestamp", "2026-03-01T12:05:01Z"), "timestamp",
            "timestamp is more than 5 minutes in the future (2026-03-01T12:05:01.0000000+00:00 > 2026-03-01T12:00:00.0000000+00:00).");
        AssertRejected(Event("e1").With("timestamp", "2026-03-01T12:05:00.0000001Z"), "timestamp",
            "timestamp is more than 5 minutes in the future (2026-03-01T12:05:00.0000001+00:00 > 2026-03-01T12:00:00.0000000+00:00).");
        // The same instant written with an offset is judged in UTC.
        AssertRejected(Event("e1").With("timestamp", "2026-03-01T07:05:01-05:00"), "timestamp",
            "timestamp is more than 5 minutes in the future (2026-03-01T12:05:01.0000000+00:00 > 2026-03-01T12:00:00.0000000+00:00).");
    }

    [Fact]
    public void The_future_is_judged_against_the_given_now()
    {
        var e = Event("e1").With("timestamp", "2026-03-01T12:05:01Z");
        Assert.Single(Parse(Body(e), Now.AddSeconds(1)).Accepted);
        Assert.Single(Parse(Body(e), Now).Rejected);
    }

    [Fact]
    public void Timestamps_before_2000_are_refused()
    {
        Assert.Equal(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero), AcceptOne(Event("e1").With("timestamp", "2000-01-01T00:00:00Z")).Timestamp);
        AssertRejected(Event("e1").With("timestamp", "1999-12-31T23:59:59Z"), "timestamp",
            "timestamp must not be before 2000-01-01, found 1999-12-31T23:59:59.0000000+00:00.");
        AssertRejected(Event("e1").With("timestamp", "2000-01-01T00:30:00+01:00"), "timestamp",
            "timestamp must not be before 2000-01-01, found 1999-12-31T23:30:00.0000000+00:00.");
    }

    [Theory]
    [InlineData("9999-12-31T23:59:59-14:00")]
    [InlineData("0001-01-01T00:00:00+14:00")]
    public void Timestamps_whose_utc_time_does_not_exist_are_refused_not_thrown(string timestamp)
    {
        var rejection = RejectOne(Event("e1").With("timestamp", timestamp));
        Assert.Equal(["timestamp"], rejection.Errors.Keys);
    }

    // ---- several errors, several events ------------------------------------------------------------------------

    [Fact]
    public void Every_problem_of_an_event_is_named()
    {
        var rejection = RejectOne(new JsonObject
        {
            ["eventId"] = "e9",
            ["userId"] = "",
            ["type"] = "watch",
            ["value"] = -5,
            ["device"] = "",
            ["location"] = new JsonObject { ["lat"] = 91, ["lon"] = 0 },
            ["timestamp"] = "2026-03-01T11:00:00",
            ["extra"] = true,
        });

        Assert.Equal("e9", rejection.EventId);
        Assert.Equal(["device", "extra", "location.lat", "timestamp", "userId", "value", "videoId"], rejection.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.All(rejection.Errors.Values, messages => Assert.Single(messages));
    }

    [Fact]
    public void Events_that_are_not_objects_are_refused_by_index()
    {
        var parsed = Parse(Event("e1"), 5, null, "x", new JsonArray(), Event("e2"));

        Assert.Equal([0, 5], parsed.Accepted.Select(a => a.Index));
        Assert.Equal([1, 2, 3, 4], parsed.Rejected.Select(r => r.Index));
        Assert.All(parsed.Rejected, r => Assert.Equal(["event"], r.Errors.Keys));
        Assert.All(parsed.Rejected, r => Assert.Null(r.EventId));
        Assert.Equal(["Each event must be a JSON object, found a number."], parsed.Rejected[0].Errors["event"]);
        Assert.Equal(["Each event must be a JSON object, found null."], parsed.Rejected[1].Errors["event"]);
        Assert.Equal(["Each event must be a JSON object, found a string."], parsed.Rejected[2].Errors["event"]);
        Assert.Equal(["Each event must be a JSON object, found an array."], parsed.Rejected[3].Errors["event"]);
    }

    [Fact]
    public void Accepted_and_refused_events_keep_their_request_positions()
    {
        var parsed = Parse(Event("a"), Event("b").With("type", "nope"), Event("c", "watch"), Event("d").With("userId", "x/y"), Event("e", "search"));

        Assert.Null(parsed.Failure);
        Assert.Equal([(0, "a"), (2, "c"), (4, "e")], parsed.Accepted.Select(a => (a.Index, a.Event.EventId)));
        Assert.Equal([(1, "b"), (3, "d")], parsed.Rejected.Select(r => (r.Index, r.EventId)));
    }

    [Fact]
    public void A_repeated_event_id_within_a_request_is_refused_naming_the_first()
    {
        var parsed = Parse(Event("dup"), Event("other"), Event("dup", "like"), Event("dup", "share"));

        Assert.Equal([(0, "dup"), (1, "other")], parsed.Accepted.Select(a => (a.Index, a.Event.EventId)));
        Assert.Equal([2, 3], parsed.Rejected.Select(r => r.Index));
        Assert.All(parsed.Rejected, r =>
        {
            Assert.Equal("dup", r.EventId);
            Assert.Equal(["eventId"], r.Errors.Keys);
            Assert.Equal(["eventId 'dup' repeats event [0] of this request."], r.Errors["eventId"]);
        });
    }

    [Fact]
    public void Event_ids_are_compared_exactly()
    {
        var parsed = Parse(Event("Dup"), Event("dup"), Event("dup\u0301"));

        Assert.Equal(3, parsed.Accepted.Count);
    }

    [Fact]
    public void A_refused_first_occurrence_does_not_block_a_later_good_event_with_the_same_id()
    {
        var parsed = Parse(Event("dup").With("type", "bad"), Event("dup"));

        Assert.Equal([1], parsed.Accepted.Select(a => a.Index));
        Assert.Equal([0], parsed.Rejected.Select(r => r.Index));
    }

    // ---- request-level failures --------------------------------------------------------------------------------

    [Fact]
    public void A_body_of_exactly_one_mebibyte_is_read_and_one_byte_more_is_too_large()
    {
        var events = Encoding.UTF8.GetString(Body(Enumerable.Range(0, 1000).Select(i => (JsonNode?)Event($"e{i}")).ToArray()));
        var padded = events[..^1] + new string(' ', (1 << 20) - Encoding.UTF8.GetByteCount(events)) + "]";
        var exact = Encoding.UTF8.GetBytes(padded);
        Assert.Equal(1_048_576, exact.Length);

        var parsed = Parse(exact);
        Assert.Null(parsed.Failure);
        Assert.Equal(1000, parsed.Accepted.Count);

        var over = Encoding.UTF8.GetBytes(padded[..^1] + " ]");
        Assert.Equal(1_048_577, over.Length);
        AssertFailure(Parse(over), 413, "body", "The body is 1,048,577 bytes; the limit is 1,048,576.");
    }

    [Fact]
    public void The_size_limit_is_checked_before_anything_else()
    {
        var garbage = Enumerable.Repeat((byte)0xFF, (1 << 20) + 10).ToArray();
        AssertFailure(Parse(garbage), 413, "body", "The body is 1,048,586 bytes; the limit is 1,048,576.");
    }

    [Fact]
    public void One_thousand_events_are_accepted_and_1001_are_refused_as_a_request()
    {
        var thousand = Enumerable.Range(0, 1000).Select(i => (JsonNode?)Event($"e{i}")).ToArray();
        var parsed = Parse(thousand);
        Assert.Equal(1000, parsed.Accepted.Count);
        Assert.Equal(Enumerable.Range(0, 1000), parsed.Accepted.Select(a => a.Index));

        AssertFailure(Parse([.. thousand, Event("e1000")]), 400, "events", "At most 1,000 events per request, found 1,001.");
    }

    [Fact]
    public void An_empty_array_is_refused()
    {
        AssertFailure(Parse("[]"), 400, "events", "The array holds no events.");
        AssertFailure(Parse(" [ ] "), 400, "events", "The array holds no events.");
    }

    [Theory]
    [InlineData("{}", "an object")]
    [InlineData("{\"events\": []}", "an object")]
    [InlineData("\"[]\"", "a string")]
    [InlineData("42", "a number")]
    [InlineData("null", "null")]
    [InlineData("true", "a boolean")]
    public void A_body_that_is_not_an_array_is_refused(string body, string kind)
    {
        AssertFailure(Parse(body), 400, "body", $"The body must be a JSON array of events, found {kind}.");
    }

    [Theory]
    [InlineData("", "The body is not valid JSON: The input does not contain any JSON tokens. Expected the input to start with a valid JSON token, when isFinalBlock is true. (line 1, byte 1).")]
    [InlineData("[{\"eventId\": }]", "The body is not valid JSON: '}' is an invalid start of a value. (line 1, byte 14).")]
    [InlineData("[\n  {\"eventId\": \"e1\",}\n]", "The body is not valid JSON: The JSON object contains a trailing comma at the end which is not supported in this mode. Change the reader options. (line 2, byte 20).")]
    [InlineData("[{\"eventId\": \"e1\"}", "The body is not valid JSON: Expected depth to be zero at the end of the JSON payload. There is an open JSON object or array that should be closed. (line 1, byte 19).")]
    public void Malformed_json_is_refused_naming_the_line_and_byte(string body, string message)
    {
        AssertFailure(Parse(body), 400, "body", message);
    }

    [Fact]
    public void Nesting_deeper_than_eight_levels_is_refused_as_malformed()
    {
        var parsed = Parse("[{\"location\":" + new string('[', 8) + new string(']', 8) + "}]");

        Assert.Equal(400, parsed.Failure?.Status);
        Assert.Equal("body", parsed.Failure?.Field);
        Assert.StartsWith("The body is not valid JSON: The maximum configured depth of 8 has been exceeded.", parsed.Failure?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_utf8_is_refused_naming_the_offset_of_the_first_bad_byte()
    {
        var prefix = Encoding.UTF8.GetBytes("[{\"eventId\":\"é");
        byte[] body = [.. prefix, 0xC3, 0x28, .. Encoding.UTF8.GetBytes("\"}]")];

        AssertFailure(Parse(body), 400, "body", $"The body is not valid UTF-8 (first bad byte at offset {prefix.Length}).");
    }

    [Theory]
    [InlineData(new byte[] { 0x5B, 0xFF, 0x5D }, 1)]                    // a byte that never occurs in UTF-8
    [InlineData(new byte[] { 0x5B, 0x22, 0xC0, 0xAF, 0x22, 0x5D }, 2)]  // overlong encoding of '/'
    [InlineData(new byte[] { 0x5B, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x5D }, 2)]  // an encoded surrogate
    [InlineData(new byte[] { 0x5B, 0x22, 0xE2, 0x82 }, 2)]              // truncated at the end
    [InlineData(new byte[] { 0x80 }, 0)]                                // a lone continuation byte
    public void Invalid_utf8_sequences_of_every_kind_name_their_offset(byte[] body, int offset)
    {
        AssertFailure(Parse(body), 400, "body", $"The body is not valid UTF-8 (first bad byte at offset {offset}).");
    }

    [Theory]
    [InlineData("\\uD800")]
    [InlineData("\\uDC00")]
    [InlineData("a\\uD83Db")]
    public void Escaped_unpaired_surrogates_are_refused_as_malformed_not_thrown(string escape)
    {
        var body = $"[{{\"eventId\":\"e1\",\"userId\":\"u{escape}\",\"videoId\":\"v1\",\"type\":\"click\",\"timestamp\":\"2026-03-01T11:00:00Z\"}}]";

        AssertFailure(Parse(body), 400, "body", "The body is not valid JSON: a string escapes an unpaired UTF-16 surrogate (at byte offset 26).");
    }

    [Fact]
    public void Escaped_unpaired_surrogates_in_field_names_are_refused_too()
    {
        var parsed = Parse("[{\"\\uDFFF\": 1}]");

        AssertFailure(parsed, 400, "body", "The body is not valid JSON: a string escapes an unpaired UTF-16 surrogate (at byte offset 2).");
    }

    [Fact]
    public void Escaped_surrogate_pairs_and_other_escapes_are_fine()
    {
        var body = "[{\"eventId\":\"e\\u0031\",\"userId\":\"u\\uD83D\\uDE00\",\"videoId\":\"v\\/1\",\"type\":\"click\",\"timestamp\":\"2026-03-01T11:00:00Z\"}]";
        var parsed = Parse(body);

        // "\/" is an escaped slash: the decoded id contains '/', which the id rule refuses.
        var rejection = Assert.Single(parsed.Rejected);
        Assert.Equal("e1", rejection.EventId);
        Assert.Equal(["videoId must not contain '/'."], rejection.Errors["videoId"]);

        var good = Parse(body.Replace("v\\/1", "v1", StringComparison.Ordinal));
        Assert.Equal("u😀", Assert.Single(good.Accepted).Event.UserId);
    }

    // ---- watch time against known durations --------------------------------------------------------------------

    [Fact]
    public void A_watch_of_exactly_ten_times_the_duration_is_accepted_and_more_is_refused()
    {
        var parsed = Parse(
            Event("a", "watch", videoId: "short").With("value", 600),
            Event("b", "watch", videoId: "short").With("value", 600.001),
            Event("c", "like", videoId: "short"),
            Event("d", "watch", videoId: "unknown").With("value", 5000),
            Event("e", "watch", videoId: "zero").With("value", 5000),
            Event("f").With("type", "bogus"),
            Event("g", "watch", videoId: "short").With("value", 86400));
        Assert.Equal(["short", "unknown", "zero"], parsed.WatchedVideoIds.Order(StringComparer.Ordinal));

        parsed.CheckWatchDurations(new Dictionary<string, double> { ["short"] = 60, ["zero"] = 0, ["other"] = 1 }, Options);

        Assert.Equal(["a", "c", "d", "e"], parsed.Accepted.Select(a => a.Event.EventId));
        Assert.Equal([(1, "b"), (5, "f"), (6, "g")], parsed.Rejected.Select(r => (r.Index, r.EventId)));
        Assert.Equal(["value must be at most 10× the video's duration (60 s), found 600.001 s."], parsed.Rejected[0].Errors["value"]);
        Assert.Equal(["value"], parsed.Rejected[0].Errors.Keys);
        Assert.Equal(["value must be at most 10× the video's duration (60 s), found 86400 s."], parsed.Rejected[2].Errors["value"]);
        Assert.Equal(["a", "c", "d", "e"], parsed.Accepted.Select(a => a.Event.EventId));
    }

    [Fact]
    public void The_duration_ratio_follows_the_options()
    {
        var parsed = Parse(Event("a", "watch").With("value", 150.5));
        parsed.CheckWatchDurations(new Dictionary<string, double> { ["v1"] = 50 }, Options with { MaxWatchToDurationRatio = 3 });

        Assert.Empty(parsed.Accepted);
        Assert.Equal(["value must be at most 3× the video's duration (50 s), found 150.5 s."], Assert.Single(parsed.Rejected).Errors["value"]);
    }

    [Fact]
    public void Other_limits_follow_the_options()
    {
        var options = new IngestionOptions { MaxEventsPerRequest = 3, MaxBodyBytes = 1000, MaxTextLength = 3, MaxFutureSkew = TimeSpan.Zero, MaxDeviceLength = 2 };
        var parsed = EventBatchParser.Parse(Body(Event("a"), Event("b"), Event("c"), Event("d")), Now, options);
        Assert.Equal(new RequestFailure(400, "events", "At most 3 events per request, found 4."), parsed.Failure);

        parsed = EventBatchParser.Parse(Body(
            Event("a", "search").With("value", "abcd"),
            Event("b").With("timestamp", "2026-03-01T12:00:00.0000001Z"),
            Event("c").With("device", "abc")), Now, options);
        Assert.Equal(["value (the query) must be at most 3 characters, found 4."], parsed.Rejected[0].Errors["value"]);
        Assert.Equal(["timestamp is more than 0 minutes in the future (2026-03-01T12:00:00.0000001+00:00 > 2026-03-01T12:00:00.0000000+00:00)."],
            parsed.Rejected[1].Errors["timestamp"]);
        Assert.Equal(["device must be a string of 1 to 2 printable characters, found 'abc'."], parsed.Rejected[2].Errors["device"]);

        var big = Body(Event("a").With("device", new string('x', 1000)));
        Assert.Equal(new RequestFailure(413, "body", $"The body is {big.Length:N0} bytes; the limit is 1,000."), EventBatchParser.Parse(big, Now, options).Failure);
    }
}
