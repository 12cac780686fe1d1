using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;
using VideoRec.Cli.Infrastructure;
using VideoRec.Core.CandidateGeneration.Index;
using VideoRec.Local.VectorIndex;

namespace VideoRec.Cli.Commands;

/// <summary>
/// <c>vrec bench ann</c>: the embedded USearch HNSW index on a synthetic clustered catalogue: build time, memory, and per
/// search expansion the recall@k against exact search, single-query latency p50/p99 and throughput; the chosen
/// expansion is the smallest reaching recall 0.95.
/// </summary>
public static class BenchAnnCommand
{
    private const double TargetRecall = 0.95;
    private const int BuildChunk = 50_000;

    public static Command Create()
    {
        var videos = CommonOptions.Range(new Option<int>("--videos") { Description = "Videos in the synthetic catalogue.", DefaultValueFactory = _ => 1_000_000 }, 1, 100_000_000);
        var dim = CommonOptions.Range(new Option<int>("--dim") { Description = "Embedding dimensions.", DefaultValueFactory = _ => 64 }, 1, 4096);
        var queries = CommonOptions.Range(new Option<int>("--queries") { Description = "Queries (synthetic users) measured.", DefaultValueFactory = _ => 1000 }, 1, 100_000);
        var k = CommonOptions.K("Results per query; recall is measured at this k.", 1000, 100);
        var expansion = new Option<string>("--expansion") { Description = "Search expansions (ef) to measure, comma-separated.", DefaultValueFactory = _ => "64,128,256", HelpName = "LIST" };
        var connectivity = CommonOptions.Range(new Option<int>("--connectivity") { Description = "HNSW connectivity (M).", DefaultValueFactory = _ => 16 }, 2, 256);
        var expansionAdd = CommonOptions.Range(new Option<int>("--expansion-add") { Description = "Expansion while building (efConstruction).", DefaultValueFactory = _ => 128 }, 1, 4096);
        var threads = CommonOptions.Range(new Option<int>("--threads") { Description = "Threads for the build and the throughput run (default: every core).", DefaultValueFactory = _ => Environment.ProcessorCount }, 1, 1024);
        var seed = new Option<int>("--seed") { Description = "Seed of the synthetic catalogue and queries.", DefaultValueFactory = _ => 42 };
        var candidates = new Option<bool>("--candidates")
        {
            Description = "Then time the whole candidate generation (six sources concurrently, filters, merge) on a synthetic world of the same size with both embedding spaces (two-tower and WALS) indexed: two more index builds.",
        };
        var onlyCandidates = new Option<bool>("--only-candidates") { Description = "With --candidates: skip the catalogue measurement and run only the candidate-generation world." };
        var requests = CommonOptions.Range(new Option<int>("--requests") { Description = "Requests timed with --candidates.", DefaultValueFactory = _ => 1000 }, 1, 1_000_000);
        var views = CommonOptions.Range(new Option<int>("--views") { Description = "View events behind the popular, trending and fresh lists with --candidates.", DefaultValueFactory = _ => 5_000_000 }, 1, 500_000_000);
        var json = CommonOptions.Json();
        var command = new Command("ann", "Benchmark the embedded USearch HNSW vector index on a synthetic clustered catalogue: build time, memory, recall@k against exact search, query latency p50/p99 and queries/s per search expansion.")
        {
            videos, dim, queries, k, expansion, connectivity, expansionAdd, threads, seed, candidates, onlyCandidates, requests, views, json,
        };
        command.SetAction((parse, cancellationToken) => Task.FromResult(ErrorReporting.Run(() =>
        {
            JsonOutput.CheckWritable(parse.GetValue(json));
            var settings = new Settings(parse.GetValue(videos), parse.GetValue(dim), parse.GetValue(queries), parse.GetValue(k),
                Expansions(parse.GetValue(expansion)!), parse.GetValue(connectivity), parse.GetValue(expansionAdd), parse.GetValue(threads), parse.GetValue(seed));
            settings.Check();
            if (parse.GetValue(onlyCandidates) && !parse.GetValue(candidates))
            {
                throw new CliException("--only-candidates needs --candidates.");
            }

            JsonObject output;
            if (parse.GetValue(onlyCandidates))
            {
                output = new JsonObject { ["benchmark"] = "ann", ["engine"] = "usearch-hnsw" };
            }
            else
            {
                var report = Run(settings, cancellationToken);
                Print(report);
                output = report.ToJson();
            }

            if (parse.GetValue(candidates))
            {
                if (settings.Videos < 100)
                {
                    throw new CliException("--candidates needs --videos of at least 100.");
                }

                var indexOptions = new UsearchIndexOptions
                {
                    Connectivity = settings.Connectivity,
                    ExpansionAdd = settings.ExpansionAdd,
                    ExpansionSearch = settings.Expansions[0],
                    Threads = settings.Threads,
                };
                output["candidates"] = CandidateWorldBenchmark.RunAsync(settings.Videos, settings.Dimensions, parse.GetValue(requests), parse.GetValue(views),
                    settings.K, settings.Seed, settings.Expansions, (d, metric) =>
                    {
                        var index = new USearchVectorIndex(d, metric, indexOptions);
                        index.Reserve(settings.Videos);
                        return index;
                    }, line => AnsiConsole.MarkupLine(Markup.Escape(line)), cancellationToken).GetAwaiter().GetResult();
            }

            JsonOutput.Write(parse.GetValue(json), output);
            return 0;
        })));
        return command;
    }

