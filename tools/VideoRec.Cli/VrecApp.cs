using System.CommandLine;
using VideoRec.Cli.Commands;

namespace VideoRec.Cli;

/// <summary>The vrec command tree; <c>Program</c> runs it, tests invoke it in-process.</summary>
public static class VrecApp
{
    public static RootCommand Create()
    {
        var bench = new Command("bench", "Performance benchmarks; figures are printed and written with --json.") { BenchWalsCommand.Create() };
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
            bench,
        };
    }

    /// <summary>Parses and runs <paramref name="args"/>; returns the exit code (0 ok, 1 usage error, 2 bad input, 130 cancelled).</summary>
    public static Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default) =>
        Create().Parse(args).InvokeAsync(cancellationToken: cancellationToken);
}
