using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using VideoRec.Cli.Infrastructure;
using VideoRec.Core.Bundles;

namespace VideoRec.Cli.Commands;

/// <summary><c>vrec train</c>: fit WALS on all the data and write a versioned bundle.</summary>
public static class TrainCommand
{
    public static Option<string> Output() => new("--output")
    {
        Description = "Model folder; the bundle goes to DIR/<version>/ and DIR/CURRENT points at it. Default: models.",
        HelpName = "DIR",
        DefaultValueFactory = _ => "models",
    };

    public static Command Create()
    {
        var data = new DataOptions();
        var wals = new WalsOptionSet();
        var output = Output();
        var noEval = new Option<bool>("--no-eval") { Description = "Skip the held-out evaluation recorded in the manifest." };
        var earlyStopping = new Option<int>("--early-stopping")
        {
            Description = "Pick the iteration count by early stopping: stop after this many iterations without a better validation nDCG@10 (validation carved from the held-out run's training part); 0 disables.",
            HelpName = "PATIENCE",
            DefaultValueFactory = _ => 0,
        };
        var twoTower = new Option<bool>("--two-tower") { Description = "Also train the two-tower network and write its ONNX towers, feature spec and video embeddings to the bundle's twotower/ folder." };
        var twoTowerEpochs = CommonOptions.Range(new Option<int>("--two-tower-epochs") { Description = "Maximum two-tower training epochs (early stopping on validation Recall@10).", DefaultValueFactory = _ => new VideoRec.Training.TwoTower.TwoTowerOptions().Epochs }, 1, 1000);
        var json = CommonOptions.Json();
        var command = new Command("train", "Train WALS on all the data and write a versioned model bundle (manifest with data hash, hyperparameters, held-out metrics, created-at).");
        data.AddTo(command);
        command.Add(output);
        wals.AddTo(command);
        command.Add(noEval);
        command.Add(earlyStopping);
        var ranker = new Option<bool>("--ranker") { Description = "Also train the scoring model (needs --two-tower): out-of-fold rows from WALS and two-tower models trained on 4 of 5 folds, EASE co-watch lists; written to the bundle's ranker/ folder, which serving then scores with (about 4½ minutes on ML-100K on 2 cores)." };
        command.Add(twoTower);
        command.Add(twoTowerEpochs);
        command.Add(ranker);
        command.Add(json);
        command.SetAction((parse, cancellationToken) => Task.FromResult(ErrorReporting.Run(() =>
        {
            var request = data.Read(parse);
            JsonOutput.CheckWritable(parse.GetValue(json));
            CheckOutputFolder(parse.GetValue(output));
            var patience = parse.GetValue(earlyStopping);
            if (patience < 0 || (patience > 0 && parse.GetValue(noEval)))
            {
                throw new CliException(patience < 0 ? "--early-stopping must be 0 or more." : "--early-stopping needs the held-out run; drop --no-eval.");
            }

            if (parse.GetValue(ranker) && !parse.GetValue(twoTower))
            {
                throw new CliException("--ranker: the scoring model reads the two-tower score; add --two-tower.");
            }

            var walsOptions = wals.Read(parse) with { EarlyStoppingPatience = patience };
            var import = DataLoading.Load(request);
            var bundle = BundleTraining.TrainBundle(import, new BundleTrainingOptions { Wals = walsOptions, Relevance = request.Relevance, Evaluate = !parse.GetValue(noEval) }, cancellationToken);

            // The two-tower and the ranker train before the bundle is saved, into scratch folders that Save moves into the
            // bundle before CURRENT names it: an interrupted run never leaves CURRENT on a bundle without what it was asked for.
            JsonObject? twoTowerReport = null, rankerReport = null;
            string? twoTowerScratch = null, rankerScratch = null;
            if (parse.GetValue(twoTower))
            {
                twoTowerScratch = Path.Combine(Path.GetFullPath(parse.GetValue(output)!), $".twotower-{Guid.NewGuid():N}");
                rankerScratch = parse.GetValue(ranker) ? Path.Combine(Path.GetFullPath(parse.GetValue(output)!), $".ranker-{Guid.NewGuid():N}") : null;
                try
                {
                    var twoTowerOptions = new VideoRec.Training.TwoTower.TwoTowerOptions { Epochs = parse.GetValue(twoTowerEpochs), Relevance = request.Relevance, Seed = walsOptions.Seed };
                    var titles = TwoTowerEvaluation.TitleEmbeddings(import.Dataset, cancellationToken);
                    twoTowerReport = TwoTowerBundle.Train(import.Dataset, twoTowerScratch, twoTowerOptions, cancellationToken, titles);
                    if (rankerScratch is not null)
                    {
                        try
                        {
                            rankerReport = RankerBundleTraining.Train(import.Dataset, titles, rankerScratch, walsOptions with { EarlyStoppingPatience = 0, Iterations = bundle.Manifest.Wals.Iterations },
                                twoTowerOptions, request.Relevance, walsOptions.Seed, cancellationToken);
                        }
                        catch (VideoRec.Core.Evaluation.InsufficientDataException e)
                        {
                            throw new CliException($"--ranker: {e.Message}");
                        }
                    }
                }
                catch
                {
                    foreach (var scratch in new[] { twoTowerScratch, rankerScratch })
                    {
                        if (scratch is not null && Directory.Exists(scratch))
                        {
                            Directory.Delete(scratch, recursive: true);
                        }
                    }

                    throw;
                }
            }

            if (patience > 0)
            {
                AnsiConsole.MarkupLine($"Early stopping chose {bundle.Manifest.Wals.Iterations} iterations (of at most {walsOptions.Iterations}).");
            }
            // The towers and the ranker move into the bundle before CURRENT names it (a watching server never loads it without them).
            var folders = new Dictionary<string, string>(StringComparer.Ordinal);
            if (twoTowerScratch is not null && twoTowerReport is not null)
            {
                folders["twotower"] = twoTowerScratch;
            }

            if (rankerScratch is not null && rankerReport is not null)
            {
                folders[VideoRec.Scoring.Serving.RankerBundle.FolderName] = rankerScratch;
            }

            var path = bundle.Save(parse.GetValue(output)!, folders);
            var metrics = bundle.Manifest.Metrics;
            if (metrics.Count > 0)
            {
                AnsiConsole.MarkupLine($"Held-out (stratified 75/25, k = 10): nDCG@10 {metrics["ndcg"]:F4}, P@10 {metrics["precision"]:F4}, MAP {metrics["map"]:F4}, coverage {metrics["coverage"]:F4}.");
            }

            AnsiConsole.MarkupLine($"Model [bold]{bundle.Version}[/] written to {Markup.Escape(Path.GetFullPath(path))}.");
            var report = new JsonObject
            {
                ["bundle"] = Path.GetFullPath(path),
                ["manifest"] = JsonSerializer.SerializeToNode(bundle.Manifest, ModelBundle.JsonOptions),
            };
            if (twoTowerScratch is not null && twoTowerReport is not null)
            {
                var folder = Path.Combine(Path.GetFullPath(path), "twotower");
                twoTowerReport["folder"] = folder;
                AnsiConsole.MarkupLine($"Two-tower model in {Markup.Escape(folder)}.");
                report["twotower"] = twoTowerReport;
            }

            if (rankerScratch is not null && rankerReport is not null)
            {
                var folder = Path.Combine(Path.GetFullPath(path), VideoRec.Scoring.Serving.RankerBundle.FolderName);
                rankerReport["folder"] = folder;
                AnsiConsole.MarkupLine($"Scoring model in {Markup.Escape(folder)}.");
                report["ranker"] = rankerReport;
            }

            JsonOutput.Write(parse.GetValue(json), report);
            return 0;
        })));
        return command;
    }

    /// <summary>Fails before training when the model folder cannot be one.</summary>
    public static void CheckOutputFolder(string? output)
    {
        if (string.IsNullOrWhiteSpace(output))
        {
            throw new CliException("--output: the folder name is empty.");
        }

        if (File.Exists(output))
        {
            throw new CliException($"--output: {output} is a file; give a folder.");
        }

        try
        {
            Directory.CreateDirectory(output);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"--output: cannot create {output}: {e.Message}");
        }
    }
}
