using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;
using VideoRec.Cli.Infrastructure;
using VideoRec.Core.Domain;
using VideoRec.Core.Features;
using VideoRec.Core.Feedback;
using VideoRec.Core.Models.TwoTower;
using VideoRec.Training.TwoTower;
using VideoRec.TwoTower.Features;
using VideoRec.TwoTower.Onnx;
using VideoRec.TwoTower.Serving;
using VideoRec.TwoTower.Towers;

namespace VideoRec.Cli.Commands;

/// <summary>
/// <c>vrec bench twotower</c>: two-tower training time per epoch on a real dataset (ML-100K) and, extrapolated from a
/// fixed number of batches, on a synthetic 1M-user × 200k-video world with dense and with sparse embedding updates; then
/// the ONNX user tower's latency at batch 1 and the video tower's throughput at batch 1024.
/// </summary>
public static class BenchTwoTowerCommand
{
    /// <summary>Width of the title and search vectors: all-MiniLM-L6-v2's, as served. The vectors are stand-ins (see below).</summary>
    private const int TextDimensions = 384;

    private const int LatencyCalls = 2000;
    private const int LatencyWarmUp = 200;
    private const int VideoBatch = 1024;
    private const int VideoBatches = 10;

    public static Command Create()
    {
        var data = new Option<string?>("--data")
        {
            Description = "Data folder whose training time per epoch is measured: MovieLens 100K (such as ../shared/data/ml-100k), or any folder import reads.",
            HelpName = "DIR",
            Required = true,
        };
        var users = CommonOptions.Range(new Option<int>("--users") { Description = "Users of the synthetic world.", DefaultValueFactory = _ => 1_000_000 }, 100, 20_000_000);
        var videos = CommonOptions.Range(new Option<int>("--videos") { Description = "Videos of the synthetic world.", DefaultValueFactory = _ => 200_000 }, 10, 10_000_000);
        var interactions = CommonOptions.Range(new Option<int>("--interactions") { Description = "Mean relevant videos per synthetic user.", DefaultValueFactory = _ => 20 }, 1, 1000);
        var steps = CommonOptions.Range(new Option<int>("--steps") { Description = "Synthetic training batches timed (after a short warm-up), dense and sparse each.", DefaultValueFactory = _ => 200 }, 1, 100_000);
        var threads = CommonOptions.Range(new Option<int>("--threads")
        {
            Description = "LibTorch intra-op threads for training (default: 1 on machines with two cores or fewer, else every core). The ONNX towers run on 1 thread, as served.",
            DefaultValueFactory = _ => Environment.ProcessorCount <= 2 ? 1 : Environment.ProcessorCount,
        }, 1, 256);
        var json = CommonOptions.Json();
        var command = new Command("twotower", "Benchmark the two-tower network: training seconds per epoch (the data, and a synthetic 1M-user world with dense and sparse embedding updates), ONNX user-tower latency and video-tower throughput.")
        {
            data, users, videos, interactions, steps, threads, json,
        };
        command.SetAction((parse, cancellationToken) => Task.FromResult(ErrorReporting.Run(() =>
        {
            JsonOutput.CheckWritable(parse.GetValue(json));
            var (userCount, videoCount, perUser, stepCount, threadCount) = (parse.GetValue(users), parse.GetValue(videos), parse.GetValue(interactions), parse.GetValue(steps), parse.GetValue(threads));
            var warmUp = Math.Clamp(stepCount / 10, 1, 20);
            var expectedPairs = (long)userCount * Math.Min(perUser, Math.Max(1, videoCount / 2));
            var batchSize = new TwoTowerOptions().BatchSize;
            if (expectedPairs * 9 / 10 / batchSize < warmUp + stepCount)
            {
                throw new CliException($"--steps: the synthetic world has about {expectedPairs / batchSize:N0} batches of {batchSize} per epoch, fewer than the {warmUp + stepCount} to run ({warmUp} warm-up); lower --steps or raise --users.");
            }

            // Measured: about 400 bytes per pair at peak (pairs, histories, examples, features) plus 2 KB per user and video.
            var needed = 400L * expectedPairs + 2048L * (userCount + videoCount);
            var available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
            if (needed > available * 0.8)
            {
                throw new CliException($"the synthetic world needs about {needed >> 20} MiB and {available >> 20} MiB are available; lower --users, --videos or --interactions.");
            }

            var import = DataLoading.Load(new DataRequest(parse.GetValue(data), 4, 2, RelevancePolicy.Default));
            var real = MeasureData(import.Dataset, threadCount, cancellationToken);
            var synthetic = MeasureSynthetic(userCount, videoCount, perUser, stepCount, warmUp, threadCount, cancellationToken);
            Print(import.Dataset.Name, real, synthetic, threadCount);
            JsonOutput.Write(parse.GetValue(json), new JsonObject
            {
                ["benchmark"] = "twotower",
                ["dataset"] = import.Dataset.Name,
                ["threads"] = threadCount,
                ["processors"] = Environment.ProcessorCount,
                ["text_dimensions"] = TextDimensions,
                ["batch_size"] = batchSize,
                ["ml100k_examples"] = real.Examples,
                ["ml100k_epoch_s"] = Math.Round(real.EpochSeconds.Average(), 3),
                ["ml100k_epoch_seconds"] = new JsonArray([.. real.EpochSeconds.Select(s => (JsonNode)Math.Round(s, 3))]),
                ["ml100k_examples_per_s"] = Math.Round(real.Examples / real.EpochSeconds.Average(), 1),
                ["user_tower_p50_ms"] = Math.Round(real.UserP50, 4),
                ["user_tower_p99_ms"] = Math.Round(real.UserP99, 4),
                ["user_tower_encode_p50_ms"] = Math.Round(real.EncodeP50, 4),
                ["user_tower_encode_p99_ms"] = Math.Round(real.EncodeP99, 4),
                ["user_tower_calls"] = LatencyCalls,
                ["video_tower_videos_per_s"] = Math.Round(real.VideosPerSecond, 1),
                ["video_tower_encode_videos_per_s"] = Math.Round(real.EncodeVideosPerSecond, 1),
                ["towers"] = $"trained {real.EpochSeconds.Length} epochs on {import.Dataset.Name}",
                ["synthetic_users"] = synthetic.Users,
                ["synthetic_videos"] = synthetic.Videos,
                ["synthetic_pairs"] = synthetic.Pairs,
                ["synthetic_interactions_per_user"] = perUser,
                ["synthetic_generation_s"] = Math.Round(synthetic.GenerationSeconds, 2),
                ["synthetic_setup_s"] = Math.Round(synthetic.Dense.SetupSeconds, 2),
                ["synthetic_steps"] = stepCount,
                ["synthetic_batches_per_epoch"] = synthetic.BatchesPerEpoch,
                ["synthetic_batch_ms"] = Math.Round(synthetic.Dense.BatchMs, 2),
                ["synthetic_epoch_s"] = Math.Round(synthetic.Dense.BatchMs * synthetic.BatchesPerEpoch / 1000, 1),
                ["synthetic_examples_per_s"] = Math.Round(batchSize * 1000 / synthetic.Dense.BatchMs, 1),
                ["synthetic_batch_ms_dense"] = Math.Round(synthetic.Dense.BatchMs, 2),
                ["synthetic_batch_ms_sparse"] = Math.Round(synthetic.Sparse.BatchMs, 2),
                ["synthetic_epoch_s_sparse"] = Math.Round(synthetic.Sparse.BatchMs * synthetic.BatchesPerEpoch / 1000, 1),
                ["synthetic_examples_per_s_sparse"] = Math.Round(batchSize * 1000 / synthetic.Sparse.BatchMs, 1),
                ["synthetic_loss_dense"] = Math.Round(synthetic.Dense.Loss, 4),
                ["synthetic_loss_sparse"] = Math.Round(synthetic.Sparse.Loss, 4),
                ["synthetic_memory_mb"] = Math.Round(synthetic.PeakMegabytes, 1),
                ["synthetic_working_set_mb"] = Math.Round(synthetic.WorkingSetMegabytes, 1),
                ["sparse_optimizer"] = "nn.Embedding(sparse: true) tables updated by SparseAdam (lazy Adam, tools/VideoRec.Training); TorchSharp 0.107 has no SparseAdam, its Adam fails on sparse gradients and its Adagrad refuses them",
            });
            return 0;
        })));
        return command;
    }

