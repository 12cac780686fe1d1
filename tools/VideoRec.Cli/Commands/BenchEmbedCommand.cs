using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;
using VideoRec.Cli.Infrastructure;
using VideoRec.Core.Embeddings;
using VideoRec.Import;
using VideoRec.Local.Embeddings;
using VideoRec.Local.Sqlite;

namespace VideoRec.Cli.Commands;

/// <summary>
/// <c>vrec bench embed</c>: sentence-encoder throughput on real titles (batch 1, batch 32, and two callers at once on
/// one thread each) and the size of the SQLite embedding store per million videos.
/// </summary>
public static class BenchEmbedCommand
{
    public static Command Create()
    {
        var data = CommonOptions.Data();
        var titles = CommonOptions.Range(new Option<int>("--titles") { Description = "Titles embedded per measurement (taken from the data, repeated when it has fewer).", DefaultValueFactory = _ => 2000 }, 32, 1_000_000);
        var threads = CommonOptions.Range(new Option<int>("--threads") { Description = "ONNX Runtime intra-op threads (default: every core).", DefaultValueFactory = _ => Environment.ProcessorCount }, 1, 256);
        var storeVideos = CommonOptions.Range(new Option<int>("--store-videos") { Description = "Videos written to a scratch store to measure its size (title and tag embeddings each).", DefaultValueFactory = _ => 20_000 }, 100, 10_000_000);
        var json = CommonOptions.Json();
        var command = new Command("embed", "Benchmark the all-MiniLM-L6-v2 encoder (titles per second at batch 1 and 32) and the embedding store size per million videos.")
        {
            data, titles, threads, storeVideos, json,
        };
        command.SetAction((parse, cancellationToken) => ErrorReporting.RunAsync(async () =>
        {
            JsonOutput.CheckWritable(parse.GetValue(json));
            var import = DataLoading.Load(new DataRequest(parse.GetValue(data), 4, 2, Core.Feedback.RelevancePolicy.Default));
            var source = import.Dataset.Videos.Values.Select(v => EmbeddingText.Of(v, Core.Embeddings.VideoTextField.Title)).Where(t => t.Length > 0).Order(StringComparer.Ordinal).ToArray();
            if (source.Length == 0)
            {
                throw new CliException("--data: the data has no titles to embed.");
            }

            var count = parse.GetValue(titles);
            var texts = Enumerable.Range(0, count).Select(i => source[i % source.Length]).ToArray();
            var threadCount = parse.GetValue(threads);
            using var encoder = new MiniLmEmbeddingGenerator(new MiniLmOptions { IntraOpThreads = threadCount, BatchSize = 32 });
            using var single = new MiniLmEmbeddingGenerator(new MiniLmOptions { IntraOpThreads = 1, BatchSize = 32 });
            encoder.Embed(texts.Take(64).ToArray(), cancellationToken); // warm-up
            single.Embed(texts.Take(64).ToArray(), cancellationToken);
            var tokens = texts.Take(500).Average(t => encoder.Tokenize(t).Length);

            var (batch1, batch1P50, batch1P99) = Measure(texts, 1, t => encoder.Embed(t, cancellationToken));
            var (batch32, batch32P50, _) = Measure(texts, 32, t => encoder.Embed(t, cancellationToken));
            var parallelClock = Stopwatch.StartNew();
            Parallel.For(0, threadCount, new ParallelOptions { MaxDegreeOfParallelism = threadCount, CancellationToken = cancellationToken }, worker =>
            {
                for (var start = worker * 32; start < texts.Length; start += 32 * threadCount)
                {
                    single.Embed(texts.AsSpan(start, Math.Min(32, texts.Length - start)).ToArray(), cancellationToken);
                }
            });
            var parallel = texts.Length / parallelClock.Elapsed.TotalSeconds;

            var (bytes, stored) = await StoreSizeAsync(parse.GetValue(storeVideos), cancellationToken);
            var perMillion = bytes / (double)stored * 1_000_000;

            var table = new Table().Border(TableBorder.Rounded).Title("bench embed").AddColumn("Figure").AddColumn(new TableColumn("Value").RightAligned());
            table.AddRow("Titles (mean tokens with [[CLS]]/[[SEP]])", $"{texts.Length:N0} ({tokens:F1})");
            table.AddRow($"Batch 1, {threadCount} intra-op threads", $"{batch1:N0} titles/s · p50 {batch1P50:F2} ms · p99 {batch1P99:F2} ms per call");
            table.AddRow($"Batch 32, {threadCount} intra-op threads", $"{batch32:N0} titles/s · {1000 / batch32:F2} ms per title · p50 {batch32P50:F1} ms per batch");
            table.AddRow($"Batch 32, {threadCount} callers × 1 thread", $"{parallel:N0} titles/s · {1000 / parallel:F2} ms per title");
            table.AddRow("SQLite store per million videos (title + tags, 384-d)", $"{perMillion / (1 << 30):F2} GiB ({bytes / (double)stored:N0} bytes per video, measured on {stored:N0})");
            table.AddRow("Raw float32 vectors per million videos", $"{2.0 * 384 * 4 * 1_000_000 / (1 << 30):F2} GiB");
            AnsiConsole.Write(table);
            JsonOutput.Write(parse.GetValue(json), new JsonObject
            {
                ["titles"] = texts.Length,
                ["mean_tokens"] = Math.Round(tokens, 2),
                ["threads"] = threadCount,
                ["batch1_titles_per_second"] = Math.Round(batch1, 1),
                ["batch1_p50_ms"] = Math.Round(batch1P50, 3),
                ["batch1_p99_ms"] = Math.Round(batch1P99, 3),
                ["batch32_titles_per_second"] = Math.Round(batch32, 1),
                ["batch32_ms_per_title"] = Math.Round(1000 / batch32, 3),
                ["parallel_batch32_titles_per_second"] = Math.Round(parallel, 1),
                ["store_bytes_per_video"] = Math.Round(bytes / (double)stored, 1),
                ["store_gib_per_million_videos"] = Math.Round(perMillion / (1 << 30), 3),
            });
            return 0;
        }));
        return command;
    }

