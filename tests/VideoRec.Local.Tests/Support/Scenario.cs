using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using VideoRec.Core.Bundles;
using VideoRec.Core.Domain;
using VideoRec.Core.Ingestion;
using VideoRec.Core.Models.Wals;
using VideoRec.Core.Serving;
using VideoRec.Local.Sqlite;

namespace VideoRec.Local.Tests.Support;

/// <summary>
/// A seeded, realistic ingestion scenario shared by the reliability tests (built once per test run): 200 users with
/// profiles, 300 videos (most with durations), 20,000 events of every type over 10 days (users with tastes, skewed
/// activity, some timestamps shared so ties break by event id), a few users who deleted their data half way, and a
/// small WALS bundle trained on an earlier history of the same users and videos (the last 20 videos unknown to it).
/// </summary>
public sealed class Scenario
{
    public const int UserCount = 200;
    public const int VideoCount = 300;
    public const int EventCount = 20_000;

    /// <summary>Events happen in [Start, Start + 10 days).</summary>
    public static readonly DateTimeOffset Start = new(2025, 3, 3, 0, 0, 0, TimeSpan.Zero);

    private static readonly Lazy<Scenario> Shared = new(() => new Scenario(20250303), LazyThreadSafetyMode.ExecutionAndPublication);

    private static readonly string[] Devices = ["mobile", "tv", "web", "tablet"];
    private static readonly string[] Words = ["jazz", "cats", "news", "football", "cooking", "piano", "travel", "chess", "physics", "yoga"];

