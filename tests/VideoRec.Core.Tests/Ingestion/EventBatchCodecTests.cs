using System.Text;
using System.Text.Json;
using VideoRec.Core.Domain;
using VideoRec.Core.Ingestion;

namespace VideoRec.Core.Tests.Ingestion;

/// <summary>The queue payload of an event batch: round trip, strict reading, and splitting to a size limit.</summary>
public sealed class EventBatchCodecTests
{
    private static readonly DateTimeOffset T0 = new(2026, 2, 1, 8, 0, 0, TimeSpan.Zero);

    private static EventBatch Batch(int count, string batchId = "b1", Func<int, string>? text = null) => new(batchId, T0.AddSeconds(3),
        Enumerable.Range(0, count).Select(i => new IngestEvent($"e{i}", $"u{i % 3}", i % 4 == 3 ? null : $"v{i}", i % 4 == 3 ? InteractionType.Search : InteractionType.Watch, T0.AddMinutes(i))
        {
            Seconds = i % 4 == 3 ? null : i + 0.5,
            Text = i % 4 == 3 ? text?.Invoke(i) ?? $"query {i}" : null,
        }).ToArray());

    private static void AssertSameBatch(EventBatch expected, EventBatch actual)
    {
        Assert.Equal(expected.BatchId, actual.BatchId);
        Assert.Equal(expected.AcceptedAt, actual.AcceptedAt);
        Assert.Equal(expected.Events, actual.Events);
    }

    [Fact]
    public void Every_field_survives_a_round_trip()
    {
        var batch = new EventBatch("0123abcd", T0, [
            new IngestEvent("e1", "u1", "v1", InteractionType.Watch, T0.AddTicks(1234567)) { Seconds = 12.3456789, Device = "tv", Location = new GeoLocation(-33.86, 151.21) },
            new IngestEvent("e2", "u1", null, InteractionType.Search, T0) { Text = "ünïcödé \"quoted\" \n 😀" },
            new IngestEvent("e3", "u2", "v2", InteractionType.Impression, T0),
            new IngestEvent("e4", "u2", "v2", InteractionType.Comment, T0) { Text = "first!" },
        ]);

        var payload = EventBatchCodec.Serialize(batch);

        AssertSameBatch(batch, EventBatchCodec.Deserialize(payload));
    }

