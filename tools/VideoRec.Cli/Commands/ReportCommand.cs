using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using VideoRec.Cli.Infrastructure;
using VideoRec.Core.Domain;
using VideoRec.Core.Online;
using VideoRec.Local.Sqlite;

namespace VideoRec.Cli.Commands;

/// <summary>
/// <c>vrec report</c>: an experiment report per arm (CTR, watch time, completions, feedback, coverage, diversity) with
/// 95% intervals and the relative difference against a control arm, from the impression log and events of a database
/// or from the JSON of <c>vrec simulate</c>; written as a self-contained HTML file next to a JSON file of the figures.
/// </summary>
public static class ReportCommand
{
    private static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Latest = new(2100, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static Command Create()
    {
        var database = new Option<string?>("--db") { Description = "SQLite file with the impression log and events (such as vrec simulate --db).", HelpName = "FILE" };
        var simulation = new Option<string?>("--simulation") { Description = "The --json file of vrec simulate.", HelpName = "FILE" };
        var from = new Option<string?>("--from") { Description = "With --db: start of the served-time range (ISO 8601; default: the whole log).", HelpName = "TIME" };
        var to = new Option<string?>("--to") { Description = "With --db: end of the range, exclusive.", HelpName = "TIME" };
        var control = new Option<string?>("--control") { Description = "The control arm (default: 'control' when present, else the first arm).", HelpName = "ARM" };
        var output = new Option<string>("--out") { Description = "The HTML file; the figures go to the same name with .json.", HelpName = "FILE", Required = true };
        var command = new Command("report", "Write an HTML experiment report (metrics per arm with 95% intervals and relative differences, charts) and its JSON figures.")
        {
            database, simulation, from, to, control, output,
        };
        command.SetAction((parse, cancellationToken) => ErrorReporting.RunAsync(async () =>
        {
            var (db, sim, html) = (parse.GetValue(database), parse.GetValue(simulation), parse.GetValue(output)!);
            if ((db is null) == (sim is null))
            {
                throw new CliException("give exactly one of --db and --simulation.");
            }

            if (!html.EndsWith(".html", StringComparison.OrdinalIgnoreCase) && !html.EndsWith(".htm", StringComparison.OrdinalIgnoreCase))
            {
                throw new CliException($"--out: {html} must end in .html (the JSON figures are written next to it).");
            }

            var jsonPath = Path.ChangeExtension(html, ".json");
            JsonOutput.CheckWritable(html, "--out");
            var arms = db is not null
                ? await FromDatabaseAsync(db, Time(parse.GetValue(from), "--from") ?? Earliest, Time(parse.GetValue(to), "--to") ?? Latest, cancellationToken)
                : FromSimulation(sim!);
            if (arms.Count == 0)
            {
                throw new CliException(db is not null ? $"{db}: no impressions in the range." : $"{sim}: no arms.");
            }

            var controlArm = parse.GetValue(control) ?? (arms.ContainsKey("control") ? "control" : arms.First().Key);
            if (!arms.ContainsKey(controlArm))
            {
                throw new CliException($"--control: no arm '{controlArm}'; the arms are {string.Join(", ", arms.Select(a => a.Key))}.");
            }

            AddRelativeDifferences(arms, controlArm);
            var report = new JsonObject
            {
                ["source"] = db is not null ? $"impression log of {Path.GetFullPath(db)}" : $"simulation {Path.GetFullPath(sim!)}",
                ["control"] = controlArm,
                ["arms"] = arms,
            };
            try
            {
                Core.Common.JsonFiles.Write(jsonPath, report);
                await File.WriteAllTextAsync(html, HtmlReport.Render(report), cancellationToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw JsonOutput.CannotWrite("--out", html, e);
            }

            foreach (var (name, arm) in arms)
            {
                AnsiConsole.MarkupLine(Markup.Escape($"{name}: CTR {(double)arm!["ctr"]!:P2} [{(double)arm["ctr_ci"]![0]!:P2}, {(double)arm["ctr_ci"]![1]!:P2}]" +
                    (arm["ctr_relative"] is { } r ? $", {(double)r:+0.0%;-0.0%} vs {controlArm}" : "")));
            }

            AnsiConsole.MarkupLine($"[grey]Wrote {Markup.Escape(Path.GetFullPath(html))} and {Markup.Escape(Path.GetFullPath(jsonPath))}[/]");
            return 0;
        }, parse.GetValue(database)));
        return command;
    }

    private static DateTimeOffset? Time(string? text, string option)
    {
        if (text is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time.ToUniversalTime()
            : throw new CliException($"{option}: '{text}' is not an ISO 8601 time (such as 2026-11-29T14:00:00Z).");
    }

    /// <summary>Per arm from the impression log and the events of the store, attributed as GET /api/metrics does.</summary>
    private static async Task<JsonObject> FromDatabaseAsync(string path, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new CliException($"--db: {path} does not exist.");
        }

        var database = DatabaseFiles.OpenReadOnly(path);
        var handler = new OnlineMetricsHandler(new SqliteImpressionLog(database), new SqliteFeatureStore(database), new AttributionOptions(), TimeProvider.System);
        OnlineMetricsSnapshot snapshot;
        try
        {
            snapshot = await handler.ComputeAsync(from, to, [MetricsDimension.Arm], cancellationToken);
        }
        catch (Microsoft.Data.Sqlite.SqliteException e)
        {
            throw new CliException($"--db: {path}: {DatabaseFiles.Reason(e)}");
        }

        var watch = new Dictionary<(string Arm, string User), double>();
        foreach (var impression in snapshot.Impressions)
        {
            watch.TryAdd((impression.Arm, impression.UserId), 0);
        }

        foreach (var a in snapshot.Attribution.Attributed.Where(a => a.Event.Type == InteractionType.Watch))
        {
            watch[(a.Impression.Arm, a.Impression.UserId)] += a.Event.Seconds ?? 0;
        }

        var arms = new JsonObject();
        foreach (var row in snapshot.Rows)
        {
            var arm = row.Group["arm"];
            var perUser = watch.Where(w => w.Key.Arm == arm).Select(w => w.Value).ToArray();
            var (mean, half) = MeanInterval(perUser);
            arms[arm] = new JsonObject
            {
                ["users"] = perUser.Length,
                ["requests"] = row.Requests,
                ["impressions"] = row.Impressions,
                ["clicks"] = row.Clicks,
                ["ctr"] = row.Ctr,
                ["ctr_ci"] = new JsonArray(row.CtrLow, row.CtrHigh),
                ["watch_seconds"] = row.WatchSeconds,
                ["watch_seconds_per_user"] = mean,
                ["watch_seconds_per_user_ci"] = new JsonArray(Math.Max(0, mean - half), mean + half),
                ["completions"] = row.Completions,
                ["completion_rate"] = row.CompletionRate,
                ["mean_watch_seconds"] = row.MeanWatchSeconds,
                ["likes_per_thousand"] = row.LikesPerThousand,
                ["dislikes_per_thousand"] = row.DislikesPerThousand,
                ["distinct_videos"] = row.DistinctVideos,
                ["coverage"] = row.Coverage,
                ["intra_list_diversity"] = row.IntraListDiversity,
            };
        }

        return arms;
    }

    /// <summary>Mean and 95% half-width (1.96 · sd / √n) of per-user values.</summary>
    private static (double Mean, double Half) MeanInterval(double[] values)
    {
        if (values.Length == 0)
        {
            return (0, 0);
        }

        var mean = values.Average();
        var sd = values.Length < 2 ? 0 : Math.Sqrt(values.Sum(x => (x - mean) * (x - mean)) / (values.Length - 1));
        return (mean, WilsonInterval.Z95 * sd / Math.Sqrt(values.Length));
    }

    private static JsonObject FromSimulation(string path)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"--simulation: cannot read {path}: {e.Message}");
        }
        catch (JsonException e)
        {
            throw new CliException($"--simulation: {path} is not JSON (line {e.LineNumber + 1}): {e.Message.Split(" LineNumber:", 2)[0]}");
        }