    private sealed record DataFigures(int Examples, double[] EpochSeconds, double UserP50, double UserP99, double EncodeP50, double EncodeP99, double VideosPerSecond, double EncodeVideosPerSecond);

    private sealed record StepTiming(double SetupSeconds, double BatchMs, double Loss);

    private sealed record SyntheticFigures(int Users, int Videos, int Pairs, int BatchesPerEpoch, double GenerationSeconds, StepTiming Dense, StepTiming Sparse, double PeakMegabytes, double WorkingSetMegabytes);

    /// <summary>
    /// Two epochs of default training on every pair of <paramref name="dataset"/> (no validation), then the latency of
    /// the exported towers. Title vectors are seeded random unit vectors of the served width: time depends on shapes,
    /// not values.
    /// </summary>
    private static DataFigures MeasureData(Dataset dataset, int threads, CancellationToken cancellationToken)
    {
        var pairs = DatasetPairs.From(dataset);
        var table = pairs.Table;
        var policy = RelevancePolicy.Default;
        var titles = StandInTitles(table.Videos.Ids);
        var spec = FeatureSpecBuilder.Build(dataset, table, table.Pairs, "stand-in-384", TextDimensions);
        var encoder = new TwoTowerEncoder(spec);
        var examples = table.Pairs.Count(p => policy.Label(p.Feedback, pairs.DurationSeconds[p.Video]) == Relevance.Positive);
        var options = new TwoTowerOptions { Epochs = 2, Patience = 0, Threads = threads };
        var result = ConsoleProgress.Run(scope =>
        {
            var task = scope.Add($"Training on {Markup.Escape(dataset.Name)}", 1);
            return TwoTowerTrainer.Fit(encoder, dataset, table, table.Pairs, titles, policy, pairs.DurationSeconds, options,
                steps: new InlineProgress<TwoTowerStep>(s =>
                {
                    task.MaxValue = s.Batches * options.Epochs;
                    task.Value = (s.Epoch - 1) * s.Batches + s.Batch;
                }), cancellationToken: cancellationToken);
        });

        using var model = TwoTowerModel.FromWeights(spec, result.User, result.Video, new OnnxTowerOptions { IntraOpThreads = 1 });
        var features = new DatasetFeatures(dataset, table, UserHistories.Build(table.Pairs, table.Users.Count, policy, pairs.DurationSeconds), titles);
        var (userP50, userP99, encodeP50, encodeP99) = ConsoleProgress.Status("Timing the ONNX user tower…", () => UserLatency(model, features));
        var (videosPerSecond, encodeVideosPerSecond) = ConsoleProgress.Status("Timing the ONNX video tower…", () => VideoThroughput(model, features));
        return new DataFigures(examples, [.. result.History.Select(e => e.Elapsed.TotalSeconds)], userP50, userP99, encodeP50, encodeP99, videosPerSecond, encodeVideosPerSecond);
    }

