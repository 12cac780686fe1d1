using VideoRec.Core.Domain;
using VideoRec.Core.Ingestion;

namespace VideoRec.Azure.Tests.Support;

/// <summary>Seeded events of every type for the adapter tests.</summary>
public static class TestEvents
{
    public static readonly DateTimeOffset T0 = new(2025, 6, 2, 10, 0, 0, TimeSpan.Zero);

    /// <summary><paramref name="count"/> events over <paramref name="users"/> and <paramref name="videos"/>, at whole minutes within three days.</summary>
    public static List<IngestEvent> Random(int seed, int count, int users, int videos, string idPrefix = "e", int textLength = 12)
    {
        var random = new Random(seed);
        var types = Enum.GetValues<InteractionType>();
        var events = new List<IngestEvent>(count);
        for (var i = 0; i < count; i++)
        {
            var id = $"{idPrefix}{i:D5}-{random.Next(100_000):D5}";
            var user = $"u{random.Next(users)}";
            var video = $"v{random.Next(videos)}";
            var at = T0.AddMinutes(random.Next(3 * 24 * 60));
            var type = types[random.Next(types.Length)];
            var text = new string((char)('a' + random.Next(26)), textLength) + " " + i;
            events.Add(type switch
            {
                InteractionType.Watch => new IngestEvent(id, user, video, type, at) { Seconds = Math.Round(random.NextDouble() * 900, 3), Device = "tv" },
                InteractionType.Impression => new IngestEvent(id, user, video, type, at) { Seconds = random.Next(3) == 0 ? null : Math.Round(random.NextDouble() * 20, 2) },
                InteractionType.Comment => new IngestEvent(id, user, video, type, at) { Text = text, Location = new GeoLocation(48.8566, 2.3522) },
                InteractionType.Search => new IngestEvent(id, user, null, type, at) { Text = text },
                _ => new IngestEvent(id, user, video, type, at) { Device = "mobile" },
            });
        }

        return events;
    }

    /// <summary>Splits <paramref name="events"/> into batches of 1 to <paramref name="maxSize"/> events.</summary>
    public static List<EventBatch> Batches(int seed, IReadOnlyList<IngestEvent> events, int maxSize, string prefix = "b")
    {
        var random = new Random(seed);
        var batches = new List<EventBatch>();
        for (var start = 0; start < events.Count;)
        {
            var size = Math.Min(random.Next(1, maxSize + 1), events.Count - start);
            batches.Add(new EventBatch($"{prefix}{batches.Count}", T0.AddDays(4), events.Skip(start).Take(size).ToArray()));
            start += size;
        }

        return batches;
    }
}
