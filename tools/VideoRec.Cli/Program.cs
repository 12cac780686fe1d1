using System.CommandLine;
using VideoRec.Cli.Commands;

var bench = new Command("bench", "Performance benchmarks; figures are printed and written with --json.") { BenchWalsCommand.Create() };
var root = new RootCommand("vrec: import, evaluate, tune, train, recommend, serve and benchmark the VideoRec homepage recommender.")
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

return await root.Parse(args).InvokeAsync();