    /// <summary>
    /// User tower at batch 1, one user per call in turn: the tower alone on encoded inputs, and encoding plus the tower
    /// (from <see cref="UserFeatures"/> as the feature store would give them). Calls alternate so both see the same noise.
    /// </summary>
    private static (double P50, double P99, double EncodeP50, double EncodeP99) UserLatency(TwoTowerModel model, DatasetFeatures features)
    {
        var users = Enumerable.Range(0, features.Table.Users.Count).Select(u => features.User(u)).ToArray();
        var encoded = users.Select(u => model.Encoder.Users([u])).ToArray();
        var output = new float[model.Dimensions];
        var embed = new double[LatencyCalls];
        var encode = new double[LatencyCalls];
        for (var i = -LatencyWarmUp; i < LatencyCalls; i++)
        {
            var u = (i + LatencyWarmUp) % users.Length;
            var start = Stopwatch.GetTimestamp();
            model.UserTower.Embed(encoded[u], output);
            var middle = Stopwatch.GetTimestamp();
            model.UserTower.Embed(model.Encoder.Users([users[u]]), output);
            var end = Stopwatch.GetTimestamp();
            if (i >= 0)
            {
                embed[i] = Stopwatch.GetElapsedTime(start, middle).TotalMilliseconds;
                encode[i] = Stopwatch.GetElapsedTime(middle, end).TotalMilliseconds;
            }
        }

        Array.Sort(embed);
        Array.Sort(encode);
        return (embed[LatencyCalls / 2], embed[LatencyCalls * 99 / 100], encode[LatencyCalls / 2], encode[LatencyCalls * 99 / 100]);
    }

