using VideoRec.Core.Domain;
using VideoRec.Core.Ingestion;

namespace VideoRec.Core.Online;

/// <summary>How an event was joined to its impression.</summary>
public enum AttributionMatch
{
    /// <summary>The event carried the impression's request id.</summary>
    RequestId,

    /// <summary>By user and video: the latest impression of the video to the user at or before the event, within the window.</summary>
    Window,
}

/// <summary>Why an event was not credited to any impression.</summary>
public enum UnattributedReason
{
    /// <summary>Its event id was seen before in the input: counted once.</summary>
    Duplicate,

    /// <summary>Not an outcome (impressions and searches are not responses to a served list), or no video.</summary>
    NotAnOutcome,

    /// <summary>No impression of the video to the user at or before the event within the window (and no usable request id).</summary>
    NoImpression,
}

/// <summary>An event credited to one item of one impression.</summary>
/// <param name="Event">The event.</param>
/// <param name="Impression">The impression.</param>
/// <param name="Item">The item of the impression showing the event's video.</param>
/// <param name="Match">How the join was made.</param>
public sealed record AttributedEvent(IngestEvent Event, Impression Impression, ImpressionItem Item, AttributionMatch Match);

/// <summary>An event that was not credited, and why.</summary>
/// <param name="Event">The event.</param>
/// <param name="Reason">Why.</param>
public sealed record UnattributedEvent(IngestEvent Event, UnattributedReason Reason);

/// <summary>The outcome of <see cref="Attributor.Attribute"/>.</summary>
/// <param name="Attributed">Credited events, in input order.</param>
/// <param name="Unattributed">Events not credited, in input order.</param>
public sealed record AttributionResult(IReadOnlyList<AttributedEvent> Attributed, IReadOnlyList<UnattributedEvent> Unattributed);

/// <summary>
/// Joins outcome events (click, watch, like, dislike, share, comment) to the served lists that caused them:
/// <list type="number">
/// <item>by request id: the event's <see cref="IngestEvent.RequestId"/> names a logged impression of the same user that
/// lists the event's video, and the event is not earlier than the impression (no window: the link is explicit);</item>
/// <item>otherwise by (user, video): the latest impression of that user listing the video served at or before the event
/// and at most <see cref="AttributionOptions.Window"/> before it; impressions served at the same instant are broken by
/// the smaller request id (ordinal), so the join never depends on input order.</item>
/// </list>
/// A request id that is unknown, belongs to another user, does not list the video or was served after the event is
/// not trusted, and the event falls back to rule 2 for its own user. An event id seen twice counts once (the first).
/// </summary>
public static class Attributor
{
    /// <summary>Attributes <paramref name="events"/> to <paramref name="impressions"/>.</summary>
    /// <param name="impressions">The impressions (any order); their request ids should be distinct (a repeat is ignored).</param>
    /// <param name="events">The events, any order.</param>
    /// <param name="options">The attribution window (validated).</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static AttributionResult Attribute(IEnumerable<Impression> impressions, IEnumerable<IngestEvent> events, AttributionOptions options)
    {
        ArgumentNullException.ThrowIfNull(impressions);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { Count: > 0 } errors)
        {
            throw new ArgumentException("Invalid attribution settings: " + string.Join(" ", errors), nameof(options));
        }

        var byRequest = new Dictionary<string, Impression>(StringComparer.Ordinal);
        // (user, video) → impressions listing it, sorted by (served time, request id).
        var byUserVideo = new Dictionary<(string User, string Video), List<(Impression Impression, ImpressionItem Item)>>();
        foreach (var impression in impressions)
        {
            if (!byRequest.TryAdd(impression.RequestId, impression))
            {
                continue;
            }

            foreach (var item in impression.Items)
            {
                var key = (impression.UserId, item.VideoId);
                if (!byUserVideo.TryGetValue(key, out var list))
                {
                    byUserVideo[key] = list = [];
                }

                list.Add((impression, item));
            }
        }

        foreach (var list in byUserVideo.Values)
        {
            list.Sort(static (a, b) =>
            {
                var byTime = a.Impression.ServedAt.CompareTo(b.Impression.ServedAt);
                return byTime != 0 ? byTime : string.CompareOrdinal(a.Impression.RequestId, b.Impression.RequestId);
            });
        }

        var attributed = new List<AttributedEvent>();
        var unattributed = new List<UnattributedEvent>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (!seen.Add(e.EventId))
            {
                unattributed.Add(new UnattributedEvent(e, UnattributedReason.Duplicate));
                continue;
            }

            if (e.VideoId is null || e.Type is InteractionType.Impression or InteractionType.Search)
            {
                unattributed.Add(new UnattributedEvent(e, UnattributedReason.NotAnOutcome));
                continue;
            }

            if (e.RequestId is not null && byRequest.TryGetValue(e.RequestId, out var named) && named.UserId == e.UserId &&
                named.ServedAt <= e.Timestamp && named.Items.FirstOrDefault(i => i.VideoId == e.VideoId) is { } namedItem)
            {
                attributed.Add(new AttributedEvent(e, named, namedItem, AttributionMatch.RequestId));
                continue;
            }

            if (Latest(byUserVideo, e, options.Window) is { } match)
            {
                attributed.Add(new AttributedEvent(e, match.Impression, match.Item, AttributionMatch.Window));
                continue;
            }

            unattributed.Add(new UnattributedEvent(e, UnattributedReason.NoImpression));
        }

        return new AttributionResult(attributed, unattributed);
    }

    private static (Impression Impression, ImpressionItem Item)? Latest(
        Dictionary<(string User, string Video), List<(Impression Impression, ImpressionItem Item)>> byUserVideo, IngestEvent e, TimeSpan window)
    {
        if (!byUserVideo.TryGetValue((e.UserId, e.VideoId!), out var list))
        {
            return null;
        }

        // The last impression served at or before the event; among equal times the first in (time, request id) order.
        for (var i = list.Count - 1; i >= 0; i--)
        {
            var served = list[i].Impression.ServedAt;
            if (served > e.Timestamp)
            {
                continue;
            }

            if (e.Timestamp - served > window)
            {
                return null;
            }

            var first = i;
            while (first > 0 && list[first - 1].Impression.ServedAt == served)
            {
                first--;
            }

            return list[first];
        }

        return null;
    }
}
