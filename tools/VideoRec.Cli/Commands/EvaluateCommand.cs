using System.CommandLine;
using Spectre.Console;
using VideoRec.Cli.Infrastructure;
using VideoRec.Core.Evaluation;
using VideoRec.Core.Feedback;
using VideoRec.Core.Models.Wals;

namespace VideoRec.Cli.Commands;

/// <summary><c>vrec evaluate</c>: every model on every seed, mean and spread.</summary>
public static class EvaluateCommand
{
    public static Option<string> Split() => CommonOptions.OneOf(new Option<string>("--split")
    {
        Description = "stratified (per-user random 75/25, default), time (last 20% of time) or leave-last-out.",
        DefaultValueFactory = _ => "stratified",
    }, "stratified", "time", "leave-last-out");

    public static Option<string> Seeds(string defaultValue = "42,43,44") => new("--seeds")
    {
        Description = $"Comma-separated seeds, one run each; figures are the mean.",
        DefaultValueFactory = _ => defaultValue,
        HelpName = "LIST",
    };

    public static SplitProtocol ParseProtocol(string text) => text switch
    {
        "time" => SplitProtocol.Time,
        "leave-last-out" => SplitProtocol.LeaveLastOut,
        _ => SplitProtocol.Stratified,
    };

    public static Command Create()
    {
        var data = new DataOptions();
        var wals = new WalsOptionSet(includeSeed: false);
        var split = Split();
        var k = CommonOptions.K("List length k of every @k metric.", VideoRec.Core.Evaluation.EvaluationOptions.MaxK);
        var seeds = Seeds();
        var json = CommonOptions.Json();
        var command = new Command("evaluate", "Train and evaluate every model (WALS, popularity, random) on each seed and report the mean and spread.");
        data.AddTo(command);
        command.Add(split);
        command.Add(k);
        command.Add(seeds);
        wals.AddTo(command);
        command.Add(json);
        command.SetAction((parse, cancellationToken) => Task.FromResult(ErrorReporting.Run(() =>
        {
            var request = data.Read(parse);
            JsonOutput.CheckWritable(parse.GetValue(json));
            var options = new EvaluationOptions
            {
                Protocol = ParseProtocol(parse.GetValue(split)!),
                K = parse.GetValue(k),
                Seeds = ListOption.Ints(parse.GetValue(seeds)!, "--seeds"),
                TrainPolicy = request.Relevance,
                TestPolicy = request.Relevance,
            };
            var walsOptions = wals.Read(parse);
            var import = DataLoading.Load(request);
            var report = Run(DatasetPairs.From(import.Dataset), options, walsOptions with { ComputeLoss = false }, cancellationToken);
            AnsiConsole.Write(Rendering.Metrics(report));
            JsonOutput.Write(parse.GetValue(json), report.ToJson());
            return 0;
        })));
        return command;
    }

    /// <summary>Runs the evaluation with a progress bar.</summary>
    public static EvaluationReport Run(DatasetPairs data, EvaluationOptions options, WalsOptions wals, CancellationToken cancellationToken)
    {
        IModelFactory[] factories = [new WalsFactory(wals), new PopularityFactory(), new RandomFactory()];
        return ConsoleProgress.Run(ctx =>
            {
                var task = ctx.Add("Evaluating", options.Seeds.Count * factories.Length * 2);
                var progress = new InlineProgress<EvaluationProgress>(p =>
                {
                    task.Description = $"seed {p.Seed}: {p.Stage} {p.Model}";
                    task.Value = p.Step;
                });
                var report = OfflineEvaluation.Run(data, factories, options, progress, cancellationToken);
                task.Description = "Evaluated";
                task.Complete();
                return report;
            });
    }
}
