using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;
using VideoRec.Cli.Infrastructure;
using VideoRec.Core.CandidateGeneration;
using VideoRec.Core.Common;
using VideoRec.Core.Scoring;
using VideoRec.Scoring.Model;
using VideoRec.Scoring.Onnx;
using VideoRec.Scoring.Serving;

namespace VideoRec.Cli.Commands;

/// <summary>
/// <c>vrec bench score</c>: the scoring stage for one request of N candidates, feature assembly included (one pass into
/// a reused buffer, then one ONNX Runtime batch on one thread): p50/p99 latency and bytes allocated per request; then the
/// same requests through the serving stage, <see cref="RankerCandidateScorer"/> (pooled assembler, rented matrix, a new
/// score array per request), as the recommend pipeline calls it.
/// </summary>
public static class BenchScoreCommand
{
    public static Command Create()
    {
        var candidates = CommonOptions.Range(new Option<int>("--candidates") { Description = "Candidates per request.", DefaultValueFactory = _ => 1000 }, 1, 100_000);
        var requests = CommonOptions.Range(new Option<int>("--requests") { Description = "Timed requests (after 200 warm-up requests).", DefaultValueFactory = _ => 2000 }, 10, 1_000_000);
        var videos = CommonOptions.Range(new Option<int>("--videos") { Description = "Videos in the cached video-feature table.", DefaultValueFactory = _ => 20_000 }, 1, 5_000_000);
        var architecture = CommonOptions.OneOf(new Option<string>("--architecture") { Description = "Ranker shape: dcn (2 full-rank cross layers, then the MLP) or mlp.", DefaultValueFactory = _ => "dcn" }, "dcn", "mlp");
        var embeddings = new Option<bool>("--embeddings") { Description = "Include the raw 64-d two-tower embeddings in the rows (213 features instead of 85)." };
        var json = CommonOptions.Json();
        var command = new Command("score", "Benchmark the scoring stage: one request of N candidates, feature assembly and one ONNX Runtime batch, p50/p99 latency and allocations per request.")
        {
            candidates, requests, videos, architecture, embeddings, json,
        };
        command.SetAction((parse, cancellationToken) => Task.FromResult(ErrorReporting.Run(() =>
        {
            JsonOutput.CheckWritable(parse.GetValue(json));
            var n = parse.GetValue(candidates);
            if (n > parse.GetValue(videos))
            {
                throw new CliException($"--candidates ({n}) cannot exceed --videos ({parse.GetValue(videos)}).");
            }

            var shape = parse.GetValue(architecture) == "mlp" ? RankerArchitecture.Mlp : RankerArchitecture.Dcn;
            var world = ConsoleProgress.Status("Building the synthetic world", () => new SyntheticScoringWorld(parse.GetValue(videos), n, parse.GetValue(embeddings), shape, seed: 17));
            using var scorer = OnnxScorer.Load(RankerOnnxExporter.ExportToBytes(world.Ranker));
            var figures = Measure(world, scorer, n, parse.GetValue(requests), cancellationToken);
            using var stage = new RankerCandidateScorer(OnnxScorer.Load(RankerOnnxExporter.ExportToBytes(world.Ranker)), world.Videos,
                (r, _) => ValueTask.FromResult(world.Users[0] with { UserId = r.UserId }));
            var served = MeasureStage(world, stage, parse.GetValue(requests), cancellationToken);

            var table = new Table().Border(TableBorder.Rounded).Title($"Scoring {n:N0} candidates per request ({world.Layout.Count} features, {shape.ToString().ToLowerInvariant()}, one thread)")
                .AddColumn("Figure").AddColumn(new TableColumn("Value").RightAligned());
            table.AddRow("p50 / p99 per request, assembly + ONNX (ms)", $"{figures.P50:F3} / {figures.P99:F3}");
            table.AddRow("feature assembly p50 / p99 (ms)", $"{figures.AssemblyP50:F3} / {figures.AssemblyP99:F3}");
            table.AddRow("ONNX batch p50 / p99 (ms)", $"{figures.OnnxP50:F3} / {figures.OnnxP99:F3}");
            table.AddRow("bytes allocated per request", figures.BytesPerRequest.ToString("N0", CultureInfo.InvariantCulture));
            table.AddRow("serving stage (ICandidateScorer) p50 / p99 (ms)", $"{served.P50:F3} / {served.P99:F3}");
            table.AddRow("serving stage bytes allocated per request", served.BytesPerRequest.ToString("N0", CultureInfo.InvariantCulture));
            AnsiConsole.Write(table);

            JsonOutput.Write(parse.GetValue(json), new JsonObject
            {
                ["benchmark"] = "score",
                ["candidates"] = n,
                ["requests"] = figures.Requests,
                ["features"] = world.Layout.Count,
                ["architecture"] = shape.ToString().ToLowerInvariant(),
                ["p50_ms"] = Math.Round(figures.P50, 4),
                ["p99_ms"] = Math.Round(figures.P99, 4),
                ["mean_ms"] = Math.Round(figures.Mean, 4),
                ["assembly_p50_ms"] = Math.Round(figures.AssemblyP50, 4),
                ["assembly_p99_ms"] = Math.Round(figures.AssemblyP99, 4),
                ["onnx_p50_ms"] = Math.Round(figures.OnnxP50, 4),
                ["onnx_p99_ms"] = Math.Round(figures.OnnxP99, 4),
                ["allocated_bytes_per_request"] = Math.Round(figures.BytesPerRequest, 1),
                ["stage_p50_ms"] = Math.Round(served.P50, 4),
                ["stage_p99_ms"] = Math.Round(served.P99, 4),
                ["stage_allocated_bytes_per_request"] = Math.Round(served.BytesPerRequest, 1),
                ["threads"] = 1,
                ["processors"] = Environment.ProcessorCount,
            });
            return 0;
        })));
        return command;
    }