    [Fact]
    public void The_payload_is_camel_case_with_type_names_and_without_nulls()
    {
        var payload = EventBatchCodec.Serialize(new EventBatch("b", T0, [new IngestEvent("e1", "u1", "v1", InteractionType.Like, T0)]));

        Assert.Equal(
            "{\"batchId\":\"b\",\"acceptedAt\":\"2026-02-01T08:00:00+00:00\",\"events\":[{\"eventId\":\"e1\",\"userId\":\"u1\",\"videoId\":\"v1\",\"type\":\"like\",\"timestamp\":\"2026-02-01T08:00:00+00:00\",\"version\":1}]}",
            payload);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{\"batchId\":\"b\",\"acceptedAt\":\"2026-02-01T08:00:00+00:00\",\"events\":[],\"extra\":1}")]
    [InlineData("{\"batchId\":\"b\",\"acceptedAt\":\"2026-02-01T08:00:00+00:00\",\"events\":[{\"eventId\":\"e1\",\"userId\":\"u1\",\"type\":2,\"timestamp\":\"2026-02-01T08:00:00+00:00\"}]}")]
    [InlineData("{\"batchId\":\"b\",\"acceptedAt\":\"2026-02-01T08:00:00+00:00\",\"events\":[{\"eventId\":\"e1\",\"userId\":\"u1\",\"type\":\"view\",\"timestamp\":\"2026-02-01T08:00:00+00:00\"}]}")]
    public void Payloads_that_are_not_batches_are_format_errors(string payload)
    {
        var e = Assert.Throws<FormatException>(() => EventBatchCodec.Deserialize(payload));

        Assert.StartsWith("The queue message is not an event batch: ", e.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<JsonException>(e.InnerException);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("{}")]
    [InlineData("{\"batchId\":\"b\",\"acceptedAt\":\"2026-02-01T08:00:00+00:00\"}")]
    [InlineData("{\"batchId\":\"b\",\"acceptedAt\":\"2026-02-01T08:00:00+00:00\",\"events\":[null]}")]
    [InlineData("{\"batchId\":\"b\",\"acceptedAt\":\"2026-02-01T08:00:00+00:00\",\"events\":[{\"eventId\":\"e1\",\"type\":\"like\",\"timestamp\":\"2026-02-01T08:00:00+00:00\"}]}")]
    public void Batches_without_the_required_ids_are_format_errors(string payload)
    {
        var e = Assert.Throws<FormatException>(() => EventBatchCodec.Deserialize(payload));

        Assert.Equal("The queue message is not an event batch: batchId, events, eventId and userId are required.", e.Message);
    }

    [Fact]
    public void A_batch_that_fits_is_returned_whole_without_a_suffix()
    {
        var batch = Batch(10);
        // Split reserves 11 bytes for a part suffix and counts a comma after every event (one more than there are).
        var limit = Encoding.UTF8.GetByteCount(EventBatchCodec.Serialize(batch)) + 12;

        var part = Assert.Single(EventBatchCodec.Split(batch, limit));

        Assert.Same(batch, part);
        Assert.Equal(["b1-0", "b1-1"], EventBatchCodec.Split(batch, limit - 1).Select(p => p.BatchId));
    }

    [Theory]
    [InlineData(1000, 48 * 1024)]
    [InlineData(50, 2000)]
    [InlineData(7, 700)]
    [InlineData(200, 1500)]
    public void Split_parts_stay_within_the_limit_and_keep_every_event_in_order(int count, int limit)
    {
        var batch = Batch(count, "abc", i => new string('é', i % 97));

        var parts = EventBatchCodec.Split(batch, limit);

        Assert.True(parts.Count > 1);
        Assert.All(parts, p => Assert.True(Encoding.UTF8.GetByteCount(EventBatchCodec.Serialize(p)) <= limit, $"{p.BatchId} is over {limit} bytes."));
        Assert.All(parts, p => Assert.NotEmpty(p.Events));
        Assert.All(parts, p => Assert.Equal(batch.AcceptedAt, p.AcceptedAt));
        Assert.Equal(parts.Select((_, i) => $"abc-{i}"), parts.Select(p => p.BatchId));
        Assert.Equal(batch.Events, parts.SelectMany(p => p.Events));
        Assert.All(parts, p => AssertSameBatch(p, EventBatchCodec.Deserialize(EventBatchCodec.Serialize(p))));
    }

    [Fact]
    public void Split_fills_parts_greedily()
    {
        var batch = Batch(40);
        var limit = 1200;

        var parts = EventBatchCodec.Split(batch, limit);

        // Each part but the last could not have taken the next event too.
        for (var i = 0; i < parts.Count - 1; i++)
        {
            var bigger = parts[i] with { Events = [.. parts[i].Events, parts[i + 1].Events[0]] };
            Assert.True(Encoding.UTF8.GetByteCount(EventBatchCodec.Serialize(bigger)) > limit - 11 - 1,
                $"Part {i} stopped early.");
        }
    }

    [Fact]
    public void A_single_event_over_the_limit_throws_naming_it()
    {
        var batch = Batch(8, text: i => i == 7 ? new string('x', 5000) : "q");

        var e = Assert.Throws<ArgumentException>(() => EventBatchCodec.Split(batch, 2000));

        Assert.Equal("batch", e.ParamName);
        Assert.StartsWith("Event 'e7' alone is larger than 2000 bytes.", e.Message, StringComparison.Ordinal);
    }
}
