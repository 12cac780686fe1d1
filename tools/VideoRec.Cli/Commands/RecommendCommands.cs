using System.CommandLine;
using Spectre.Console;
using VideoRec.Cli.Infrastructure;
using VideoRec.Core.Bundles;
using VideoRec.Core.Serving;

namespace VideoRec.Cli.Commands;

/// <summary><c>vrec recommend</c> and <c>vrec similar</c>: query a bundle through the same handler the HTTP API uses.</summary>
public static class RecommendCommands
{
    public static Command Recommend()
    {
        var model = CommonOptions.Model();
        var user = new Option<string>("--user") { Description = "The user id. Unknown users get popular videos (cold start).", Required = true, HelpName = "ID" };
        var k = CommonOptions.K("How many videos.", 500);
        var json = CommonOptions.Json();
        var country = new Option<string?>("--country") { Description = "The viewer's country (ISO 3166-1 alpha-2): videos not allowed there are never shown.", HelpName = "CODE" };
        var language = new Option<string?>("--language") { Description = "The viewer's language (BCP 47): only videos in it (or of unknown language) are proposed.", HelpName = "TAG" };
        var device = new Option<string?>("--device") { Description = "The device, such as mobile, desktop, tv.", HelpName = "NAME" };
        var pageToken = new Option<string?>("--page-token") { Description = "The nextPageToken of the previous page.", HelpName = "TOKEN" };
        var explain = new Option<bool>("--explain") { Description = "Also print what re-ranking removed, per-source counts and stage timings." };
        var command = new Command("recommend", "Recommend a homepage page for a user from a trained bundle: candidate generation → scoring → re-ranking, as the HTTP API does.")
        {
            model, user, k, country, language, device, pageToken, explain, json,
        };
        command.SetAction(parse => ErrorReporting.Run(() =>
        {
            var query = new Core.Serving.Recommend.RecommendQuery
            {
                UserId = parse.GetValue(user),
                K = parse.GetValue(k),
                Country = parse.GetValue(country),
                Language = parse.GetValue(language),
                Device = parse.GetValue(device),
                PageToken = parse.GetValue(pageToken),
                Explain = parse.GetValue(explain),
            };
            var response = ValueOrThrow(Handler(parse.GetValue(model)!).RecommendAsync(query).GetAwaiter().GetResult(), new Dictionary<string, string>
            {
                ["userId"] = "--user", ["k"] = "--k", ["country"] = "--country", ["language"] = "--language", ["device"] = "--device", ["pageToken"] = "--page-token",
            });
            AnsiConsole.Write(Rendering.Items($"Top {response.Items.Count} for user {Markup.Escape(response.UserId)} · model {response.ModelVersion}", response.Items));
            foreach (var problem in response.Degraded)
            {
                AnsiConsole.MarkupLine($"[yellow]Degraded:[/] {Markup.Escape(problem)}");
            }

            if (response.Explain is { } why)
            {
                AnsiConsole.MarkupLine($"Scorer {why.Scorer}, {why.Candidates} candidates, cold start: {(why.ColdStart ? "yes" : "no")}.");
                AnsiConsole.MarkupLine("Sources: " + Markup.Escape(string.Join(", ", why.Sources.Select(s => $"{s.Source} {s.Status} {s.Proposed}→{s.Selected}"))));
                AnsiConsole.MarkupLine("Stages: " + Markup.Escape(string.Join(", ", why.Stages.Select(s => $"{s.Stage} {s.ElapsedMs:F1} ms{(s.Degraded is null ? "" : $" ({s.Degraded})")}"))));
                foreach (var removed in why.Removed)
                {
                    AnsiConsole.MarkupLine($"  removed {Markup.Escape(removed.VideoId)} ({removed.Rule}): {Markup.Escape(removed.Reason)}");
                }
            }

            if (response.NextPageToken.Length > 0)
            {
                AnsiConsole.MarkupLine($"Next page: --page-token {Markup.Escape(response.NextPageToken)}");
            }

            JsonOutput.WriteObject(parse.GetValue(json), response);
            return 0;
        }));
        return command;
    }

    public static Command Similar()
    {
        var model = CommonOptions.Model();
        var video = new Option<string>("--video") { Description = "The video id.", Required = true, HelpName = "ID" };
        var k = CommonOptions.K("How many videos.", 500);
        var json = CommonOptions.Json();
        var command = new Command("similar", "List the videos most similar to a video (cosine of WALS factors).") { model, video, k, json };
        command.SetAction(parse => ErrorReporting.Run(() =>
        {
            var response = ValueOrThrow(Handler(parse.GetValue(model)!).Similar(parse.GetValue(video), parse.GetValue(k)),
                new Dictionary<string, string> { ["videoId"] = "--video", ["k"] = "--k" });
            AnsiConsole.Write(Rendering.Items($"Most similar to video {Markup.Escape(response.VideoId)} · model {response.ModelVersion}", response.Items));
            JsonOutput.WriteObject(parse.GetValue(json), response);
            return 0;
        }));
        return command;
    }

    /// <summary>The handler over the bundle at <paramref name="modelPath"/>, with offline budgets: a one-shot command wants the answer, not a fallback.</summary>
    public static RecommendationHandler Handler(string modelPath) => Handler(ModelBundle.Load(modelPath));

    /// <summary>The handler over <paramref name="bundle"/>, with offline budgets.</summary>
    public static RecommendationHandler Handler(ModelBundle bundle)
    {
        var options = Core.Serving.Recommend.ServingModelOptions.Offline();
        var host = new Core.Serving.Recommend.ServingModelHost(new FixedModelBundleProvider(bundle),
            new Core.Serving.Recommend.ServingModelBuilder(options, new Core.Serving.Recommend.ExactServingIndexProvider(), TwoTower.Serving.TwoTowerServingLoader.Load,
                Scoring.Serving.RankerServing.Factory()));
        return new RecommendationHandler(host, new ServingOptions(), options);
    }

    /// <summary>The value of a handler outcome, or a CLI error that names the option.</summary>
    private static T ValueOrThrow<T>(Outcome<T> outcome, IReadOnlyDictionary<string, string> fieldToOption)
    {
        if (outcome.Errors is { } errors)
        {
            throw new CliException(string.Join(" ", errors.Select(e => $"{fieldToOption.GetValueOrDefault(e.Key, e.Key)}: {string.Join(" ", e.Value)}")));
        }

        return outcome.NotFound is { } missing ? throw new CliException(missing) : outcome.Value!;
    }
}
