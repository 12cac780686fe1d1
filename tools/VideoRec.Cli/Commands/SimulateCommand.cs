using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using VideoRec.Cli.Infrastructure;
using VideoRec.Core.Online;
using VideoRec.Core.Simulation;
using VideoRec.Core.Simulation.ClosedLoop;
using VideoRec.Local.Sqlite;

namespace VideoRec.Cli.Commands;

/// <summary>
/// <c>vrec simulate</c>: a deterministic closed-loop A/B experiment on a simulated world. Users are split across the
/// arms by the stable-hash assignment; each day every arm serves, the simulated users respond, the responses go through
/// event validation and the embedded feature store, the lists into the impression log, and the models refresh.
/// </summary>
public static class SimulateCommand
{
    public static Command Create()
    {
        var users = CommonOptions.Range(new Option<int>("--users") { Description = "Simulated users.", DefaultValueFactory = _ => 2_000 }, 1, 10_000_000);
        var videos = CommonOptions.Range(new Option<int>("--videos") { Description = "Simulated videos.", DefaultValueFactory = _ => 5_000 }, 10, 10_000_000);
        var days = CommonOptions.Range(new Option<int>("--days") { Description = "Closed-loop days.", DefaultValueFactory = _ => 7 }, 1, 365);
        var warmup = CommonOptions.Range(new Option<int>("--warmup-days") { Description = "Days of organic history the first models train on.", DefaultValueFactory = _ => 7 }, 1, 365);
        var arms = new Option<string>("--arms")
        {
            Description = $"Comma-separated arms, users split evenly: {string.Join(", ", SimulationArms.All)}.",
            DefaultValueFactory = _ => "popularity,wals,pipeline",
            HelpName = "LIST",
        };
        var experimentFile = new Option<string?>("--experiment")
        {
            Description = "A JSON experiment, used instead of --arms: {\"name\", \"arms\": [{\"name\", \"traffic\", \"pipeline\": {\"policy\", \"sources\", \"rerank\"}}]}.",
            HelpName = "FILE",
        };
        var topics = CommonOptions.Range(new Option<int>("--topics") { Description = "Latent topics of the world.", DefaultValueFactory = _ => 40 }, 2, 10_000);
        var seed = new Option<int>("--seed") { Description = "Seed of the world; the behaviour's seed derives from it.", DefaultValueFactory = _ => 42 };
        var pageSize = CommonOptions.Range(new Option<int>("--page-size") { Description = "Videos per served list.", DefaultValueFactory = _ => 10 }, 1, 100);
        var database = new Option<string?>("--db")
        {
            Description = "SQLite file that keeps the feature store and impression log of the run (default: a temporary file, deleted).",
            HelpName = "FILE",
        };
        var json = CommonOptions.Json();
        var command = new Command("simulate", "Run a deterministic closed-loop A/B experiment on a simulated world and report CTR (95% Wilson interval), watch time per user, completions, feedback and catalogue coverage per arm.")
        {
            users, videos, days, warmup, arms, experimentFile, topics, seed, pageSize, database, json,
        };
        command.SetAction((parse, cancellationToken) => ErrorReporting.RunAsync(async () =>
        {
            JsonOutput.CheckWritable(parse.GetValue(json));
            var armNames = (parse.GetValue(arms) ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (armNames.FirstOrDefault(a => !SimulationArms.All.Contains(a)) is { } unknown)
            {
                throw new CliException($"--arms: unknown arm '{unknown}'; the arms are {string.Join(", ", SimulationArms.All)}.");
            }

            if (armNames.Length == 0 || armNames.Distinct().Count() != armNames.Length)
            {
                throw new CliException("--arms: name one or more arms, each once.");
            }

            var experiment = parse.GetValue(experimentFile) is { } file ? ReadExperiment(file) : null;
            var worldOptions = new SimulationOptions { Users = parse.GetValue(users), Videos = parse.GetValue(videos), Topics = parse.GetValue(topics), Seed = parse.GetValue(seed) };
            var loopOptions = new ClosedLoopOptions
            {
                Arms = armNames,
                Days = parse.GetValue(days),
                WarmupDays = parse.GetValue(warmup),
                PageSize = parse.GetValue(pageSize),
                Seed = Core.Common.Seeds.Derive(worldOptions.Seed, 10),
                Experiment = experiment,
            };
            if (loopOptions.Validate() is { Count: > 0 } problems)
            {
                throw new CliException($"--experiment: {problems[0]}");
            }

            var path = parse.GetValue(database);
            var temporary = path is null ? Directory.CreateTempSubdirectory("vrec-simulate-") : null;
            try
            {
                var db = DatabaseFiles.Open(path ?? Path.Combine(temporary!.FullName, "simulate.db"));
                var clock = Stopwatch.StartNew();
                var world = ConsoleProgress.Status("Creating the world…", () => SimulatedWorld.Create(worldOptions));
                var simulation = new ClosedLoopSimulation(world, loopOptions, new SqliteFeatureStore(db), new SqliteImpressionLog(db));
                var result = ConsoleProgress.Run(ctx =>
                {
                    var line = ctx.Add("warm-up", loopOptions.Days + 2);
                    return simulation.RunAsync(new InlineProgress<ClosedLoopProgress>(p =>
                    {
                        line.Description = p.Stage;
                        line.Value = p.Done;
                    }), cancellationToken).GetAwaiter().GetResult();
                });
                var seconds = clock.Elapsed.TotalSeconds;
                Print(result, seconds);
                JsonOutput.Write(parse.GetValue(json), ToJson(result, loopOptions, worldOptions, seconds));
                return 0;
            }
            finally
            {
                if (temporary is not null)
                {
                    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                    temporary.Delete(recursive: true);
                }
            }
        }, parse.GetValue(database)));
        return command;
    }

    private static void Print(ClosedLoopResult result, double seconds)
    {
        // The main figures; every figure is in --json.
        var baseline = result.Arms[0];
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"simulate: {result.Users:N0} users × {result.Videos:N0} videos × {result.Days} days");
        foreach (var column in new[] { "arm", "CTR", "95% CI", $"vs {baseline.Name}", "watch s/user", "95% CI", "compl.", "cover.", "ILD" })
        {
            table.AddColumn(new TableColumn(Markup.Escape(column)).RightAligned());
        }

        foreach (var a in result.Arms)
        {
            table.AddRow(
                Markup.Escape(a.Name), $"{a.Ctr:P2}", $"{a.CtrLow:P2}–{a.CtrHigh:P2}", a == baseline ? "—" : Relative(a.Ctr, baseline.Ctr),
                $"{a.WatchSecondsPerUser:N0}", $"{a.WatchSecondsPerUserLow:N0}–{a.WatchSecondsPerUserHigh:N0}",
                $"{a.CompletionRate:P0}", $"{a.Coverage:P0}", a.IntraListDiversity is { } d ? $"{d:F2}" : "—");
        }

        // Redirected output reports 80 columns: widen while writing the table so rows do not wrap, then restore.
        var width = AnsiConsole.Profile.Width;
        try
        {
            AnsiConsole.Profile.Width = Math.Max(width, 140);
            AnsiConsole.Write(table);
        }
        finally
        {
            AnsiConsole.Profile.Width = width;
        }

        var ingest = result.Ingestion;
        AnsiConsole.MarkupLine($"{ingest.Events:N0} events validated and applied through the ingestion path ({ingest.EventsPerSecond:N0} events/s), {ingest.Impressions:N0} lists logged; {seconds:F1} s in all.");
    }