    /// <summary>Video tower at batch 1024 over the catalogue (cycled): videos per second on encoded inputs, and with encoding.</summary>
    private static (double VideosPerSecond, double EncodeVideosPerSecond) VideoThroughput(TwoTowerModel model, DatasetFeatures features)
    {
        var count = features.Table.Videos.Count;
        var batches = Enumerable.Range(0, 2)
            .Select(b => Enumerable.Range(b * VideoBatch, VideoBatch).Select(i => features.Video(i % count)).ToArray())
            .ToArray();
        var encoded = batches.Select(b => model.Encoder.Videos(b)).ToArray();
        var output = new float[VideoBatch * model.Dimensions];
        model.VideoTower.Embed(encoded[0], output); // warm-up
        model.VideoTower.Embed(model.Encoder.Videos(batches[1]), output);
        var embedTime = TimeSpan.Zero;
        var encodeTime = TimeSpan.Zero;
        for (var i = 0; i < VideoBatches; i++)
        {
            var start = Stopwatch.GetTimestamp();
            model.VideoTower.Embed(encoded[i % 2], output);
            var middle = Stopwatch.GetTimestamp();
            model.VideoTower.Embed(model.Encoder.Videos(batches[i % 2]), output);
            embedTime += Stopwatch.GetElapsedTime(start, middle);
            encodeTime += Stopwatch.GetElapsedTime(middle);
        }

        return (VideoBatch * VideoBatches / embedTime.TotalSeconds, VideoBatch * VideoBatches / encodeTime.TotalSeconds);
    }

    /// <summary>
    /// Generates the synthetic world, then times <paramref name="steps"/> training batches after <paramref name="warmUp"/>,
    /// once with dense Adam on every table and once with sparse tables and <see cref="SparseAdam"/>.
    /// </summary>
    private static SyntheticFigures MeasureSynthetic(int users, int videos, int perUser, int steps, int warmUp, int threads, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var world = ConsoleProgress.Status($"Generating a synthetic world of {users:N0} users × {videos:N0} videos…",
            () => SyntheticTwoTowerData.Generate(users, videos, perUser, seed: 42, textDimensions: TextDimensions));
        var generation = clock.Elapsed.TotalSeconds;
        var table = world.Pairs.Table;
        var options = new TwoTowerOptions { Epochs = 1, Patience = 0, Threads = threads, MaxBatchesPerEpoch = warmUp + steps };
        var batchesPerEpoch = (table.Pairs.Count + options.BatchSize - 1) / options.BatchSize;
        if (batchesPerEpoch < warmUp + steps)
        {
            throw new CliException($"--steps: the synthetic world has {batchesPerEpoch:N0} batches per epoch, fewer than the {warmUp + steps} to run ({warmUp} warm-up); lower --steps or raise --users.");
        }

        AnsiConsole.MarkupLine($"Synthetic world: {table.Users.Count:N0} users × {table.Videos.Count:N0} videos, {table.Pairs.Count:N0} relevant pairs " +
            $"({perUser} per user on average), generated in {generation:F1} s; timing {steps} batches of {options.BatchSize} after {warmUp} warm-up, dense then sparse.");
        var spec = FeatureSpecBuilder.Build(world.Dataset, table, table.Pairs, "synthetic-topic-vectors", TextDimensions);
        var encoder = new TwoTowerEncoder(spec);

        StepTiming Time(bool sparse) => ConsoleProgress.Run(scope =>
        {
            var task = scope.Add(sparse ? "Sparse embeddings" : "Dense embeddings", warmUp + steps);
            var stamps = new List<long>(warmUp + steps);
            var loss = double.NaN;
            var start = Stopwatch.GetTimestamp();
            TwoTowerTrainer.Fit(encoder, world.Dataset, table, table.Pairs, world.TitleEmbeddings, RelevancePolicy.Default, world.Pairs.DurationSeconds,
                options with { SparseEmbeddings = sparse }, steps: new InlineProgress<TwoTowerStep>(s =>
                {
                    stamps.Add(Stopwatch.GetTimestamp());
                    loss = s.Loss;
                    task.Value = s.Batch;
                }), cancellationToken: cancellationToken);
            return new StepTiming(Stopwatch.GetElapsedTime(start, stamps[0]).TotalSeconds,
                Stopwatch.GetElapsedTime(stamps[warmUp - 1], stamps[warmUp + steps - 1]).TotalMilliseconds / steps, loss);
        });

        var dense = Time(sparse: false);
        var sparse = Time(sparse: true);
        var workingSet = Process.GetCurrentProcess().WorkingSet64 / (1024.0 * 1024.0);
        GC.KeepAlive(world);
        return new SyntheticFigures(table.Users.Count, table.Videos.Count, table.Pairs.Count, batchesPerEpoch, generation, dense, sparse, PeakMemory.Megabytes(), workingSet);
    }

