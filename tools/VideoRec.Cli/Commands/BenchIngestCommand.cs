using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using VideoRec.Cli.Infrastructure;
using VideoRec.Core.Bundles;
using VideoRec.Core.Domain;
using VideoRec.Core.Feedback;
using VideoRec.Core.Ingestion;
using VideoRec.Core.Matrix;
using VideoRec.Core.Models.Baselines;
using VideoRec.Core.Models.Wals;
using VideoRec.Core.Synthetic;
using VideoRec.Host;
using VideoRec.Local.Sqlite;

namespace VideoRec.Cli.Commands;

/// <summary>
/// <c>vrec bench ingest</c>: sustained events per second end to end (HTTP validation, durable SQLite queue, store,
/// aggregates, statistics and fold-in vectors) on the embedded default, and the latency of POST /api/events.
/// </summary>
public static class BenchIngestCommand
{
    public static Command Create()
    {
        var events = CommonOptions.Range(new Option<int>("--events") { Description = "Events per batch size measured.", DefaultValueFactory = _ => 200_000 }, 1_000, 10_000_000);
        var users = CommonOptions.Range(new Option<int>("--users") { Description = "Users in the synthetic world.", DefaultValueFactory = _ => 20_000 }, 10, 10_000_000);
        var videos = CommonOptions.Range(new Option<int>("--videos") { Description = "Videos in the synthetic catalogue.", DefaultValueFactory = _ => 5_000 }, 10, 10_000_000);
        var clients = CommonOptions.Range(new Option<int>("--clients") { Description = "Concurrent HTTP clients posting.", DefaultValueFactory = _ => 4 }, 1, 256);
        var batches = new Option<string>("--batch-sizes") { Description = "Events per POST, comma-separated.", DefaultValueFactory = _ => "100,1000", HelpName = "LIST" };
        var json = CommonOptions.Json();
        var command = new Command("ingest", "Benchmark ingestion end to end on the embedded default: events per second through validation, queue, store and aggregate update, and POST /api/events latency.")
        {
            events, users, videos, clients, batches, json,
        };
        command.SetAction((parse, cancellationToken) => ErrorReporting.RunAsync(async () =>
        {
            JsonOutput.CheckWritable(parse.GetValue(json));
            var sizes = ListOption.Ints(parse.GetValue(batches)!, "--batch-sizes");
            if (sizes.Any(s => s is < 1 or > 1000))
            {
                throw new CliException("--batch-sizes: each size must be between 1 and 1000.");
            }

            var (userCount, videoCount, eventCount, clientCount) = (parse.GetValue(users), parse.GetValue(videos), parse.GetValue(events), parse.GetValue(clients));
            var workspace = Directory.CreateTempSubdirectory("vrec-bench-ingest-");
            try
            {
                var modelDir = Path.Combine(workspace.FullName, "models");
                var bundle = ConsoleProgress.Status("Training a bundle on a synthetic world…", () => SyntheticBundle(userCount, videoCount));
                bundle.Save(modelDir);
                var results = new JsonObject();
                var table = new Table().Border(TableBorder.Rounded).Title("bench ingest");
                foreach (var column in new[] { "events per POST", "events/s end to end", "… with vectors", "POST p50 ms", "POST p99 ms", "events/s accepted" })
                {
                    table.AddColumn(new TableColumn(column).RightAligned());
                }

                foreach (var size in sizes)
                {
                    var run = await RunAsync(modelDir, Path.Combine(workspace.FullName, $"bench-{size}.db"), userCount, videoCount, eventCount, size, clientCount, cancellationToken);
                    results[$"batch_{size}"] = new JsonObject
                    {
                        ["events_per_second"] = Math.Round(run.EndToEnd, 0),
                        ["accepted_events_per_second"] = Math.Round(run.Accepted, 0),
                        ["events_per_second_with_vector_refresh"] = Math.Round(run.WithVectors, 0),
                        ["post_p50_ms"] = Math.Round(run.P50, 2),
                        ["post_p99_ms"] = Math.Round(run.P99, 2),
                        ["posts"] = run.Posts,
                        ["events"] = eventCount,
                        ["seconds"] = Math.Round(run.Seconds, 2),
                    };
                    table.AddRow(size.ToString(CultureInfo.InvariantCulture), $"{run.EndToEnd:N0}", $"{run.WithVectors:N0}", $"{run.P50:F2}", $"{run.P99:F2}", $"{run.Accepted:N0}");
                }

                AnsiConsole.Write(table);
                results["users"] = userCount;
                results["videos"] = videoCount;
                results["clients"] = clientCount;
                results["processors"] = Environment.ProcessorCount;
                results["memory_mb"] = Math.Round(PeakMemory.Megabytes(), 1);
                JsonOutput.Write(parse.GetValue(json), results);
                return 0;
            }
            finally
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                workspace.Delete(recursive: true);
            }
        }));
        return command;
    }

    private sealed record Run(double EndToEnd, double Accepted, double P50, double P99, int Posts, double Seconds, double WithVectors);

    private static async Task<Run> RunAsync(string modelDir, string databasePath, int users, int videos, int eventCount, int batchSize, int clients, CancellationToken cancellationToken)
    {
        await using var app = LocalHost.Build(new LocalHostOptions { ModelPath = modelDir, Port = 0, DatabasePath = databasePath });
        await app.StartAsync(cancellationToken);
        var catalogue = app.Services.GetRequiredService<IFeatureStore>();
        var random = new Random(7);
        foreach (var v in Enumerable.Range(0, videos))
        {
            await catalogue.UpsertVideoAsync(new Video($"v{v}", $"Video {v}") { DurationSeconds = 60 + random.Next(3600) }, cancellationToken);
        }

        var bodies = Bodies(users, videos, eventCount, batchSize, new Random(11)).ToArray();
        using var http = new HttpClient { BaseAddress = new Uri(LocalHost.Address(app)), Timeout = TimeSpan.FromMinutes(5) };
        var latencies = new double[bodies.Length];
        var next = -1;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < bodies.Length)
            {
                using var content = new ByteArrayContent(bodies[i]);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                var start = Stopwatch.GetTimestamp();
                using var response = await http.PostAsync("/api/events", content, cancellationToken);
                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if ((int)response.StatusCode != 202)
                {
                    throw new InvalidOperationException($"POST /api/events answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
                }
            }
        }, cancellationToken)).ToArray();
        await Task.WhenAll(workers);
        var acceptedSeconds = clock.Elapsed.TotalSeconds;
        var queue = app.Services.GetRequiredService<SqliteEventQueue>();
        while (queue.Count() > 0)
        {
            await Task.Delay(20, cancellationToken);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var store = app.Services.GetRequiredService<SqliteFeatureStore>();
        while (store.PendingVectorRefreshes() > 0)
        {
            await Task.Delay(20, cancellationToken);
        }

        var withVectors = clock.Elapsed.TotalSeconds;
        await app.StopAsync(CancellationToken.None);
        Array.Sort(latencies);
        return new Run(eventCount / seconds, eventCount / acceptedSeconds, latencies[latencies.Length / 2], latencies[(int)(latencies.Length * 0.99)], bodies.Length, seconds,
            eventCount / withVectors);
    }

    /// <summary>Realistic mix: impressions dominate, then watches, clicks, likes; a few dislikes, shares, comments and searches.</summary>
    private static IEnumerable<byte[]> Bodies(int users, int videos, int eventCount, int batchSize, Random random)
    {
        var now = DateTimeOffset.UtcNow;
        var builder = new StringBuilder();
        for (var start = 0; start < eventCount; start += batchSize)
        {
            builder.Clear().Append('[');
            for (var i = start; i < Math.Min(eventCount, start + batchSize); i++)
            {
                var user = (int)Math.Min(users - 1, users * Math.Pow(random.NextDouble(), 2));
                var video = (int)Math.Min(videos - 1, videos * Math.Pow(random.NextDouble(), 2.5));
                var roll = random.NextDouble();
                var (type, value) = roll switch
                {
                    < 0.55 => ("impression", (random.NextDouble() * 5).ToString("F2", CultureInfo.InvariantCulture)),
                    < 0.65 => ("click", null),
                    < 0.85 => ("watch", (random.NextDouble() * 600).ToString("F1", CultureInfo.InvariantCulture)),
                    < 0.93 => ("like", null),
                    < 0.95 => ("dislike", null),
                    < 0.96 => ("share", null),
                    < 0.97 => ("comment", "\"nice video\""),
                    _ => ("search", "\"funny cats\""),
                };
                var timestamp = now.AddSeconds(-random.Next(30 * 24 * 3600)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
                builder.Append(i > start ? "," : "").Append("{\"eventId\":\"e").Append(i).Append("\",\"userId\":\"u").Append(user).Append('"');
                if (type != "search")
                {
                    builder.Append(",\"videoId\":\"v").Append(video).Append('"');
                }

                builder.Append(",\"type\":\"").Append(type).Append('"');
                if (value is not null)
                {
                    builder.Append(",\"value\":").Append(value);
                }

                builder.Append(",\"device\":\"mobile\",\"timestamp\":\"").Append(timestamp).Append("\"}");
            }

            yield return Encoding.UTF8.GetBytes(builder.Append(']').ToString());
        }
    }

    private static ModelBundle SyntheticBundle(int users, int videos)
    {
        var matrix = SyntheticFeedback.Generate(users, videos, Math.Min((long)users * 20, (long)users * (videos / 2)), seed: 5);
        var wals = WalsTrainer.Fit(matrix, new WalsOptions { Factors = 64, Iterations = 3, ComputeLoss = false });
        var userIds = new IdIndex(Enumerable.Range(0, users).Select(u => $"u{u}"));
        var videoIds = new IdIndex(Enumerable.Range(0, videos).Select(v => $"v{v}"));
        var createdAt = DateTimeOffset.UtcNow;
        var manifest = new BundleManifest
        {
            ModelVersion = ModelBundle.NewVersion(createdAt, "synthetic", wals.Options),
            CreatedAt = createdAt,
            Data = new BundleData("synthetic", "synthetic", "synthetic", users, videos, matrix.NonZeros),
            Wals = wals.Options,
            Relevance = RelevancePolicy.Default,
            Weights = FeedbackWeights.Default,
        };
        var catalogue = Enumerable.Range(0, videos).Select(v => new CatalogueEntry($"Video {v}", [])).ToArray();
        return new ModelBundle(manifest, userIds, videoIds, wals, new PopularityModel(matrix), matrix, catalogue);
    }
}
