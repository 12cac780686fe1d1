using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;
using VideoRec.Cli.Infrastructure;
using VideoRec.Core.Evaluation;
using VideoRec.Core.Feedback;
using VideoRec.Core.Models.Wals;

namespace VideoRec.Cli.Commands;

/// <summary><c>vrec tune</c>: WALS grid search on a validation split carved from training.</summary>
public static class TuneCommand
{
    public static Command Create()
    {
        var data = new DataOptions();
        var factors = List("--factors", "Factor counts to try.", "32,64,128");
        var regularization = List("--regularization", "λ values to try.", "10,30,50,80,150");
        var alpha = List("--alpha", "α values to try.", "1,3,5,8,20");
        var unobserved = List("--unobserved-weight", "W values to try.", "1");
        var iterations = List("--iterations", "Iteration counts to try.", "15");
        var split = EvaluateCommand.Split();
        var k = CommonOptions.K("List length k of every @k metric.", VideoRec.Core.Evaluation.EvaluationOptions.MaxK);
        var seeds = EvaluateCommand.Seeds("42");
        var top = CommonOptions.Positive(new Option<int>("--top") { Description = "Rows to print.", DefaultValueFactory = _ => 15 });
        var json = CommonOptions.Json();
        var command = new Command("tune", "Grid-search WALS hyperparameters on a validation split carved from the training part (the test part is never read).");
        data.AddTo(command);
        foreach (var option in new Option[] { factors, regularization, alpha, unobserved, iterations, split, k, seeds, top, json })
        {
            command.Add(option);
        }

        command.SetAction((parse, cancellationToken) => Task.FromResult(ErrorReporting.Run(() =>
        {
            var grid = (from f in ListOption.Ints(parse.GetValue(factors)!, "--factors")
                        from l in ListOption.Floats(parse.GetValue(regularization)!, "--regularization")
                        from a in ListOption.Floats(parse.GetValue(alpha)!, "--alpha")
                        from w in ListOption.Floats(parse.GetValue(unobserved)!, "--unobserved-weight")
                        from i in ListOption.Ints(parse.GetValue(iterations)!, "--iterations")
                        select new WalsOptions { Factors = f, Regularization = l, Alpha = a, UnobservedWeight = w, Iterations = i }).ToArray();
            foreach (var point in grid)
            {
                try
                {
                    point.Validate();
                }
                catch (ArgumentOutOfRangeException e)
                {
                    throw new CliException(WalsOptionSet.OptionMessage(e));
                }
            }

            var request = data.Read(parse);
            JsonOutput.CheckWritable(parse.GetValue(json));
            var seedList = ListOption.Ints(parse.GetValue(seeds)!, "--seeds");
            var options = new EvaluationOptions
            {
                Protocol = EvaluateCommand.ParseProtocol(parse.GetValue(split)!),
                K = parse.GetValue(k),
                Seeds = seedList,
                TrainPolicy = request.Relevance,
                TestPolicy = request.Relevance,
            };
            var import = DataLoading.Load(request);
            IReadOnlyList<TuningResult> results;
            results = ConsoleProgress.Run(ctx =>
            {
                var task = ctx.Add($"{grid.Length} settings × {seedList.Length} seeds", grid.Length * seedList.Length);
                return WalsTuner.Search(DatasetPairs.From(import.Dataset), grid, options, new InlineProgress<int>(n => task.Value = n), cancellationToken);
            });

            var table = new Table().Border(TableBorder.Rounded).Title($"Validation nDCG@{options.K} (best first)");
            foreach (var column in new[] { "factors", "λ", "α", "W", "iterations", $"nDCG@{options.K}", "MAP", $"P@{options.K}" })
            {
                table.AddColumn(new TableColumn(column).RightAligned());
            }

            foreach (var r in results.Take(parse.GetValue(top)))
            {
                table.AddRow($"{r.Options.Factors}", $"{r.Options.Regularization:G}", $"{r.Options.Alpha:G}", $"{r.Options.UnobservedWeight:G}", $"{r.Options.Iterations}",
                    $"{r.Ndcg:F4}", $"{r.Map:F4}", $"{r.Precision:F4}");
            }

            AnsiConsole.Write(table);
            var best = results[0].Options;
            AnsiConsole.MarkupLine($"Best: --factors {best.Factors} --regularization {best.Regularization:G} --alpha {best.Alpha:G} --unobserved-weight {best.UnobservedWeight:G} --iterations {best.Iterations}");
            JsonOutput.Write(parse.GetValue(json), new JsonObject
            {
                ["dataset"] = import.Dataset.Name,
                ["protocol"] = parse.GetValue(split),
                ["k"] = options.K,
                ["seeds"] = new JsonArray([.. seedList.Select(s => (JsonNode)s)]),
                ["results"] = new JsonArray([.. results.Select(r => (JsonNode)new JsonObject
                {
                    ["factors"] = r.Options.Factors,
                    ["regularization"] = r.Options.Regularization,
                    ["alpha"] = r.Options.Alpha,
                    ["unobserved_weight"] = r.Options.UnobservedWeight,
                    ["iterations"] = r.Options.Iterations,
                    ["ndcg"] = Math.Round(r.Ndcg, 6),
                    ["map"] = Math.Round(r.Map, 6),
                    ["precision"] = Math.Round(r.Precision, 6),
                })]),
            });
            return 0;
        })));
        return command;
    }

    private static Option<string> List(string name, string description, string defaultValue) =>
        new(name) { Description = $"{description} Comma-separated.", DefaultValueFactory = _ => defaultValue, HelpName = "LIST" };
}
