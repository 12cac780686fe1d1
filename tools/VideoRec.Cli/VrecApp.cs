using System.CommandLine;
using VideoRec.Cli.Commands;

namespace VideoRec.Cli;

/// <summary>The vrec command tree; <c>Program</c> runs it, tests invoke it in-process.</summary>
public static class VrecApp
{
    public static RootCommand Create()
    {
        var bench = new Command("bench", "Performance benchmarks; figures are printed and written with --json.") { BenchWalsCommand.Create(), BenchIngestCommand.Create(), BenchEmbedCommand.Create(), BenchTwoTowerCommand.Create(), BenchAnnCommand.Create(), BenchScoreCommand.Create(), BenchServeCommand.Create() };
        return new RootCommand("vrec: import, evaluate, tune, train, recommend, serve and benchmark the VideoRec homepage recommender.")
        {
            DemoCommand.Create(),
            ImportCommand.Create(),
            EvaluateCommand.Create(),
            TuneCommand.Create(),
            TrainCommand.Create(),
            RecommendCommands.Recommend(),
            RecommendCommands.Similar(),
            ServeCommand.Create(),
            IngestCommands.Ingest(),
            IngestCommands.Worker(),
            EmbedCommands.Embed(),
            EmbedCommands.Evaluate(),
            TagsCommand.Create(),
            EvaluateCandidatesCommand.Create(),
            SimulateCommand.Create(),
            ReportCommand.Create(),
            bench,
        };
    }

    /// <summary>
    /// Parses and runs <paramref name="args"/>; returns the exit code: 0 ok, 2 bad input (a usage error, a bad data
    /// file, a bad option value), 130 cancelled, 1 an unexpected failure. Usage errors print one line per problem and
    /// a pointer to --help, not the whole help text.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default)
    {
        var parse = Create().Parse(args);
        if (parse.Errors.Count == 0)
        {
            return await parse.InvokeAsync(cancellationToken: cancellationToken);
        }

        foreach (var error in parse.Errors)
        {
            Console.Error.WriteLine($"error: {error.Message}");
        }

        var path = new List<string>();
        for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            path.Insert(0, result.Command.Name);
        }

        path[0] = "vrec";
        Console.Error.WriteLine($"Run '{string.Join(" ", path)} --help' for the options.");
        return 2;
    }
}