    private sealed record Figures(int Requests, double P50, double P99, double Mean, double AssemblyP50, double AssemblyP99, double OnnxP50, double OnnxP99, double BytesPerRequest);

    private static Figures Measure(SyntheticScoringWorld world, OnnxScorer scorer, int candidates, int requests, CancellationToken cancellationToken)
    {
        var assembler = new FeatureAssembler(world.Videos);
        var rows = new float[candidates * world.Layout.Count];
        var scores = new float[candidates];
        var total = new double[requests];
        var assembly = new double[requests];
        var onnx = new double[requests];
        var allocated = Requests(world, requests, cancellationToken, (i, user, list) =>
        {
            var start = Stopwatch.GetTimestamp();
            assembler.Assemble(user, list, rows);
            var assembled = Stopwatch.GetTimestamp();
            scorer.Score(rows, candidates, scores);
            var end = Stopwatch.GetTimestamp();
            if (i >= 0)
            {
                total[i] = Stopwatch.GetElapsedTime(start, end).TotalMilliseconds;
                assembly[i] = Stopwatch.GetElapsedTime(start, assembled).TotalMilliseconds;
                onnx[i] = Stopwatch.GetElapsedTime(assembled, end).TotalMilliseconds;
            }
        });

        var mean = total.Average();
        Array.Sort(total);
        Array.Sort(assembly);
        Array.Sort(onnx);
        return new Figures(requests, Percentile(total, 0.5), Percentile(total, 0.99), mean, Percentile(assembly, 0.5), Percentile(assembly, 0.99),
            Percentile(onnx, 0.5), Percentile(onnx, 0.99), allocated);
    }

    private static (double P50, double P99, double BytesPerRequest) MeasureStage(SyntheticScoringWorld world, RankerCandidateScorer stage, int requests, CancellationToken cancellationToken)
    {
        var total = new double[requests];
        var allocated = Requests(world, requests, cancellationToken, (i, user, list) =>
        {
            var start = Stopwatch.GetTimestamp();
            _ = stage.Score(user, list);
            var end = Stopwatch.GetTimestamp();
            if (i >= 0)
            {
                total[i] = Stopwatch.GetElapsedTime(start, end).TotalMilliseconds;
            }
        });

        Array.Sort(total);
        return (Percentile(total, 0.5), Percentile(total, 0.99), allocated);
    }

    /// <summary>
    /// Runs <paramref name="request"/> over the world's users and candidate lists: 200 warm-up requests (index &lt; 0),
    /// then <paramref name="requests"/> measured ones (index 0…). Returns the bytes the measured ones allocated on this
    /// thread, per request.
    /// </summary>
    private static double Requests(SyntheticScoringWorld world, int requests, CancellationToken cancellationToken, Action<int, ScoringUser, MergedCandidate[]> request)
    {
        const int warmUp = 200;
        long allocated = 0;
        for (var i = -warmUp; i < requests; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var user = world.Users[(i + warmUp) % world.Users.Length];
            var list = world.Requests[(i + warmUp) % world.Requests.Length];
            var before = GC.GetAllocatedBytesForCurrentThread();
            request(i, user, list);
            if (i >= 0)
            {
                allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            }
        }

        return (double)allocated / requests;
    }

    private static double Percentile(double[] sorted, double q) => Percentiles.NearestRank(sorted, q);
}
