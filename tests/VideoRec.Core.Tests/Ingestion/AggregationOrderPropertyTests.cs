using System.Text.Json;
using VideoRec.Core.Domain;
using VideoRec.Core.Ingestion;

namespace VideoRec.Core.Tests.Ingestion;

/// <summary>
/// Property: folding the same set of events in any order, with redelivered duplicates filtered by event id and the
/// documents stored as JSON between batches (as the feature store does), gives byte-identical aggregates.
/// </summary>
public sealed class AggregationOrderPropertyTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly InteractionType[] Types = Enum.GetValues<InteractionType>();

    private static readonly Dictionary<string, double> Durations = new() { ["v0"] = 60, ["v1"] = 300, ["v2"] = 1.5 };

    /// <summary>300 events of 3 users over 6 videos within 20 days, with many equal timestamps.</summary>
    private static List<IngestEvent> Events(int seed)
    {
        var random = new Random(seed);
        var events = new List<IngestEvent>();
        for (var i = 0; i < 300; i++)
        {
            var type = Types[random.Next(Types.Length)];
            // Minutes on a coarse grid so that ties (broken by event id) are common; hours spread over 20 days.
            var at = T0.AddHours(random.Next(20 * 24)).AddMinutes(random.Next(4) * 15);
            events.Add(new IngestEvent($"e{random.Next(1_000_000):D6}-{i}", $"u{random.Next(3)}", type == InteractionType.Search ? null : $"v{random.Next(6)}", type, at)
            {
                Seconds = type switch
                {
                    InteractionType.Watch => Math.Round(random.NextDouble() * 400, random.Next(4)),
                    InteractionType.Impression when random.Next(2) == 0 => random.Next(60) + 0.0625,
                    _ => null,
                },
                Text = type is InteractionType.Search or InteractionType.Comment ? $"text {random.Next(10)}" : null,
            });
        }

        return events;
    }

    private sealed class Store(IngestionOptions options)
    {
        private readonly HashSet<string> _applied = new(StringComparer.Ordinal);

        public Dictionary<string, string> Users { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, string> Videos { get; } = new(StringComparer.Ordinal);

        /// <summary>Applies one delivered batch: new events only, documents read from and written back to JSON.</summary>
        public void Apply(IEnumerable<IngestEvent> batch)
        {
            var fresh = batch.Where(e => _applied.Add(e.EventId)).ToList();
            foreach (var group in fresh.GroupBy(e => e.UserId))
            {
                var a = Users.TryGetValue(group.Key, out var json) ? JsonSerializer.Deserialize<UserAggregates>(json, Json)! : new UserAggregates { UserId = group.Key };
                foreach (var e in group)
                {
                    a.Apply(e, options.RecentListLength);
                }

                Users[group.Key] = JsonSerializer.Serialize(a, Json);
            }

            foreach (var group in fresh.Where(e => e.VideoId is not null).GroupBy(e => e.VideoId!))
            {
                var s = Videos.TryGetValue(group.Key, out var json) ? JsonSerializer.Deserialize<VideoStatistics>(json, Json)! : new VideoStatistics { VideoId = group.Key };
                foreach (var e in group)
                {
                    s.Apply(e, Durations.TryGetValue(group.Key, out var d) ? d : null, options);
                }

                Videos[group.Key] = JsonSerializer.Serialize(s, Json);
            }
        }

        public string Snapshot() =>
            string.Join("\n", Users.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Value)) + "\n--\n" +
            string.Join("\n", Videos.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Value));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Any_order_with_duplicates_and_batching_gives_identical_json(int seed)
    {
        // Short recent lists and a short trending window, so that capacity and pruning are exercised.
        var options = new IngestionOptions { RecentListLength = 5, TrendingWindowHours = 72 };
        var events = Events(seed);

        var reference = new Store(options);
        reference.Apply(events.OrderBy(e => e.Timestamp).ThenBy(e => e.EventId, StringComparer.Ordinal));
        var expected = reference.Snapshot();

        // The reference itself is plausible: every event counted once, lists at capacity, old hours pruned.
        var users = reference.Users.Values.Select(j => JsonSerializer.Deserialize<UserAggregates>(j, Json)!).ToList();
        Assert.Equal(300, users.Sum(u => u.Counts.Values.Sum()));
        Assert.Contains(users, u => u.Watched.Count == 5);
        Assert.Equal(events.Where(e => e.Type == InteractionType.Watch).Sum(e => UserAggregates.Milliseconds(e.Seconds)), users.Sum(u => u.WatchMilliseconds));
        var videos = reference.Videos.Values.Select(j => JsonSerializer.Deserialize<VideoStatistics>(j, Json)!).ToList();
        Assert.All(videos, v => Assert.True(v.HourlyViews.Count == 0 || v.HourlyViews.Keys.Last() - v.HourlyViews.Keys.First() < 72));
        Assert.Contains(videos, v => v.Completions > 0);

        var random = new Random(seed * 7919);
        for (var order = 0; order < 20; order++)
        {
            // A shuffled delivery in random batches, where about a fifth of the events are delivered again later.
            var delivery = events.Concat(events.Where(_ => random.Next(5) == 0)).OrderBy(_ => random.Next()).ToList();
            var store = new Store(options);
            for (var start = 0; start < delivery.Count;)
            {
                var size = 1 + random.Next(40);
                store.Apply(delivery.Skip(start).Take(size));
                start += size;
            }

            Assert.Equal(expected, store.Snapshot());
        }
    }

    [Fact]
    public void Aggregates_survive_a_json_round_trip_unchanged()
    {
        var store = new Store(new IngestionOptions());
        store.Apply(Events(11));

        foreach (var json in store.Users.Values)
        {
            Assert.Equal(json, JsonSerializer.Serialize(JsonSerializer.Deserialize<UserAggregates>(json, Json), Json));
        }

        foreach (var json in store.Videos.Values)
        {
            Assert.Equal(json, JsonSerializer.Serialize(JsonSerializer.Deserialize<VideoStatistics>(json, Json), Json));
        }
    }
}
