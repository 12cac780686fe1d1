using System.Text;
using Azure.Messaging.EventHubs;
using VideoRec.Azure.EventHubs;
using VideoRec.Core.Domain;
using VideoRec.Core.Ingestion;

namespace VideoRec.Azure.Tests.EventHubs;

/// <summary>The Event Hubs producer without the service: batching under the size limit, the partition key, the body.</summary>
public sealed class EventHubsEventPublisherTests
{
    private static readonly DateTimeOffset At = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private sealed class RecordingSender : IEventHubSender
    {
        public List<(string PartitionKey, IReadOnlyList<EventData> Events)> Sent { get; } = [];

        public Func<string, Exception?> Fail { get; init; } = _ => null;

        public Task SendAsync(IReadOnlyList<EventData> events, string partitionKey, CancellationToken cancellationToken)
        {
            if (Fail(partitionKey) is { } error)
            {
                throw error;
            }

            lock (Sent)
            {
                Sent.Add((partitionKey, events));
            }

            return Task.CompletedTask;
        }
    }

    private static IngestEvent Watch(string id, string user, string video = "v1", string? text = null) =>
        new(id, user, video, InteractionType.Watch, At) { Seconds = 30, Text = text };

    [Fact]
    public void Body_is_the_queue_json_of_one_event_with_content_type_message_id_and_contract()
    {
        var data = EventHubsEventPublisher.ToEventData(Watch("e1", "alice") with { Device = "tv" });

        var body = Encoding.UTF8.GetString(data.EventBody.ToArray());
        Assert.Equal("{\"eventId\":\"e1\",\"userId\":\"alice\",\"videoId\":\"v1\",\"type\":\"watch\",\"timestamp\":\"2025-03-01T12:00:00+00:00\",\"version\":1,\"seconds\":30,\"device\":\"tv\"}", body);
        Assert.Equal(("application/json", "e1"), (data.ContentType, data.MessageId));
        Assert.Equal(1, data.Properties[EventHubsEventPublisher.ContractProperty]);
        Assert.Equal(Watch("e1", "alice") with { Device = "tv" }, EventBatchCodec.DeserializeEvent(data.EventBody.ToArray()));
    }

    [Fact]
    public async Task Events_are_grouped_by_user_as_partition_key_keeping_each_users_order()
    {
        var sender = new RecordingSender();
        var publisher = new EventHubsEventPublisher(sender);

        var result = await publisher.PublishAsync([Watch("e1", "alice"), Watch("e2", "bob"), Watch("e3", "alice"), Watch("e4", "carol"), Watch("e5", "alice")], CancellationToken.None);

        Assert.Equal(new PublishResult(5, 3), result);
        var byUser = sender.Sent.ToDictionary(s => s.PartitionKey, s => s.Events.Select(e => e.MessageId).ToArray());
        Assert.Equal(["e1", "e3", "e5"], byUser["alice"]);
        Assert.Equal(["e2"], byUser["bob"]);
        Assert.Equal(["e4"], byUser["carol"]);
    }

    [Fact]
    public void Batches_never_exceed_the_limit_and_fill_up_to_it()
    {
        // Each event: body + 160 bytes of overhead; 20 events of one user under a 4 KiB limit.
        var options = new EventHubsPublisherOptions { MaxBatchBytes = 4096 };
        var publisher = new EventHubsEventPublisher(new RecordingSender(), options);
        var events = Enumerable.Range(0, 20).Select(i => Watch($"e{i:D2}", "alice", text: new string('x', 200))).ToList();
        var size = publisher.EstimatedSize(EventHubsEventPublisher.ToEventData(events[0]));

        var plan = publisher.Plan(events);

        var perBatch = 4096 / size;
        Assert.Equal((int)Math.Ceiling(20.0 / perBatch), plan.Count);
        Assert.All(plan, b => Assert.True(b.Events.Sum(publisher.EstimatedSize) <= 4096));
        Assert.All(plan.SkipLast(1), b => Assert.Equal(perBatch, b.Events.Count));
        Assert.Equal(events.Select(e => e.EventId), plan.SelectMany(b => b.Events).Select(e => e.MessageId));
        Assert.All(plan, b => Assert.Equal("alice", b.PartitionKey));
    }

    [Fact]
    public void Estimated_size_is_the_body_plus_the_configured_overhead()
    {
        var publisher = new EventHubsEventPublisher(new RecordingSender(), new EventHubsPublisherOptions { PerEventOverheadBytes = 100 });
        var data = EventHubsEventPublisher.ToEventData(Watch("e1", "alice"));

        Assert.Equal(data.EventBody.ToArray().Length + 100, publisher.EstimatedSize(data));
    }

    [Fact]
    public async Task An_event_larger_than_a_batch_is_refused_before_anything_is_sent()
    {
        var sender = new RecordingSender();
        var publisher = new EventHubsEventPublisher(sender, new EventHubsPublisherOptions { MaxBatchBytes = 2048 });

        var error = await Assert.ThrowsAsync<ArgumentException>(() => publisher.PublishAsync([Watch("small", "alice"), Watch("huge", "bob", text: new string('x', 3000))], CancellationToken.None));

        Assert.Contains("Event 'huge' is", error.Message, StringComparison.Ordinal);
        Assert.Contains("a batch holds at most 2,048", error.Message, StringComparison.Ordinal);
        Assert.Empty(sender.Sent);
    }

    [Fact]
    public async Task A_failed_send_surfaces_to_the_caller()
    {
        var sender = new RecordingSender { Fail = key => key == "bob" ? new EventHubsException(true, "hub", "busy", EventHubsException.FailureReason.ServiceBusy) : null };
        var publisher = new EventHubsEventPublisher(sender);

        await Assert.ThrowsAsync<EventHubsException>(() => publisher.PublishAsync([Watch("e1", "alice"), Watch("e2", "bob")], CancellationToken.None));
    }

    [Theory]
    [InlineData(1023, 160, 4)]
    [InlineData(1_048_577, 160, 4)]
    [InlineData(4096, -1, 4)]
    [InlineData(4096, 160, 0)]
    public void Options_out_of_range_are_refused(int maxBatchBytes, int overhead, int concurrency)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new EventHubsEventPublisher(new RecordingSender(),
            new EventHubsPublisherOptions { MaxBatchBytes = maxBatchBytes, PerEventOverheadBytes = overhead, MaxConcurrentSends = concurrency }));
    }

    [Theory]
    [InlineData("https://ns.servicebus.windows.net", "hub")]
    [InlineData("", "hub")]
    [InlineData("ns.servicebus.windows.net", " ")]
    public void The_producer_needs_a_namespace_host_and_a_hub(string fullyQualifiedNamespace, string hub)
    {
        Assert.Throws<ArgumentException>(() => EventHubProducerSender.Create(fullyQualifiedNamespace, hub, new Bundles.StaticTokenCredential()));
    }

    [Fact]
    public async Task The_producer_is_created_without_connecting()
    {
        await using var sender = EventHubProducerSender.Create("ns.servicebus.windows.net", "interactions", new Bundles.StaticTokenCredential());

        Assert.NotNull(sender);
    }
}