    private Scenario(int seed)
    {
        var random = new Random(seed);
        Videos = Enumerable.Range(0, VideoCount).Select(v => new Video(VideoId(v), $"Video {v}")
        {
            DurationSeconds = v % 10 == 9 ? null : Math.Round(30 + random.NextDouble() * 3000, 1),
            Tags = ["cluster-" + Cluster(v)],
        }).ToArray();
        Users = Enumerable.Range(0, UserCount).Select(u => new UserProfile(UserId(u))
        {
            Age = 18 + random.Next(60),
            Country = random.Next(2) == 0 ? "FR" : "JP",
        }).ToArray();
        var tastes = Enumerable.Range(0, UserCount).Select(_ => random.Next(6)).ToArray();
        Events = GenerateEvents(random, tastes);
        Deletions = [(UserId(3), Start.AddDays(5)), (UserId(17), Start.AddDays(5)), (UserId(58), Start.AddDays(2.5)), (UserId(120), Start.AddDays(7)), (UserId(199), Start.AddDays(5))];
        JsonLines = string.Join('\n', Events.Select(ToJson)) + '\n';
        ModelRoot = Path.Combine(Path.GetTempPath(), "vrec-local-tests-model-" + Guid.NewGuid().ToString("N"));
        Train(random, tastes).Save(ModelRoot);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(ModelRoot, recursive: true);
            }
            catch (IOException)
            {
            }
        };
    }

    public static Scenario Instance => Shared.Value;

    public IReadOnlyList<Video> Videos { get; }

    public IReadOnlyList<UserProfile> Users { get; }

    /// <summary>The events in time order (then event id): the in-order delivery.</summary>
    public IReadOnlyList<IngestEvent> Events { get; }

    /// <summary>Users who deleted their data, and when (applied before any event is processed).</summary>
    public IReadOnlyList<(string UserId, DateTimeOffset At)> Deletions { get; }

    /// <summary>The events as JSON Lines, in time order, as a client would send them.</summary>
    public string JsonLines { get; }

    /// <summary>The model folder (with CURRENT) of the trained bundle.</summary>
    public string ModelRoot { get; }

    public static string UserId(int u) => $"u{u:D3}";

    public static string VideoId(int v) => $"v{v:D3}";

    /// <summary>Puts the catalogue and profiles into a fresh store and records the deletions.</summary>
    public async Task PrepareAsync(IFeatureStore store)
    {
        foreach (var video in Videos)
        {
            await store.UpsertVideoAsync(video, CancellationToken.None);
        }

        foreach (var user in Users)
        {
            await store.UpsertUserAsync(user, CancellationToken.None);
        }

        foreach (var (user, at) in Deletions)
        {
            Assert.True(await store.DeleteUserAsync(user, at, CancellationToken.None));
        }
    }

    /// <summary>Creates <paramref name="path"/> and prepares it as <see cref="PrepareAsync"/> does.</summary>
    public async Task PrepareAsync(string path) => await PrepareAsync(new SqliteFeatureStore(new SqliteDatabase(path)));

    /// <summary>Rules with the default options and fold-in against the scenario's bundle, loaded as the CLI loads it.</summary>
    public IngestionRules Rules() => new(new IngestionOptions(), new WalsFoldInRefresher(new FixedModelBundleProvider(ModelBundle.Load(ModelRoot))));

    private static int Cluster(int video) => video % 6;

    private IngestEvent[] GenerateEvents(Random random, int[] tastes)
    {
        // Activity: user u weighs 1 / (u % 50 + 3), so some users have hundreds of events and others a few dozen.
        var weights = Enumerable.Range(0, UserCount).Select(u => 1.0 / (u % 50 + 3)).ToArray();
        var cumulative = new double[UserCount];
        var sum = 0.0;
        for (var u = 0; u < UserCount; u++)
        {
            sum += weights[u];
            cumulative[u] = sum;
        }

        var types = new (InteractionType Type, int Weight)[]
        {
            (InteractionType.Impression, 40), (InteractionType.Click, 12), (InteractionType.Watch, 24), (InteractionType.Like, 6),
            (InteractionType.Dislike, 2), (InteractionType.Share, 3), (InteractionType.Comment, 4), (InteractionType.Search, 9),
        };
        var totalWeight = types.Sum(t => t.Weight);
        var spanMs = (long)TimeSpan.FromDays(10).TotalMilliseconds;
        var events = new IngestEvent[EventCount];
        for (var i = 0; i < EventCount; i++)
        {
            var pick = random.NextDouble() * sum;
            var u = Math.Min(UserCount - 1, Array.FindIndex(cumulative, c => c >= pick));
            var video = random.Next(10) < 7 ? Cluster(tastes[u]) + 6 * random.Next(VideoCount / 6) : random.Next(VideoCount);
            var roll = random.Next(totalWeight);
            var type = types.First(t => (roll -= t.Weight) < 0).Type;
            var offset = random.NextInt64(spanMs);
            if (random.Next(5) == 0)
            {
                offset -= offset % 60_000; // whole minutes: some events share a timestamp
            }

            var at = Start.AddMilliseconds(offset);
            var id = $"ev-{random.Next(0x10000):x4}-{i:D5}";
            var e = new IngestEvent(id, UserId(u), type == InteractionType.Search ? null : VideoId(video), type, at)
            {
                Device = random.Next(10) < 7 ? Devices[random.Next(Devices.Length)] : null,
                Location = random.Next(5) == 0 ? new GeoLocation(Math.Round(random.NextDouble() * 120 - 60, 4), Math.Round(random.NextDouble() * 360 - 180, 4)) : null,
            };
            var duration = Videos[video].DurationSeconds;
            events[i] = type switch
            {
                InteractionType.Watch => e with { Seconds = Math.Round((duration ?? 1800) * (0.05 + random.NextDouble() * 1.25), 3) },
                InteractionType.Impression => e with { Seconds = random.Next(2) == 0 ? null : Math.Round(0.5 + random.NextDouble() * 30, 2) },
                InteractionType.Search => e with { Text = Words[random.Next(Words.Length)] + " " + Words[random.Next(Words.Length)] },
                InteractionType.Comment => e with { Text = $"Comment {i} on {VideoId(video)}" },
                _ => e,
            };
        }

        return events.OrderBy(e => e.Timestamp).ThenBy(e => e.EventId, StringComparer.Ordinal).ToArray();
    }

    private static string ToJson(IngestEvent e)
    {
        var json = new JsonObject
        {
            ["version"] = 1,
            ["eventId"] = e.EventId,
            ["userId"] = e.UserId,
        };
        if (e.VideoId is not null)
        {
            json["videoId"] = e.VideoId;
        }

        json["type"] = EventBatchParser.TypeName(e.Type);
        if (e.Seconds is { } seconds)
        {
            json["value"] = seconds;
        }
        else if (e.Text is { } text)
        {
            json["value"] = text;
        }

        if (e.Device is not null)
        {
            json["device"] = e.Device;
        }

        if (e.Location is { } location)
        {
            json["location"] = new JsonObject { ["lat"] = location.Latitude, ["lon"] = location.Longitude };
        }

        json["timestamp"] = e.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        return json.ToJsonString();
    }

    /// <summary>A bundle trained on an earlier month of the same users' tastes, without the last 20 videos and users.</summary>
    private ModelBundle Train(Random random, int[] tastes)
    {
        var interactions = new List<Interaction>();
        var time = Start.AddDays(-30);
        for (var u = 0; u < UserCount - 20; u++)
        {
            for (var n = 0; n < 25; n++)
            {
                var video = random.Next(10) < 8 ? Cluster(tastes[u]) + 6 * random.Next((VideoCount - 20) / 6) : random.Next(VideoCount - 20);
                time = time.AddSeconds(30);
                var type = random.Next(10) switch
                {
                    < 6 => InteractionType.Watch,
                    < 8 => InteractionType.Like,
                    < 9 => InteractionType.Click,
                    _ => InteractionType.Dislike,
                };
                interactions.Add(new Interaction(UserId(u), VideoId(video), type, time)
                {
                    Value = type == InteractionType.Watch ? (Videos[video].DurationSeconds ?? 600) * random.NextDouble() : null,
                });
            }
        }

        var dataset = new Dataset("reliability", Videos.ToDictionary(v => v.Id), Users.ToDictionary(u => u.Id), interactions);
        return BundleBuilder.Train(dataset, "test", "reliability-sha", new BundleTrainingOptions
        {
            Wals = new WalsOptions { Factors = 8, Iterations = 4, Regularization = 0.5f, Alpha = 5, Seed = 11, MaxDegreeOfParallelism = 1 },
            Evaluate = false,
        }, timeProvider: new FixedTime(Start.AddDays(-1)));
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

/// <summary>Builds the queue messages of a delivery plan.</summary>
public static class Deliveries
{
    /// <summary>The events in time order, in batches of 1,000 (as <c>vrec ingest</c> and one POST each would send them).</summary>
    public static List<EventBatch> InOrder(IReadOnlyList<IngestEvent> events) =>
        events.Chunk(1000).Select((chunk, i) => new EventBatch($"in-order-{i:D3}", Scenario.Start, chunk)).ToList();

    /// <summary>
    /// The events shuffled across batches of 100 to 1,000, every batch queued twice, the queue order itself shuffled:
    /// redelivery, duplicates and out-of-order arrival at once.
    /// </summary>
    public static List<EventBatch> ShuffledTwice(IReadOnlyList<IngestEvent> events, int seed)
    {
        var random = new Random(seed);
        var shuffled = events.ToArray();
        random.Shuffle(shuffled);
        var batches = new List<EventBatch>();
        for (var start = 0; start < shuffled.Length;)
        {
            var size = Math.Min(random.Next(100, 1001), shuffled.Length - start);
            batches.Add(new EventBatch($"shuffled-{batches.Count:D3}", Scenario.Start, shuffled[start..(start + size)]));
            start += size;
        }

        var messages = batches.Concat(batches).ToArray();
        random.Shuffle(messages);
        return [.. messages];
    }
}

/// <summary>Writes text files for the CLI.</summary>
public static class Files
{
    public static string Write(string path, string content)
    {
        File.WriteAllText(path, content, new UTF8Encoding(false));
        return path;
    }
}
