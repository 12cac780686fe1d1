using Spectre.Console;
using VideoRec.Core.Bundles;
using VideoRec.Core.Models.Wals;
using VideoRec.Import;

namespace VideoRec.Cli.Infrastructure;

/// <summary>Trains a bundle with a progress bar showing the loss per iteration.</summary>
public static class BundleTraining
{
    public static ModelBundle TrainBundle(ImportResult import, BundleTrainingOptions options, CancellationToken cancellationToken)
    {
        return ConsoleProgress.Run(ctx =>
            {
                var evaluate = options.Evaluate ? ctx.Add("Held-out evaluation (75/25)", 1) : null;
                var fit = ctx.Add("WALS", options.Wals.Iterations, autoStart: false);
                if (evaluate is not null && options.Wals.EarlyStoppingPatience > 0)
                {
                    evaluate.Description = "Held-out evaluation (75/25) with early stopping";
                }
                var progress = new InlineProgress<WalsIteration>(it =>
                {
                    if (evaluate is { IsFinished: false })
                    {
                        evaluate.Value = 1;
                        evaluate.Stop();
                        fit.Start();
                    }

                    fit.MaxValue = it.Of;
                    fit.Description = $"WALS iteration {it.Iteration}/{it.Of} · loss {it.Loss:F4} · {it.Seconds:F2} s";
                    fit.Value = it.Iteration;
                });
                if (evaluate is null)
                {
                    fit.Start();
                }

                var bundle = BundleBuilder.Train(import.Dataset, import.Summary.Layout, import.Summary.Sha256, options with { Wals = options.Wals with { ComputeLoss = true } },
                    progress, cancellationToken: cancellationToken);
                fit.Complete();
                return bundle;
            });
    }
}