    private static Dictionary<string, float[]> StandInTitles(IReadOnlyList<string> videoIds)
    {
        var random = new Random(42);
        var titles = new Dictionary<string, float[]>(videoIds.Count, StringComparer.Ordinal);
        foreach (var id in videoIds)
        {
            var vector = new float[TextDimensions];
            for (var d = 0; d < vector.Length; d++)
            {
                vector[d] = random.NextSingle() - 0.5f;
            }

            var norm = MathF.Sqrt(System.Numerics.Tensors.TensorPrimitives.SumOfSquares<float>(vector));
            System.Numerics.Tensors.TensorPrimitives.Divide(vector, norm, vector);
            titles[id] = vector;
        }

        return titles;
    }

    private static void Print(string dataset, DataFigures real, SyntheticFigures synthetic, int threads)
    {
        static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
        var name = Markup.Escape(dataset);
        var table = new Table().Border(TableBorder.Rounded).Title("bench twotower").AddColumn("Figure").AddColumn(new TableColumn("Value").RightAligned());
        table.AddRow($"{name}: seconds per epoch ({real.Examples:N0} examples, {threads} thread{(threads == 1 ? "" : "s")})",
            $"{F(real.EpochSeconds.Average(), "F2")} s ({string.Join(", ", real.EpochSeconds.Select(s => F(s, "F2")))}) · {F(real.Examples / real.EpochSeconds.Average(), "N0")} examples/s");
        table.AddRow($"Synthetic {synthetic.Users:N0} × {synthetic.Videos:N0}, {synthetic.Pairs:N0} pairs: dense Adam", $"{F(synthetic.Dense.BatchMs, "F1")} ms/batch · {F(synthetic.Dense.BatchMs * synthetic.BatchesPerEpoch / 1000, "N0")} s/epoch ({synthetic.BatchesPerEpoch:N0} batches)");
        table.AddRow("Synthetic: sparse embeddings (SparseAdam) + Adam", $"{F(synthetic.Sparse.BatchMs, "F1")} ms/batch · {F(synthetic.Sparse.BatchMs * synthetic.BatchesPerEpoch / 1000, "N0")} s/epoch · {F(synthetic.Dense.BatchMs / synthetic.Sparse.BatchMs, "F1")}× faster");
        table.AddRow("Synthetic: mean loss over the timed batches, dense / sparse", $"{F(synthetic.Dense.Loss, "F3")} / {F(synthetic.Sparse.Loss, "F3")}");
        table.AddRow("Synthetic: generation, training setup (first batch included)", $"{F(synthetic.GenerationSeconds, "F1")} s, {F(synthetic.Dense.SetupSeconds, "F1")} s");
        table.AddRow("Peak memory (working set now)", $"{F(synthetic.PeakMegabytes, "N0")} MiB ({F(synthetic.WorkingSetMegabytes, "N0")} MiB)");
        table.AddRow("ONNX user tower, batch 1: p50 / p99", $"{F(real.UserP50, "F3")} / {F(real.UserP99, "F3")} ms");
        table.AddRow("  with encoding: p50 / p99", $"{F(real.EncodeP50, "F3")} / {F(real.EncodeP99, "F3")} ms");
        table.AddRow("ONNX video tower, batch 1024 (with encoding)", $"{F(real.VideosPerSecond, "N0")} ({F(real.EncodeVideosPerSecond, "N0")}) videos/s");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"[grey]Towers trained {real.EpochSeconds.Length} epochs on {name}; {TextDimensions}-d stand-in title vectors (random on {name}, one per topic on the synthetic world); ONNX on 1 thread.[/]");
    }
}
