using Spectre.Console;
using VideoRec.Core.Bundles;
using VideoRec.Core.Models.Wals;
using VideoRec.Import;

namespace VideoRec.Cli.Infrastructure;

/// <summary>Trains a bundle with a progress bar showing the loss per iteration.</summary>
public static class Training
{
    public static ModelBundle TrainBundle(ImportResult import, BundleTrainingOptions options, CancellationToken cancellationToken)
    {
        ModelBundle? bundle = null;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var evaluate = options.Evaluate ? ctx.AddTask("Held-out evaluation (75/25)", maxValue: 1) : null;
                var fit = ctx.AddTask("WALS", autoStart: false, maxValue: options.Wals.Iterations);
                if (evaluate is not null && options.Wals.EarlyStoppingPatience > 0)
                {
                    evaluate.Description = "Held-out evaluation (75/25) with early stopping";
                }
                var progress = new InlineProgress<WalsIteration>(it =>
                {
                    if (evaluate is { IsFinished: false })
                    {
                        evaluate.Value = 1;
                        evaluate.StopTask();
                        fit.StartTask();
                    }

                    fit.MaxValue = it.Of;
                    fit.Description = $"WALS iteration {it.Iteration}/{it.Of} · loss {it.Loss:F4} · {it.Seconds:F2} s";
                    fit.Value = it.Iteration;
                });
                if (evaluate is null)
                {
                    fit.StartTask();
                }

                bundle = BundleBuilder.Train(import.Dataset, import.Summary.Layout, import.Summary.Sha256, options with { Wals = options.Wals with { ComputeLoss = true } },
                    progress, cancellationToken: cancellationToken);
                fit.Value = fit.MaxValue;
            });
        return bundle!;
    }
}
