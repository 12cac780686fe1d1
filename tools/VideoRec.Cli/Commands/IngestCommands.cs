using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using Spectre.Console;
using VideoRec.Cli.Infrastructure;
using VideoRec.Core.Bundles;
using VideoRec.Core.Embeddings;
using VideoRec.Core.Ingestion;
using VideoRec.Core.Serving;
using VideoRec.Local.Embeddings;
using VideoRec.Local.Sqlite;

namespace VideoRec.Cli.Commands;

/// <summary><c>vrec ingest</c> and <c>vrec worker</c>: the ingestion path without HTTP, on the embedded store and queue.</summary>
public static class IngestCommands
{
    private static Option<string> Database() => new("--db")
    {
        Description = "SQLite file of the feature store and event queue.",
        HelpName = "FILE",
        DefaultValueFactory = _ => "vrec.db",
    };

    /// <summary>
    /// <c>vrec ingest --file EVENTS.jsonl</c>: validates events exactly as POST /api/events does, in batches of up to
    /// 1,000, and queues the accepted ones; a refused event is reported with its file line and fields.
    /// </summary>
    public static Command Ingest()
    {
        var database = Database();
        var file = new Option<string>("--file") { Description = "Events, one JSON object per line (JSON Lines).", HelpName = "FILE", Required = true };
        var batchSize = CommonOptions.Range(new Option<int>("--batch-size") { Description = "Events per queued batch (as one POST).", DefaultValueFactory = _ => 1000 }, 1, 1000);
        var json = CommonOptions.Json();
        var command = new Command("ingest", "Validate events from a JSON Lines file (one event per line) as POST /api/events does and queue the accepted ones.")
        {
            database, file, batchSize, json,
        };
        command.SetAction((parse, cancellationToken) => ErrorReporting.RunAsync(async () =>
        {
            var path = parse.GetValue(file)!;
            JsonOutput.CheckWritable(parse.GetValue(json));
            if (!File.Exists(path))
            {
                throw new CliException($"--file: {path} not found.");
            }

            var db = DatabaseFiles.Open(parse.GetValue(database)!);
            var store = new SqliteFeatureStore(db);
            var queue = new SqliteEventQueue(db, TimeProvider.System);
            var options = new IngestionOptions();
            var handler = new IngestionHandler(store, queue, options, TimeProvider.System);
            var (accepted, rejected, batches) = (0, 0, 0);
            var problems = new List<string>();
            foreach (var lines in Chunks(path, parse.GetValue(batchSize), options.MaxBodyBytes))
            {
                var chunk = new List<(int Line, string Text)>(lines.Count);
                foreach (var (line, text) in lines)
                {
                    var bytes = Encoding.UTF8.GetByteCount(text) + 2;
                    if (bytes > options.MaxBodyBytes)
                    {
                        rejected++;
                        problems.Add($"{path}:{line}: the event is {bytes - 2:N0} bytes; a request body holds at most {options.MaxBodyBytes:N0}.");
                        continue;
                    }

                    try
                    {
                        using var _ = System.Text.Json.JsonDocument.Parse(text);
                        chunk.Add((line, text));
                    }
                    catch (System.Text.Json.JsonException e)
                    {
                        rejected++;
                        problems.Add($"{path}:{line}: not a JSON value: {e.Message.Split(" LineNumber:", 2)[0]}");
                    }
                }

                if (chunk.Count == 0)
                {
                    continue;
                }

                var body = Encoding.UTF8.GetBytes("[" + string.Join(",", chunk.Select(l => l.Text)) + "]");
                var (failure, response) = await handler.AcceptEventsAsync(body, cancellationToken);
                if (failure is not null)
                {
                    throw new CliException($"{path}:{chunk[0].Line}-{chunk[^1].Line}: {failure.Message}");
                }

                accepted += response!.Accepted.Count;
                rejected += response.Rejected.Count;
                batches += response.BatchId is null ? 0 : 1;
                foreach (var r in response.Rejected)
                {
                    problems.Add($"{path}:{chunk[r.Index].Line}: {string.Join(" ", r.Errors.SelectMany(e => e.Value))}");
                }
            }

            foreach (var problem in problems.Take(20))
            {
                Console.Error.WriteLine(problem);
            }

            if (problems.Count > 20)
            {
                Console.Error.WriteLine($"… and {problems.Count - 20} more refused events.");
            }

            AnsiConsole.MarkupLine($"Queued {accepted:N0} events in {batches:N0} batches; refused {rejected:N0}.");
            JsonOutput.Write(parse.GetValue(json), new JsonObject { ["accepted"] = accepted, ["rejected"] = rejected, ["batches"] = batches });
            return rejected > 0 ? 2 : 0;
        }, parse.GetValue(database)));
        return command;
    }

