using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using VideoRec.Core.Bundles;
using VideoRec.Core.Common;
using VideoRec.Core.Serving.Recommend;
using VideoRec.Core.Synthetic;
using VideoRec.Host;
using VideoRec.Local;
using VideoRec.Local.VectorIndex;

namespace VideoRec.Cli.Infrastructure;

/// <summary>The settings of one <c>vrec bench serve</c> run.</summary>
public sealed record ServeBenchmarkSettings(int Videos, int Users, int Dimensions, int Views, IReadOnlyList<int> Clients, int Requests, int K,
    double ColdShare, int Seed, string CacheRoot);

/// <summary>The figures of one load level.</summary>
public sealed record ServeRun(int Clients, int Requests, double Seconds, double Rps, double P50Ms, double P95Ms, double P99Ms, double MaxMs, int Errors, int Degraded)
{
    /// <summary>p50/p99 of each pipeline stage and candidate source inside the server, ms.</summary>
    public JsonObject Stages { get; init; } = [];
}

/// <summary>
/// <c>vrec bench serve</c>: a synthetic world becomes a model bundle (cached on disk with its HNSW indexes), the local
/// host serves it on 127.0.0.1 with the embedded defaults, and closed-loop clients call the recommend endpoint
/// (1,000 merged candidates scored per request, then re-ranked), measuring latency end to end over HTTP.
/// </summary>
public static class ServeBenchmark
{
    /// <summary>Builds (or reuses) the bundle, starts the host and runs every load level.</summary>
    /// <param name="settings">Sizes, load levels and seed.</param>
    /// <param name="log">Progress lines.</param>
    /// <param name="cancellationToken">Stops between phases and requests.</param>
    public static async Task<(JsonObject Setup, IReadOnlyList<ServeRun> Runs)> RunAsync(ServeBenchmarkSettings settings, Action<string> log, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var world = SyntheticCandidateWorld.Create(settings.Videos, settings.Dimensions, settings.Users, settings.Views, settings.Seed);
        log($"World: {settings.Videos:N0} videos × {settings.Dimensions}, {world.Users:N0} users, {settings.Views:N0} views, generated in {clock.Elapsed.TotalSeconds:F1} s.");

        var version = string.Create(CultureInfo.InvariantCulture, $"bench-{settings.Videos}v-{settings.Users}u-{settings.Dimensions}d-{settings.Views}w-s{settings.Seed}");
        var bundleDirectory = Path.Combine(settings.CacheRoot, version);
        clock.Restart();
        if (!File.Exists(Path.Combine(bundleDirectory, "manifest.json")))
        {
            SyntheticServingBundle.Create(world, version).Save(settings.CacheRoot);
            log($"Bundle {version} written to {bundleDirectory} in {clock.Elapsed.TotalSeconds:F1} s.");
        }

        clock.Restart();
        var twoTower = SyntheticServingBundle.TwoTower(world);
        await using var app = LocalHost.Build(new LocalHostOptions
        {
            ModelPath = bundleDirectory,
            Port = 0,
            ConfigureServing = services => services.AddSingleton<Func<ModelBundle, TwoTowerServing?>>(_ => twoTower),
            LogLevel = Microsoft.Extensions.Logging.LogLevel.Error,
        });
        var loadSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var models = app.Services.GetRequiredService<ServingModelHost>();
        var model = await models.EnsureCurrentAsync(cancellationToken).ConfigureAwait(false);
        var buildSeconds = clock.Elapsed.TotalSeconds;
        log(settings.Videos > 20_000
            ? $"Serving model ready: bundle loaded in {loadSeconds:F1} s, HNSW indexes built or reopened in {buildSeconds:F1} s (kept under {Path.Combine(bundleDirectory, EmbeddedServingIndexProvider.IndexesFolder)})."
            : $"Serving model ready: bundle loaded in {loadSeconds:F1} s, exact indexes (up to 20,000 videos) built in {buildSeconds:F1} s.");
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = LocalHost.Address(app);

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1024, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
        var runs = new List<ServeRun>();
        using var timings = new StageTimings();
        await LoadAsync(client, settings with { Requests = Math.Min(200, settings.Requests) }, 4, world.Users, settings.Seed + 1, cancellationToken).ConfigureAwait(false);
        foreach (var clients in settings.Clients)
        {
            timings.TakeSummary();
            var run = await LoadAsync(client, settings, clients, world.Users, settings.Seed + clients, cancellationToken).ConfigureAwait(false) with { Stages = timings.TakeSummary() };
            log($"{clients} client(s): {run.Rps:F0} requests/s, p50 {run.P50Ms:F1} ms, p95 {run.P95Ms:F1} ms, p99 {run.P99Ms:F1} ms, max {run.MaxMs:F1} ms " +
                $"over {run.Requests:N0} requests ({run.Errors} errors, {run.Degraded} degraded).");
            log("  inside (p50/p99 ms): " + string.Join(", ", run.Stages.Select(s => $"{s.Key} {(double)s.Value!["p50_ms"]!:F1}/{(double)s.Value!["p99_ms"]!:F1}")));
            runs.Add(run);
        }

        await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        var setup = new JsonObject
        {
            ["videos"] = settings.Videos,
            ["users"] = settings.Users,
            ["dim"] = settings.Dimensions,
            ["views"] = settings.Views,
            ["k"] = settings.K,
            ["merged_candidates"] = model.Generation.Sources.Count > 0 ? new Core.CandidateGeneration.CandidateGenerationOptions().MergedCount : 0,
            ["sources"] = new JsonArray([.. model.Generation.Sources.Select(s => (JsonNode?)s)]),
            ["scorer"] = model.Scorer.Name,
            ["cold_share"] = settings.ColdShare,
            ["bundle"] = bundleDirectory,
            ["index_build_s"] = Math.Round(buildSeconds, 2),
        };
        return (setup, runs);
    }

    private static async Task<ServeRun> LoadAsync(HttpClient client, ServeBenchmarkSettings settings, int clients, int users, int seed, CancellationToken cancellationToken)
    {
        var latencies = new double[settings.Requests];
        var next = -1;
        var errors = 0;
        var degraded = 0;
        var random = new Random(seed);
        // The request sequence is fixed up front (seeded): mostly known users, a share of cold-start strangers.
        var paths = Enumerable.Range(0, settings.Requests).Select(_ => random.NextDouble() < settings.ColdShare
            ? $"/api/users/new-{random.Next(1_000_000).ToString(CultureInfo.InvariantCulture)}/recommendations?k={settings.K.ToString(CultureInfo.InvariantCulture)}"
            : $"/api/users/u{random.Next(users).ToString(CultureInfo.InvariantCulture)}/recommendations?k={settings.K.ToString(CultureInfo.InvariantCulture)}").ToArray();
        var wall = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < paths.Length)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var start = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await client.GetAsync(paths[i], cancellationToken).ConfigureAwait(false);
                    var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                    latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref errors);
                    }
                    else if (!body.Contains("\"degraded\":[]", StringComparison.Ordinal))
                    {
                        Interlocked.Increment(ref degraded);
                    }
                }
                catch (HttpRequestException)
                {
                    latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    Interlocked.Increment(ref errors);
                }
            }
        }, cancellationToken))).ConfigureAwait(false);
        var seconds = wall.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        return new ServeRun(clients, latencies.Length, seconds, latencies.Length / seconds, Percentiles.NearestRank(latencies, 0.50), Percentiles.NearestRank(latencies, 0.95),
            Percentiles.NearestRank(latencies, 0.99), latencies[^1], errors, degraded);
    }
}
