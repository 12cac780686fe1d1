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
        var command = new Command("recommend", "Recommend videos for a user from a trained bundle.") { model, user, k, json };
        command.SetAction(parse => ErrorReporting.Run(() =>
        {
            var response = ValueOrThrow(Handler(parse.GetValue(model)!).RecommendAsync(parse.GetValue(user), parse.GetValue(k)).GetAwaiter().GetResult(),
                new Dictionary<string, string> { ["userId"] = "--user", ["k"] = "--k" });
            AnsiConsole.Write(Rendering.Items($"Top {response.Items.Count} for user {Markup.Escape(response.UserId)} · model {response.ModelVersion}", response.Items));
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

    private static RecommendationHandler Handler(string modelPath) => new(new FixedModelBundleProvider(ModelBundle.Load(modelPath)), new ServingOptions());

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