    /// <summary><c>vrec worker</c>: drains the queue into the store (the local queue trigger), refreshing WALS vectors when a model is given.</summary>
    public static Command Worker()
    {
        var database = Database();
        var model = new Option<string?>("--model") { Description = "A model bundle (or folder with CURRENT) whose factors refresh user vectors by fold-in.", HelpName = "DIR" };
        var untilEmpty = new Option<bool>("--until-empty") { Description = "Exit once the queue is empty instead of waiting for more." };
        var receive = CommonOptions.Range(new Option<int>("--receive") { Description = "Queue messages taken per round.", DefaultValueFactory = _ => 16 }, 1, 32);
        var mergeUpTo = CommonOptions.Range(new Option<int>("--merge-up-to") { Description = "Most events applied in one transaction.", DefaultValueFactory = _ => 1000 }, 1, 100_000);
        var noEmbeddings = new Option<bool>("--no-embeddings") { Description = "Do not keep text embeddings (search events queue no refresh; the embedding refresh queue is left alone)." };
        var command = new Command("worker", "Process the event queue into the feature store (aggregates, statistics, fold-in vectors) and the embedding refresh queue into text embeddings.")
        {
            database, model, untilEmpty, receive, mergeUpTo, noEmbeddings,
        };
        command.SetAction((parse, cancellationToken) => ErrorReporting.RunAsync(async () =>
        {
            var db = DatabaseFiles.Open(parse.GetValue(database)!);
            var store = new SqliteFeatureStore(db);
            var queue = new SqliteEventQueue(db, TimeProvider.System);
            var options = new IngestionOptions();
            var refresher = parse.GetValue(model) is { } path ? new WalsFoldInRefresher(new FixedModelBundleProvider(ModelBundle.Load(path))) : null;
            var refreshQueue = parse.GetValue(noEmbeddings) ? null : new SqliteEmbeddingRefreshQueue(db, TimeProvider.System);
            var processor = new EventBatchProcessor(store, new IngestionRules(options, refresher), queue, embeddingRefresh: refreshQueue);
            var worker = new QueueWorker(queue, processor, options) { ReceiveBatch = parse.GetValue(receive), MergeUpTo = parse.GetValue(mergeUpTo) };
            using var encoder = refreshQueue is null ? null : new MiniLmEmbeddingGenerator();
            var embeddingOptions = new EmbeddingOptions();
            var embeddings = refreshQueue is null
                ? null
                : new EmbeddingRefreshWorker(refreshQueue, new EmbeddingRefreshHandler(store, new SqliteEmbeddingStore(db), encoder!, embeddingOptions), embeddingOptions);
            if (!parse.GetValue(untilEmpty))
            {
                AnsiConsole.MarkupLine("Processing the queues (Ctrl+C to stop)…");
                await Task.WhenAll(
                    worker.RunAsync(TimeSpan.FromMilliseconds(200), cancellationToken),
                    embeddings?.RunAsync(TimeSpan.FromMilliseconds(200), cancellationToken) ?? Task.CompletedTask);
                return 0;
            }

            var handled = 0;
            int count;
            while ((count = await worker.DrainOnceAsync(worker.ReceiveBatch, cancellationToken)) > 0 || queue.Count() > 0)
            {
                handled += count;
                if (count == 0)
                {
                    await Task.Delay(100, cancellationToken);
                }
            }

            var refreshed = worker.RefreshedUsers + await processor.RefreshVectorsAsync(cancellationToken);
            AnsiConsole.MarkupLine($"Processed {handled:N0} queue messages and refreshed {refreshed:N0} user vectors; {queue.Poisoned().Count:N0} poison entries in total.");
            if (embeddings is not null)
            {
                var done = await embeddings.DrainAsync(cancellationToken);
                AnsiConsole.MarkupLine(
                    $"Text embeddings: {done.TextsEmbedded:N0} video texts embedded ({done.TextsUnchanged:N0} unchanged), {done.UsersUpdated:N0} search histories updated " +
                    $"({done.QueriesEmbedded:N0} queries embedded, {done.QueryCacheHits:N0} from the cache); {refreshQueue!.Poisoned().Count:N0} refresh poison entries in total.");
            }
            return 0;
        }, parse.GetValue(database)));
        return command;
    }

    /// <summary>
    /// The non-blank lines with their numbers, in chunks of at most <paramref name="size"/> lines whose request body
    /// ("[" + lines joined by "," + "]") is at most <paramref name="maxBytes"/> UTF-8 bytes, as the endpoint requires.
    /// </summary>
    private static IEnumerable<List<(int Line, string Text)>> Chunks(string path, int size, int maxBytes)
    {
        var chunk = new List<(int, string)>(size);
        var chunkBytes = 1; // "["
        var line = 0;
        foreach (var text in File.ReadLines(path, new UTF8Encoding(false, throwOnInvalidBytes: true)))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            // The line and its "," or "]"; a line too large for any body is refused on its own and takes no room.
            var bytes = Encoding.UTF8.GetByteCount(text) + 1;
            bytes = bytes + 1 > maxBytes ? 0 : bytes;
            if (chunk.Count > 0 && chunkBytes + bytes > maxBytes)
            {
                yield return chunk;
                chunk = new List<(int, string)>(size);
                chunkBytes = 1;
            }

            chunk.Add((line, text));
            chunkBytes += bytes;
            if (chunk.Count == size)
            {
                yield return chunk;
                chunk = new List<(int, string)>(size);
                chunkBytes = 1;
            }
        }

        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }
}
