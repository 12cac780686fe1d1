using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using VideoRec.Cli.Infrastructure;
using VideoRec.Core.Bundles;
using VideoRec.Core.Domain;
using VideoRec.Core.Evaluation;
using VideoRec.Core.Feedback;
using VideoRec.Core.Serving;

namespace VideoRec.Cli.Commands;

/// <summary><c>vrec demo</c>: the whole slice on the shipped data.</summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var data = new DataOptions();
        var wals = new WalsOptionSet();
        var output = TrainCommand.Output();
        var json = CommonOptions.Json();
        var database = new Option<string>("--db") { Description = "SQLite feature store that receives the catalogue and its text embeddings (serve and embed read it).", HelpName = "FILE", DefaultValueFactory = _ => "vrec.db" };
        var noEmbeddings = new Option<bool>("--no-embeddings") { Description = "Skip the text-embedding step." };
        var command = new Command("demo", "The whole slice on the shipped data: import, evaluate WALS against popularity and random, train, recommend for three users, embed titles and tags.");
        data.AddTo(command);
        command.Add(output);
        wals.AddTo(command);
        command.Add(database);
        command.Add(noEmbeddings);
        command.Add(json);
        command.SetAction((parse, cancellationToken) => Task.FromResult(ErrorReporting.Run(() =>
            Run(data.Read(parse), wals.Read(parse), parse.GetValue(output)!, parse.GetValue(noEmbeddings) ? null : parse.GetValue(database), parse.GetValue(json), cancellationToken))));
        return command;
    }

    private static int Run(DataRequest request, Core.Models.Wals.WalsOptions wals, string output, string? databasePath, string? jsonPath, CancellationToken cancellationToken)
    {
        JsonOutput.CheckWritable(jsonPath);
        TrainCommand.CheckOutputFolder(output);
        var clock = Stopwatch.StartNew();
        AnsiConsole.Write(new Rule("[bold]VideoRec demo[/]").LeftJustified());
        var import = DataLoading.Load(request);
        var data = DatasetPairs.From(import.Dataset);

        AnsiConsole.Write(new Rule("1. Offline evaluation").LeftJustified());
        var report = EvaluateCommand.Run(data, new EvaluationOptions { TrainPolicy = request.Relevance, TestPolicy = request.Relevance },
            wals with { ComputeLoss = false }, cancellationToken);
        AnsiConsole.Write(Rendering.Metrics(report));

        AnsiConsole.Write(new Rule("2. Training on all the data").LeftJustified());
        var bundle = BundleTraining.TrainBundle(import, new BundleTrainingOptions { Wals = wals, Relevance = request.Relevance }, cancellationToken);
        var path = bundle.Save(output);
        AnsiConsole.MarkupLine($"Model [bold]{bundle.Version}[/] written to {Markup.Escape(Path.GetFullPath(path))}.");

        AnsiConsole.Write(new Rule("3. Recommendations").LeftJustified());
        var handler = RecommendCommands.Handler(bundle);
        var lists = new JsonArray();
        foreach (var user in bundle.Users.Ids.Take(3).Append("new-user-without-history"))
        {
            var response = handler.RecommendAsync(user, 10, cancellationToken).GetAwaiter().GetResult().Value!;
            var liked = RecentLikes(import.Dataset, user, 3);
            AnsiConsole.MarkupLine(liked.Count > 0
                ? $"User [bold]{Markup.Escape(user)}[/] recently liked: {Markup.Escape(string.Join("; ", liked))}"
                : $"User [bold]{Markup.Escape(user)}[/] has no history: cold start serves popular videos.");
            AnsiConsole.Write(Rendering.Items($"Top 10 for user {Markup.Escape(user)}", response.Items));
            lists.Add(JsonSerializer.SerializeToNode(response, new JsonSerializerOptions(JsonSerializerDefaults.Web)));
        }

        var embeddings = databasePath is null ? null : DemoEmbeddings.Run(import.Dataset, request.Relevance, databasePath, cancellationToken);

        AnsiConsole.Write(new Rule(databasePath is null ? "4. Serve it" : "5. Serve it").LeftJustified());
        AnsiConsole.MarkupLine($"Finished in {clock.Elapsed.TotalSeconds:F1} s. Start the HTTP API on 127.0.0.1:8080 with:");
        CopyableLine.Write(databasePath is null
            ? $"  dotnet run --project tools/VideoRec.Cli -c Release -- serve --model {output}"
            : $"  dotnet run --project tools/VideoRec.Cli -c Release -- serve --model {output} --db {databasePath}");
        CopyableLine.Write("  then: curl 'http://127.0.0.1:8080/api/users/1/recommendations?k=10'");

        var json = report.ToJson();
        json["bundle"] = Path.GetFullPath(path);
        json["model_version"] = bundle.Version;
        json["recommendations"] = lists;
        if (embeddings is not null)
        {
            json["embeddings"] = embeddings;
        }

        JsonOutput.Write(jsonPath, json);
        return 0;
    }

    private static List<string> RecentLikes(Dataset dataset, string user, int count) =>
        dataset.Interactions
            .Where(i => i.UserId == user && i.Type == InteractionType.Like && i.VideoId is not null)
            .OrderByDescending(i => i.Timestamp)
            .Take(count)
            .Select(i => dataset.Videos.TryGetValue(i.VideoId!, out var v) ? v.Title : i.VideoId!)
            .ToList();
}