    /// <summary>Reads an experiment JSON file (<c>{"name", "arms": [{"name", "traffic", "pipeline": {…}}]}</c>); errors name <c>--experiment</c>, the file and the line.</summary>
    public static ExperimentOptions ReadExperiment(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<ExperimentOptions>(File.ReadAllText(path), new JsonSerializerOptions(JsonSerializerDefaults.Web))
                ?? throw new CliException($"--experiment: {path} holds null.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"--experiment: cannot read {path}: {e.Message}");
        }
        catch (JsonException e)
        {
            throw new CliException($"--experiment: {path} line {e.LineNumber + 1}: {e.Message.Split(" Path:", 2)[0]}");
        }
    }

    private static string Relative(double value, double baseline) =>
        baseline == 0 ? "—" : (value / baseline - 1).ToString("+0.0%;-0.0%;0.0%", CultureInfo.InvariantCulture);

    /// <summary>The JSON contract: <c>{"arms": {"&lt;name&gt;": {"ctr", "ctr_ci", "watch_seconds_per_user", "coverage", …}}, …}</c>.</summary>
    public static JsonObject ToJson(ClosedLoopResult result, ClosedLoopOptions loop, SimulationOptions world, double seconds)
    {
        ArgumentNullException.ThrowIfNull(result);
        var arms = new JsonObject();
        foreach (var a in result.Arms)
        {
            arms[a.Name] = new JsonObject
            {
                ["ctr"] = a.Ctr,
                ["ctr_ci"] = new JsonArray(a.CtrLow, a.CtrHigh),
                ["watch_seconds_per_user"] = a.WatchSecondsPerUser,
                ["watch_seconds_per_user_ci"] = new JsonArray(a.WatchSecondsPerUserLow, a.WatchSecondsPerUserHigh),
                ["coverage"] = a.Coverage,
                ["users"] = a.Users,
                ["requests"] = a.Requests,
                ["impressions"] = a.Impressions,
                ["clicks"] = a.Clicks,
                ["watch_seconds"] = a.WatchSeconds,
                ["completions"] = a.Completions,
                ["completion_rate"] = a.CompletionRate,
                ["likes_per_thousand"] = a.LikesPerThousand,
                ["dislikes_per_thousand"] = a.DislikesPerThousand,
                ["intra_list_diversity"] = a.IntraListDiversity,
                ["mean_true_relevance"] = a.MeanRelevance,
                ["degraded_requests"] = a.DegradedRequests,
            };
        }

        return new JsonObject
        {
            ["arms"] = arms,
            ["users"] = result.Users,
            ["videos"] = result.Videos,
            ["topics"] = world.Topics,
            ["days"] = result.Days,
            ["warmup_days"] = loop.WarmupDays,
            ["page_size"] = loop.PageSize,
            ["seed"] = world.Seed,
            ["events"] = result.Ingestion.Events,
            ["events_applied"] = result.Ingestion.Applied,
            ["lists_logged"] = result.Ingestion.Impressions,
            ["ingest_seconds"] = Math.Round(result.Ingestion.IngestSeconds, 3),
            ["ingest_events_per_second"] = Math.Round(result.Ingestion.EventsPerSecond, 0),
            ["seconds"] = Math.Round(seconds, 2),
            ["processors"] = Environment.ProcessorCount,
            ["memory_mb"] = Math.Round(PeakMemory.Megabytes(), 1),
        };
    }
}