    private static int[] Expansions(string text)
    {
        var values = ListOption.Ints(text, "--expansion");
        if (values.Any(v => v is < 1 or > 4096))
        {
            throw new CliException($"--expansion: every value must be between 1 and 4096, found '{text}'.");
        }

        return [.. values.Order()];
    }

    private sealed record Settings(int Videos, int Dimensions, int Queries, int K, int[] Expansions, int Connectivity, int ExpansionAdd, int Threads, int Seed)
    {
        public void Check()
        {
            if (K > Videos)
            {
                throw new CliException($"--k ({K}) must not exceed --videos ({Videos}).");
            }

            if ((long)Videos * Dimensions > Array.MaxLength)
            {
                throw new CliException($"--videos × --dim must be at most {Array.MaxLength:N0} values, found {(long)Videos * Dimensions:N0}; lower --videos or --dim.");
            }

            // Vectors twice (catalogue and index), graph about 2 × connectivity × 4 bytes per level-0 node, ids and maps about 150 bytes.
            var needed = (long)Videos * (8L * Dimensions + 8L * Connectivity + 150);
            var available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
            if (needed > available * 0.8)
            {
                throw new CliException($"this size needs about {needed >> 20} MiB and {available >> 20} MiB are available; lower --videos or --dim.");
            }
        }
    }

    private sealed record Report(Settings Settings, string Catalogue, string Acceleration, double GenerationSeconds, double BuildSeconds,
        double TruthSeconds, double MemoryMb, double NativeMemoryMb, double RssDeltaMb, IReadOnlyList<AnnSetting> Measured)
    {
        public AnnSetting Chosen => Measured.FirstOrDefault(s => s.Recall >= TargetRecall) ?? Measured.MaxBy(s => s.Recall)!;

        public bool ReachedTarget => Chosen.Recall >= TargetRecall;

        public JsonObject ToJson() => new()
        {
            ["benchmark"] = "ann",
            ["engine"] = "usearch-hnsw",
            ["metric"] = "inner_product",
            ["catalogue"] = Catalogue,
            ["videos"] = Settings.Videos,
            ["dim"] = Settings.Dimensions,
            ["queries"] = Settings.Queries,
            ["k"] = Settings.K,
            ["connectivity"] = Settings.Connectivity,
            ["expansion_add"] = Settings.ExpansionAdd,
            ["expansion"] = Chosen.Expansion,
            ["target_recall"] = TargetRecall,
            ["reached_target"] = ReachedTarget,
            ["recall_at_100"] = Math.Round(Chosen.Recall, 4),
            ["p50_ms"] = Math.Round(Chosen.P50Ms, 4),
            ["p99_ms"] = Math.Round(Chosen.P99Ms, 4),
            ["queries_per_s"] = Math.Round(Chosen.QueriesPerSecond, 1),
            ["build_s"] = Math.Round(BuildSeconds, 2),
            ["memory_mb"] = Math.Round(MemoryMb, 1),
            ["usearch_memory_mb"] = Math.Round(NativeMemoryMb, 1),
            ["rss_delta_mb"] = Math.Round(RssDeltaMb, 1),
            ["generation_s"] = Math.Round(GenerationSeconds, 2),
            ["ground_truth_s"] = Math.Round(TruthSeconds, 2),
            ["threads"] = Settings.Threads,
            ["seed"] = Settings.Seed,
            ["processors"] = Environment.ProcessorCount,
            ["hardware_acceleration"] = Acceleration,
            ["settings"] = new JsonArray([.. Measured.Select(s => (JsonNode)new JsonObject
            {
                ["expansion"] = s.Expansion,
                ["recall_at_100"] = Math.Round(s.Recall, 4),
                ["p50_ms"] = Math.Round(s.P50Ms, 4),
                ["p99_ms"] = Math.Round(s.P99Ms, 4),
                ["queries_per_s"] = Math.Round(s.QueriesPerSecond, 1),
            })]),
        };
    }

