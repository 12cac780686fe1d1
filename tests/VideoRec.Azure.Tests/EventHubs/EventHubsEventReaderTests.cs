using System.Text;
using VideoRec.Azure.EventHubs;
using VideoRec.Core.Domain;
using VideoRec.Core.Ingestion;

namespace VideoRec.Azure.Tests.EventHubs;

/// <summary>The consuming side: what an Event Hubs trigger receives becomes the batch the queue path applies.</summary>
public sealed class EventHubsEventReaderTests
{
    private static readonly DateTimeOffset At = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Published_bodies_read_back_into_one_batch_in_order()
    {
        IngestEvent[] events =
        [
            new("e1", "alice", "v1", InteractionType.Watch, At) { Seconds = 12.5 },
            new("e2", "alice", null, InteractionType.Search, At) { Text = "space robots" },
        ];
        var bodies = events.Select(e => Encoding.UTF8.GetString(EventHubsEventPublisher.ToEventData(e).EventBody.ToArray())).ToList();

        var read = EventHubsEventReader.ToBatch(bodies, "p3-1200", At.AddSeconds(1));

        Assert.Equal("p3-1200", read.Batch.BatchId);
        Assert.Equal(At.AddSeconds(1), read.Batch.AcceptedAt);
        Assert.Equal(events, read.Batch.Events);
        Assert.Empty(read.Unreadable);
        // The batch is what the queue carries, so EventBatchProcessor applies it unchanged.
        Assert.Equal(read.Batch.Events, EventBatchCodec.Deserialize(EventBatchCodec.Serialize(read.Batch)).Events);
    }

    [Fact]
    public void Unreadable_bodies_are_set_aside_with_their_reason()
    {
        var good = Encoding.UTF8.GetString(EventHubsEventPublisher.ToEventData(new IngestEvent("e1", "alice", "v1", InteractionType.Like, At)).EventBody.ToArray());

        var read = EventHubsEventReader.ToBatch([good, "not json", "{\"videoId\":\"v1\"}", "{\"eventId\":\"e9\",\"userId\":\"u\",\"type\":\"watch\",\"timestamp\":\"2025-03-01T12:00:00Z\",\"extra\":1}"], "b", At);

        Assert.Equal(["e1"], read.Batch.Events.Select(e => e.EventId));
        Assert.Equal(3, read.Unreadable.Count);
        Assert.All(read.Unreadable, u => Assert.StartsWith("Not an interaction event", u.Reason, StringComparison.Ordinal));
        Assert.Contains("eventId and userId are required", read.Unreadable[1].Reason, StringComparison.Ordinal);
        Assert.Equal("not json", read.Unreadable[0].Body);
    }
}
