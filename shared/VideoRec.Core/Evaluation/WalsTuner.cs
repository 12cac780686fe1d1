using VideoRec.Core.Feedback;
using VideoRec.Core.Models.Wals;

namespace VideoRec.Core.Evaluation;

/// <summary>One grid point's validation figures, averaged over seeds.</summary>
/// <param name="Options">The hyperparameters tried.</param>
/// <param name="Metrics">Validation metrics of each seed.</param>
public sealed record TuningResult(WalsOptions Options, IReadOnlyList<MetricSet> Metrics)
{
    /// <summary>Mean validation nDCG@k.</summary>
    public double Ndcg => Metrics.Average(m => m.Ndcg);

    /// <summary>Mean validation MAP.</summary>
    public double Map => Metrics.Average(m => m.Map);

    /// <summary>Mean validation Precision@k.</summary>
    public double Precision => Metrics.Average(m => m.Precision);
}

/// <summary>
/// Grid search of WALS hyperparameters on a validation split carved from the training part only: for each seed,
/// the data is split by the protocol (seed s), and the training part is split again (seed s + 1000) into the
/// training and validation sets the grid is scored on. The test part of the outer split is never read.
/// </summary>
public static class WalsTuner
{
    /// <summary>Scores every point of <paramref name="grid"/> and returns them best first (by nDCG@k).</summary>
    /// <param name="data">The dataset as pairs.</param>
    /// <param name="grid">Hyperparameter sets to try.</param>
    /// <param name="options">Protocol, k, seeds and labels.</param>
    /// <param name="progress">Receives the number of fits done.</param>
    /// <param name="cancellationToken">Cancels between fits.</param>
    public static IReadOnlyList<TuningResult> Search(DatasetPairs data, IReadOnlyList<WalsOptions> grid, EvaluationOptions options,
        IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        var table = data.Table;
        if (table.Pairs.Count == 0)
        {
            throw new InsufficientDataException($"{data.Name}: the data holds no (user, video) interactions to tune on.");
        }

        var builder = new FeedbackMatrixBuilder(options.TrainPolicy, options.Weights);
        var results = grid.Select(_ => new List<MetricSet>()).ToArray();
        var done = 0;
        foreach (var seed in options.Seeds)
        {
            var outer = Splitter.Split(table.Pairs, options.Protocol, seed);
            var inner = Splitter.Split(outer.Train, options.Protocol, seed + 1000);
            var matrix = builder.Build(table.Users.Count, table.Videos.Count, inner.Train, data.DurationSeconds);
            var task = new EvaluationTask(table.Users.Count, table.Videos.Count, inner, options.TestPolicy, data.DurationSeconds);
            for (var g = 0; g < grid.Count; g++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var model = WalsTrainer.Fit(matrix, grid[g] with { Seed = seed, ComputeLoss = false }, cancellationToken: cancellationToken);
                results[g].Add(OfflineEvaluator.Evaluate(new WalsRecommender(model), task, options.K, maxThreads: options.MaxThreads));
                progress?.Report(++done);
            }
        }

        return grid.Select((o, g) => new TuningResult(o, results[g])).OrderByDescending(r => r.Ndcg).ToArray();
    }
}
