using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;
using VideoRec.Cli.Infrastructure;
using VideoRec.Core.Models.Wals;
using VideoRec.Core.Synthetic;

namespace VideoRec.Cli.Commands;

/// <summary><c>vrec bench wals</c>: seconds per WALS iteration on a synthetic MovieLens-20M-shaped matrix.</summary>
public static class BenchWalsCommand
{
    public static Command Create()
    {
        var users = CommonOptions.Range(new Option<int>("--users") { Description = "Users (rows), up to 100 million.", DefaultValueFactory = _ => 138_000 }, 1, 100_000_000);
        var videos = CommonOptions.Range(new Option<int>("--videos") { Description = "Videos (columns), up to 100 million.", DefaultValueFactory = _ => 27_000 }, 1, 100_000_000);
        var nnz = CommonOptions.Range(new Option<long>("--nnz") { Description = "Observed pairs.", DefaultValueFactory = _ => 10_000_000 }, 1L, 1_000_000_000L);
        var factors = CommonOptions.Range(new Option<int>("--factors") { Description = "Latent factors.", DefaultValueFactory = _ => 64 }, 1, 1024);
        var threads = CommonOptions.Range(new Option<int>("--threads") { Description = "Training threads (default: every core).", DefaultValueFactory = _ => Environment.ProcessorCount }, 1, 1024);
        var solver = CommonOptions.OneOf(new Option<string>("--solver") { Description = "cg (default) or cholesky.", DefaultValueFactory = _ => "cg" }, "cg", "cholesky");
        var iterations = CommonOptions.Range(new Option<int>("--iterations") { Description = "Measured iterations (1 to 100) after one warm-up; the figure is their median.", DefaultValueFactory = _ => 5 }, 1, 100);
        var json = CommonOptions.Json();
        var command = new Command("wals", "Benchmark WALS training on a synthetic MovieLens-20M-shaped matrix (power-law popularity): seconds per iteration, threads, peak memory.")
        {
            users, videos, nnz, factors, threads, solver, iterations, json,
        };
        command.SetAction((parse, cancellationToken) => Task.FromResult(ErrorReporting.Run(() =>
        {
            JsonOutput.CheckWritable(parse.GetValue(json));
            var (userCount, videoCount, pairCount, factorCount) = (parse.GetValue(users), parse.GetValue(videos), parse.GetValue(nnz), parse.GetValue(factors));
            if (pairCount < userCount || pairCount > (long)userCount * Math.Max(1, videoCount / 2))
            {
                throw new CliException($"--nnz must be between --users ({userCount}) and --users × --videos / 2 ({(long)userCount * Math.Max(1, videoCount / 2)}), found {pairCount}.");
            }

            // Matrix and transpose (12 bytes per pair each), factors and Gramian copies (4 bytes per value, about 3 copies).
            var needed = 24L * pairCount + 12L * ((long)userCount + videoCount) * factorCount;
            var available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
            if (needed > available * 0.8)
            {
                throw new CliException($"this size needs about {needed >> 20} MiB and {available >> 20} MiB are available; lower --users, --videos, --nnz or --factors.");
            }

            var generation = Stopwatch.StartNew();
            var matrix = ConsoleProgress.Status("Generating the synthetic matrix…", () =>
                SyntheticFeedback.Generate(userCount, videoCount, pairCount, seed: 42));
            var generationSeconds = generation.Elapsed.TotalSeconds;
            var threadCount = parse.GetValue(threads);
            var solverName = parse.GetValue(solver)!;
            var options = new WalsOptions
            {
                Factors = parse.GetValue(factors),
                Iterations = parse.GetValue(iterations) + 1,
                Solver = solverName == "cholesky" ? WalsSolver.Cholesky : WalsSolver.ConjugateGradient,
                MaxDegreeOfParallelism = threadCount,
                ComputeLoss = false,
            };
            AnsiConsole.MarkupLine($"Matrix [[{matrix.Rows:N0} users × {matrix.Columns:N0} videos]], {matrix.NonZeros:N0} pairs, generated in {generationSeconds:F1} s. " +
                $"Training {options.Iterations} iterations ({solverName}, k = {options.Factors}, {threadCount} threads), the first a warm-up.");

            var seconds = new List<double>();
            var model = ConsoleProgress.Run(ctx =>
            {
                var task = ctx.Add("WALS", options.Iterations);
                return WalsTrainer.Fit(matrix, options, new InlineProgress<WalsIteration>(it =>
                {
                    seconds.Add(it.Seconds);
                    task.Description = $"iteration {it.Iteration}/{it.Of}: {it.Seconds:F3} s";
                    task.Value = it.Iteration;
                }), cancellationToken: cancellationToken);
            });

            var measured = seconds.Skip(1).Order().ToArray();
            var median = measured.Length % 2 == 1 ? measured[measured.Length / 2] : (measured[measured.Length / 2 - 1] + measured[measured.Length / 2]) / 2;
            var memory = PeakMemory.Megabytes();
            var (foldInP50, foldInP99, foldInHistory) = FoldInLatency(model, matrix);
            var table = new Table().Border(TableBorder.Rounded).Title("bench wals");
            table.AddColumn("Figure");
            table.AddColumn(new TableColumn("Value").RightAligned());
            table.AddRow("seconds per iteration (median)", median.ToString("F3", CultureInfo.InvariantCulture));
            table.AddRow("iterations measured", measured.Length.ToString(CultureInfo.InvariantCulture));
            table.AddRow("threads", threadCount.ToString(CultureInfo.InvariantCulture));
            table.AddRow("peak memory (MiB)", memory.ToString("F0", CultureInfo.InvariantCulture));
            table.AddRow($"fold-in p50 / p99 (µs, mean history {foldInHistory:F0})", $"{foldInP50:F1} / {foldInP99:F1}");
            AnsiConsole.Write(table);

            JsonOutput.Write(parse.GetValue(json), new JsonObject
            {
                ["benchmark"] = "wals",
                ["seconds_per_iteration"] = Math.Round(median, 4),
                ["threads"] = threadCount,
                ["memory_mb"] = Math.Round(memory, 1),
                ["users"] = matrix.Rows,
                ["videos"] = matrix.Columns,
                ["nnz"] = matrix.NonZeros,
                ["factors"] = options.Factors,
                ["solver"] = solverName,
                ["iteration_seconds"] = new JsonArray([.. seconds.Select(s => (JsonNode)Math.Round(s, 4))]),
                ["generation_seconds"] = Math.Round(generationSeconds, 2),
                ["fold_in_p50_us"] = Math.Round(foldInP50, 2),
                ["fold_in_p99_us"] = Math.Round(foldInP99, 2),
                ["processors"] = Environment.ProcessorCount,
            });
            return 0;
        })));
        return command;
    }

    /// <summary>Latency of <see cref="WalsModel.FoldIn"/> over 2,000 seeded random users' full histories, one thread.</summary>
    private static (double P50, double P99, double MeanHistory) FoldInLatency(WalsModel model, Core.Matrix.SparseMatrix matrix)
    {
        var random = new Random(7);
        var micros = new double[2000];
        var history = 0L;
        for (var i = -200; i < micros.Length; i++)
        {
            var u = random.Next(matrix.Rows);
            var start = matrix.RowStart[u];
            var count = matrix.RowStart[u + 1] - start;
            var clock = Stopwatch.GetTimestamp();
            model.FoldIn(matrix.ColumnIndices.AsSpan(start, count), matrix.Strength.AsSpan(start, count), matrix.Preference.AsSpan(start, count));
            if (i >= 0)
            {
                micros[i] = Stopwatch.GetElapsedTime(clock).TotalMicroseconds;
                history += count;
            }
        }

        Array.Sort(micros);
        return (micros[micros.Length / 2], micros[(int)(micros.Length * 0.99)], (double)history / micros.Length);
    }
}