    private static Report Run(Settings s, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var catalogue = AnnCatalogue.Create(s.Videos, s.Dimensions, s.Seed);
        var (rows, queryRows, videos) = ConsoleProgress.Status("Generating the synthetic catalogue…", () =>
        {
            var r = catalogue.Draw(s.Videos, s.Seed, queries: false, s.Threads);
            var q = catalogue.Draw(s.Queries, s.Seed + 1, queries: true, s.Threads);
            var v = new IndexedVideo[s.Videos];
            for (var i = 0; i < v.Length; i++)
            {
                v[i] = new IndexedVideo("v" + i.ToString(CultureInfo.InvariantCulture), new ReadOnlyMemory<float>(r, i * s.Dimensions, s.Dimensions), VideoIndexAttributes.Unrestricted);
            }

            return (r, q, v);
        });
        var generationSeconds = clock.Elapsed.TotalSeconds;
        AnsiConsole.MarkupLine(Markup.Escape($"Catalogue: {s.Videos:N0} videos × {s.Dimensions} ({catalogue.Description}); {s.Queries:N0} queries; generated in {generationSeconds:F1} s."));

        var managedBefore = GC.GetTotalMemory(forceFullCollection: true);
        var rssBefore = Rss();
        using var index = new USearchVectorIndex(s.Dimensions, VectorMetric.InnerProduct, new UsearchIndexOptions
        {
            Connectivity = s.Connectivity,
            ExpansionAdd = s.ExpansionAdd,
            ExpansionSearch = s.Expansions[0],
            Threads = s.Threads,
        });
        clock.Restart();
        ConsoleProgress.Run(ctx =>
        {
            var task = ctx.Add($"Building the HNSW index on {s.Threads} threads", s.Videos);
            index.Reserve(s.Videos);
            for (var start = 0; start < s.Videos; start += BuildChunk)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var count = Math.Min(BuildChunk, s.Videos - start);
                index.Upsert(new ArraySegment<IndexedVideo>(videos, start, count));
                task.Value = start + count;
            }

            return 0;
        });
        var buildSeconds = clock.Elapsed.TotalSeconds;
        videos = [];
        var nativeMb = index.NativeMemoryBytes / (1024.0 * 1024.0);
        var managedMb = (GC.GetTotalMemory(forceFullCollection: true) - managedBefore) / (1024.0 * 1024.0);
        var rssDeltaMb = (Rss() - rssBefore) / (1024.0 * 1024.0);
        AnsiConsole.MarkupLine(Markup.Escape($"Built in {buildSeconds:F1} s ({s.Videos / buildSeconds:N0} videos/s); USearch {nativeMb:F0} MiB + ids and attributes {Math.Max(0, managedMb):F0} MiB; RSS grew {rssDeltaMb:F0} MiB."));

        clock.Restart();
        var truth = ConsoleProgress.Status("Exact top k of every query (ground truth)…", () =>
            AnnMeasurements.ExactTopK(rows, s.Videos, queryRows, s.Queries, s.Dimensions, s.K, s.Threads));
        var truthSeconds = clock.Elapsed.TotalSeconds;

        var measured = new List<AnnSetting>();
        foreach (var expansion in s.Expansions)
        {
            cancellationToken.ThrowIfCancellationRequested();
            index.ExpansionSearch = expansion;
            measured.Add(ConsoleProgress.Status($"Measuring expansion {expansion}…", () =>
                AnnMeasurements.Measure(index, queryRows, s.Queries, s.K, truth, s.Threads)));
        }

        return new Report(s, catalogue.Description, index.HardwareAcceleration, generationSeconds, buildSeconds, truthSeconds,
            nativeMb + Math.Max(0, managedMb), nativeMb, rssDeltaMb, measured);
    }

    private static void Print(Report report)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"bench ann: {report.Settings.Videos:N0} × {report.Settings.Dimensions}, k = {report.Settings.K}, M = {report.Settings.Connectivity}");
        table.AddColumn("expansion");
        table.AddColumn(new TableColumn($"recall@{report.Settings.K}").RightAligned());
        table.AddColumn(new TableColumn("p50 ms").RightAligned());
        table.AddColumn(new TableColumn("p99 ms").RightAligned());
        table.AddColumn(new TableColumn($"queries/s ({report.Settings.Threads} threads)").RightAligned());
        foreach (var s in report.Measured)
        {
            var mark = s == report.Chosen ? " (chosen)" : "";
            table.AddRow(s.Expansion + mark, s.Recall.ToString("F4", CultureInfo.InvariantCulture), s.P50Ms.ToString("F3", CultureInfo.InvariantCulture),
                s.P99Ms.ToString("F3", CultureInfo.InvariantCulture), s.QueriesPerSecond.ToString("N0", CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(Markup.Escape(report.ReachedTarget
            ? $"Chosen expansion {report.Chosen.Expansion}: the smallest with recall@{report.Settings.K} ≥ {TargetRecall}. Build {report.BuildSeconds:F1} s, memory {report.MemoryMb:F0} MiB, SIMD {report.Acceleration}."
            : $"No expansion reached recall {TargetRecall}; reporting the best ({report.Chosen.Expansion}). Try larger --expansion values."));
    }

    private static long Rss()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }
}