    /// <summary>Titles per second, and the median and 99th-percentile call time in ms, embedding <paramref name="texts"/> in calls of <paramref name="batch"/>.</summary>
    private static (double PerSecond, double P50, double P99) Measure(string[] texts, int batch, Action<string[]> embed)
    {
        var calls = new List<double>(texts.Length / batch + 1);
        var clock = Stopwatch.StartNew();
        for (var start = 0; start < texts.Length; start += batch)
        {
            var call = Stopwatch.StartNew();
            embed(texts.AsSpan(start, Math.Min(batch, texts.Length - start)).ToArray());
            calls.Add(call.Elapsed.TotalMilliseconds);
        }

        var perSecond = texts.Length / clock.Elapsed.TotalSeconds;
        calls.Sort();
        return (perSecond, calls[calls.Count / 2], calls[Math.Min(calls.Count - 1, (int)(calls.Count * 0.99))]);
    }

    /// <summary>Writes title and tag embeddings of <paramref name="videos"/> synthetic videos to a scratch database and measures the table.</summary>
    private static async Task<(long Bytes, int Videos)> StoreSizeAsync(int videos, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("vrec-bench-embed-");
        try
        {
            var db = new SqliteDatabase(Path.Combine(folder.FullName, "store.db"));
            var store = new SqliteEmbeddingStore(db);
            var random = new Random(42);
            for (var start = 0; start < videos; start += 1000)
            {
                var chunk = new List<VideoTextEmbedding>();
                for (var i = start; i < Math.Min(videos, start + 1000); i++)
                {
                    var id = "video-" + i.ToString("D9", CultureInfo.InvariantCulture);
                    foreach (var field in new[] { VideoTextField.Title, VideoTextField.Tags })
                    {
                        var vector = new float[MiniLmEmbeddingGenerator.Dimensions];
                        for (var d = 0; d < vector.Length; d++)
                        {
                            vector[d] = (float)(random.NextDouble() - 0.5);
                        }

                        chunk.Add(new VideoTextEmbedding(id, field, MiniLmEmbeddingGenerator.DefaultModelId, EmbeddingText.Hash("bench", id + field), vector));
                    }
                }

                await store.UpsertVideoEmbeddingsAsync(chunk, cancellationToken);
            }

            return (store.VideoEmbeddingBytes(), videos);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }
}
