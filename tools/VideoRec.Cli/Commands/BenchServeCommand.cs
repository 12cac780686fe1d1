using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;
using VideoRec.Cli.Infrastructure;

namespace VideoRec.Cli.Commands;

/// <summary>
/// <c>vrec bench serve</c>: the recommend endpoint under load on the local host with the embedded defaults, on a
/// synthetic world: requests/s and latency p50/p95/p99 per number of concurrent clients, and the process's memory.
/// </summary>
public static class BenchServeCommand
{
    public static Command Create()
    {
        var videos = CommonOptions.Range(new Option<int>("--videos") { Description = "Videos in the synthetic catalogue.", DefaultValueFactory = _ => 1_000_000 }, 100, 50_000_000);
        var users = CommonOptions.Range(new Option<int>("--users") { Description = "Users with a history (requests pick among them).", DefaultValueFactory = _ => 100_000 }, 1, 10_000_000);
        var clients = new Option<string>("--clients") { Description = "Concurrent clients, one load level each (comma-separated); the top-level JSON figures are the last level's.", DefaultValueFactory = _ => "1,8,32", HelpName = "LIST" };
        var requests = CommonOptions.Range(new Option<int>("--requests") { Description = "Requests per load level.", DefaultValueFactory = _ => 2000 }, 10, 10_000_000);
        var k = CommonOptions.K("Videos per page.", 500, 20);
        var dim = CommonOptions.Range(new Option<int>("--dim") { Description = "Embedding dimensions of both spaces.", DefaultValueFactory = _ => 64 }, 2, 1024);
        var views = CommonOptions.Range(new Option<int>("--views") { Description = "View events behind popularity.", DefaultValueFactory = _ => 5_000_000 }, 1, 500_000_000);
        var cold = new Option<double>("--cold-share") { Description = "Share of requests from unknown users (cold start).", DefaultValueFactory = _ => 0.05 };
        var seed = new Option<int>("--seed") { Description = "Seed of the world and the request sequence.", DefaultValueFactory = _ => 42 };
        var cache = new Option<string>("--cache")
        {
            Description = "Folder keeping the synthetic bundle and its HNSW indexes between runs (the first run at 1M videos builds two indexes: minutes).",
            DefaultValueFactory = _ => Path.Combine(Path.GetTempPath(), "vrec-bench-serve"),
            HelpName = "DIR",
        };
        var json = CommonOptions.Json();
        var command = new Command("serve", "Benchmark the recommend endpoint over HTTP on 127.0.0.1 (embedded defaults, 1,000 candidates scored per request): requests/s, p50/p95/p99 latency per concurrency, memory.")
        {
            videos, users, clients, requests, k, dim, views, cold, seed, cache, json,
        };
        command.SetAction((parse, cancellationToken) => ErrorReporting.RunAsync(async () =>
        {
            JsonOutput.CheckWritable(parse.GetValue(json));
            var levels = ListOption.Ints(parse.GetValue(clients)!, "--clients");
            if (levels.Any(c => c is < 1 or > 1024))
            {
                throw new CliException("--clients: each level must be between 1 and 1024.");
            }

            var coldShare = parse.GetValue(cold);
            if (!(coldShare >= 0 && coldShare <= 1))
            {
                throw new CliException("--cold-share must be between 0 and 1.");
            }

            var settings = new ServeBenchmarkSettings(parse.GetValue(videos), parse.GetValue(users), parse.GetValue(dim), parse.GetValue(views), levels,
                parse.GetValue(requests), parse.GetValue(k), coldShare, parse.GetValue(seed), Path.GetFullPath(parse.GetValue(cache)!));
            var (setup, runs) = await ServeBenchmark.RunAsync(settings, line => AnsiConsole.MarkupLine(Markup.Escape(line)), cancellationToken);
            var memory = PeakMemory.Megabytes();
            var table = new Table().Border(TableBorder.Rounded).Title($"Recommend endpoint · {settings.Videos:N0} videos · {settings.Users:N0} users · k = {settings.K}");
            foreach (var column in new[] { "clients", "requests/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors", "degraded" })
            {
                table.AddColumn(new TableColumn(column).RightAligned());
            }

            foreach (var run in runs)
            {
                table.AddRow($"{run.Clients}", $"{run.Rps:F0}", $"{run.P50Ms:F1}", $"{run.P95Ms:F1}", $"{run.P99Ms:F1}", $"{run.MaxMs:F1}", $"{run.Errors}", $"{run.Degraded}");
            }

            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine($"Peak memory of the serving process (host and load generator together): {memory:F0} MiB.");
            var last = runs[^1];
            var output = new JsonObject
            {
                ["benchmark"] = "serve",
                ["clients"] = last.Clients,
                ["rps"] = Math.Round(last.Rps, 1),
                ["p50_ms"] = Math.Round(last.P50Ms, 3),
                ["p95_ms"] = Math.Round(last.P95Ms, 3),
                ["p99_ms"] = Math.Round(last.P99Ms, 3),
                ["memory_mb"] = Math.Round(memory, 1),
                ["runs"] = new JsonArray([.. runs.Select(r => (JsonNode?)new JsonObject
                {
                    ["clients"] = r.Clients,
                    ["requests"] = r.Requests,
                    ["seconds"] = Math.Round(r.Seconds, 3),
                    ["rps"] = Math.Round(r.Rps, 1),
                    ["p50_ms"] = Math.Round(r.P50Ms, 3),
                    ["p95_ms"] = Math.Round(r.P95Ms, 3),
                    ["p99_ms"] = Math.Round(r.P99Ms, 3),
                    ["max_ms"] = Math.Round(r.MaxMs, 3),
                    ["errors"] = r.Errors,
                    ["degraded"] = r.Degraded,
                    ["inside"] = r.Stages.DeepClone(),
                })]),
                ["setup"] = setup,
                ["threads"] = Environment.ProcessorCount,
            };
            JsonOutput.Write(parse.GetValue(json), output);
            return runs.Any(r => r.Errors > 0) ? 1 : 0;
        }));
        return command;
    }
}