        if (node?["arms"] is not JsonObject arms || arms.Any(a => a.Value?["ctr"] is null || a.Value["impressions"] is null || a.Value["clicks"] is null))
        {
            throw new CliException($"--simulation: {path} is not the --json of vrec simulate (arms with ctr, impressions and clicks).");
        }

        var copy = arms.DeepClone().AsObject();
        foreach (var (_, arm) in copy)
        {
            var clicks = (double)arm!["clicks"]!;
            arm["mean_watch_seconds"] ??= clicks == 0 ? 0 : (double?)arm["watch_seconds"] / clicks;
        }

        return copy;
    }

    /// <summary>Adds <c>ctr_relative</c>(<c>_ci</c>) and <c>watch_relative</c>(<c>_ci</c>) against the control to every other arm.</summary>
    private static void AddRelativeDifferences(JsonObject arms, string control)
    {
        var c = arms[control]!;
        foreach (var (name, arm) in arms)
        {
            if (name == control)
            {
                continue;
            }

            if (RelativeDifference.OfProportions((long)arm!["clicks"]!, (long)arm["impressions"]!, (long)c["clicks"]!, (long)c["impressions"]!) is { } ctr)
            {
                arm["ctr_relative"] = ctr.Value;
                arm["ctr_relative_ci"] = new JsonArray(ctr.Low, ctr.High);
            }

            if (arm["watch_seconds_per_user_ci"] is JsonArray t && c["watch_seconds_per_user_ci"] is JsonArray k &&
                RelativeDifference.OfMeans((double)arm["watch_seconds_per_user"]!, StandardError(t), (double)c["watch_seconds_per_user"]!, StandardError(k)) is { } watch)
            {
                arm["watch_relative"] = watch.Value;
                arm["watch_relative_ci"] = new JsonArray(watch.Low, watch.High);
            }
        }
    }

    private static double StandardError(JsonArray interval) => ((double)interval[1]! - (double)interval[0]!) / (2 * WilsonInterval.Z95);
}
