using VideoRec.Core.Domain;
using VideoRec.Core.Ingestion;
using VideoRec.Core.Online;

namespace VideoRec.Core.Tests.Online;

public sealed class AttributorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly AttributionOptions TwoHours = new() { Window = TimeSpan.FromHours(2) };

    // u1 saw v1, v2 at T0 (req-a) and v1, v3 an hour later (req-b); u2 saw v1 at T0 (req-c).
    private static readonly Impression[] Log =
    [
        Served("req-a", "u1", T0, "v1", "v2"),
        Served("req-b", "u1", T0.AddHours(1), "v1", "v3"),
        Served("req-c", "u2", T0, "v1"),
    ];

    private static Impression Served(string request, string user, DateTimeOffset at, params string[] videos) =>
        new(request, user, "m1", "control", at, videos.Select((v, i) => new ImpressionItem(v, i, 1, ["wals"])).ToArray());

    private static IngestEvent Click(string id, string user, string video, DateTimeOffset at, string? request = null) =>
        new(id, user, video, InteractionType.Click, at) { RequestId = request };

    private static AttributionResult Run(params IngestEvent[] events) => Attributor.Attribute(Log, events, TwoHours);

    private static string? JoinedTo(AttributionResult result, string eventId) =>
        result.Attributed.SingleOrDefault(a => a.Event.EventId == eventId)?.Impression.RequestId;

    [Fact]
    public void An_event_before_the_impression_is_not_credited_to_it()
    {
        var result = Run(Click("e1", "u1", "v3", T0.AddMinutes(30)));

        Assert.Empty(result.Attributed);
        Assert.Equal(UnattributedReason.NoImpression, Assert.Single(result.Unattributed).Reason);
    }

    [Fact]
    public void A_duplicated_event_id_counts_once()
    {
        var click = Click("e1", "u1", "v2", T0.AddMinutes(5));

        var result = Run(click, click, click with { Timestamp = T0.AddMinutes(6) });

        Assert.Equal("req-a", JoinedTo(result, "e1"));
        Assert.Single(result.Attributed);
        Assert.Equal([UnattributedReason.Duplicate, UnattributedReason.Duplicate], result.Unattributed.Select(u => u.Reason));
    }

    [Fact]
    public void The_window_is_inclusive_and_an_event_after_it_is_not_credited()
    {
        var result = Run(Click("in", "u1", "v2", T0.AddHours(2)), Click("out", "u1", "v2", T0.AddHours(2).AddTicks(1)));

        Assert.Equal("req-a", JoinedTo(result, "in"));
        Assert.Null(JoinedTo(result, "out"));
        Assert.Equal(UnattributedReason.NoImpression, Assert.Single(result.Unattributed).Reason);
    }

    [Fact]
    public void Without_a_request_id_the_latest_earlier_impression_wins()
    {
        var result = Run(Click("e1", "u1", "v1", T0.AddMinutes(90)), Click("e2", "u1", "v1", T0.AddMinutes(59)));

        Assert.Equal("req-b", JoinedTo(result, "e1"));
        Assert.Equal("req-a", JoinedTo(result, "e2"));
        Assert.All(result.Attributed, a => Assert.Equal(AttributionMatch.Window, a.Match));
    }

    [Fact]
    public void A_request_id_joins_its_impression_even_when_a_later_one_exists_and_outside_the_window()
    {
        var result = Run(Click("e1", "u1", "v1", T0.AddHours(5), request: "req-a"));

        var joined = Assert.Single(result.Attributed);
        Assert.Equal(("req-a", AttributionMatch.RequestId, 0), (joined.Impression.RequestId, joined.Match, joined.Item.Position));
    }

    [Fact]
    public void A_request_id_whose_list_lacks_the_video_falls_back_to_the_window()
    {
        var result = Run(Click("e1", "u1", "v3", T0.AddMinutes(70), request: "req-a"), Click("e2", "u1", "v9", T0.AddMinutes(70), request: "req-a"));

        Assert.Equal("req-b", JoinedTo(result, "e1"));
        Assert.Equal(AttributionMatch.Window, result.Attributed[0].Match);
        Assert.Null(JoinedTo(result, "e2"));
    }

    [Fact]
    public void A_request_id_of_another_user_is_not_trusted()
    {
        // u2 names u1's request: it is credited to u2's own impression of v1, not to u1's list.
        var result = Run(Click("e1", "u2", "v1", T0.AddMinutes(10), request: "req-a"), Click("e2", "u3", "v1", T0.AddMinutes(10), request: "req-a"));

        Assert.Equal("req-c", JoinedTo(result, "e1"));
        Assert.Equal(AttributionMatch.Window, result.Attributed[0].Match);
        Assert.Null(JoinedTo(result, "e2"));
    }

    [Fact]
    public void A_request_id_served_after_the_event_is_not_trusted()
    {
        var result = Run(Click("e1", "u1", "v1", T0.AddMinutes(30), request: "req-b"));

        Assert.Equal("req-a", JoinedTo(result, "e1"));
        Assert.Equal(AttributionMatch.Window, result.Attributed[0].Match);
    }

    [Fact]
    public void Impressions_served_at_the_same_instant_are_broken_by_request_id_whatever_the_input_order()
    {
        Impression[] tied = [Served("req-y", "u3", T0, "v5"), Served("req-x", "u3", T0, "v5")];
        IngestEvent[] click = [Click("e1", "u3", "v5", T0.AddMinutes(1))];

        Assert.Equal("req-x", Attributor.Attribute(tied, click, TwoHours).Attributed.Single().Impression.RequestId);
        Assert.Equal("req-x", Attributor.Attribute(tied.Reverse(), click, TwoHours).Attributed.Single().Impression.RequestId);
    }

    [Fact]
    public void Impressions_and_searches_from_clients_are_not_outcomes()
    {
        var result = Run(
            new IngestEvent("i1", "u1", "v1", InteractionType.Impression, T0.AddMinutes(1)),
            new IngestEvent("s1", "u1", null, InteractionType.Search, T0.AddMinutes(1)) { Text = "cats" });

        Assert.Empty(result.Attributed);
        Assert.All(result.Unattributed, u => Assert.Equal(UnattributedReason.NotAnOutcome, u.Reason));
    }

    [Fact]
    public void A_window_that_is_not_positive_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => Attributor.Attribute(Log, [], new AttributionOptions { Window = TimeSpan.Zero }));

        Assert.Contains("Window must be positive", error.Message, StringComparison.Ordinal);
    }
}
