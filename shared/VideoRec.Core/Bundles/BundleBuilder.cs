using VideoRec.Core.Domain;
using VideoRec.Core.Evaluation;
using VideoRec.Core.Feedback;
using VideoRec.Core.Models.Baselines;
using VideoRec.Core.Models.Wals;

namespace VideoRec.Core.Bundles;

/// <summary>Settings of a training run that produces a bundle.</summary>
public sealed record BundleTrainingOptions
{
    /// <summary>WALS hyperparameters.</summary>
    public WalsOptions Wals { get; init; } = new();

    /// <summary>The relevance label.</summary>
    public RelevancePolicy Relevance { get; init; } = RelevancePolicy.Default;

    /// <summary>Strength per interaction kind.</summary>
    public FeedbackWeights Weights { get; init; } = FeedbackWeights.Default;

    /// <summary>
    /// Whether to measure held-out metrics first (stratified 75/25 split, seed <see cref="WalsOptions.Seed"/>, k = 10)
    /// and record them in the manifest. Default <c>true</c>. With <see cref="WalsOptions.EarlyStoppingPatience"/> &gt; 0
    /// this run also picks the iteration count: the 75% is split again 75/25 and training stops when validation
    /// nDCG@10 has not improved for that many iterations; the final fit on all the data uses the best count.
    /// </summary>
    public bool Evaluate { get; init; } = true;
}

/// <summary>
/// The training flow for WALS (ARCHITECTURE, "Train"): dataset → held-out metrics → fit on everything → one
/// versioned bundle.
/// </summary>
public static class BundleBuilder
{
    /// <summary>Trains a bundle from <paramref name="dataset"/>.</summary>
    /// <param name="dataset">The imported data.</param>
    /// <param name="layout">The importer layout (recorded in the manifest).</param>
    /// <param name="dataSha256">Hash of the input files (recorded in the manifest).</param>
    /// <param name="options">Training settings.</param>
    /// <param name="progress">Per-iteration progress of the final fit.</param>
    /// <param name="timeProvider">Clock for the creation time; the system clock when <c>null</c>.</param>
    /// <param name="cancellationToken">Cancels training.</param>
    /// <exception cref="ArgumentOutOfRangeException">Invalid WALS options.</exception>
    public static ModelBundle Train(Dataset dataset, string layout, string dataSha256, BundleTrainingOptions options,
        IProgress<WalsIteration>? progress = null, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        options.Wals.Validate();
        var data = DatasetPairs.From(dataset);
        var table = data.Table;
        if (table.Pairs.Count == 0)
        {
            throw new InsufficientDataException($"{dataset.Name}: the data holds no (user, video) interactions to train on.");
        }

        var builder = new FeedbackMatrixBuilder(options.Relevance, options.Weights);
        var metrics = new Dictionary<string, double>();
        var wals = options.Wals with { EarlyStoppingPatience = 0 };
        if (options.Evaluate && table.Pairs.Count > 0)
        {
            (metrics, wals) = HoldOut(data, builder, options, cancellationToken);
        }

        var matrix = builder.Build(table.Users.Count, table.Videos.Count, table.Pairs, data.DurationSeconds);
        var model = WalsTrainer.Fit(matrix, wals, progress, cancellationToken: cancellationToken);
        var catalogue = new CatalogueEntry[table.Videos.Count];
        for (var v = 0; v < catalogue.Length; v++)
        {
            catalogue[v] = dataset.Videos.TryGetValue(table.Videos[v], out var video)
                ? CatalogueEntry.From(video)
                : new CatalogueEntry(table.Videos[v], []);
        }

        var createdAt = (timeProvider ?? TimeProvider.System).GetUtcNow();
        var manifest = new BundleManifest
        {
            ModelVersion = ModelBundle.NewVersion(createdAt, dataSha256, wals),
            CreatedAt = createdAt,
            Data = new BundleData(dataset.Name, layout, dataSha256, table.Users.Count, table.Videos.Count, table.Pairs.Count),
            Wals = wals,
            Relevance = options.Relevance,
            Weights = options.Weights,
            Metrics = metrics,
        };
        return new ModelBundle(manifest, table.Users, table.Videos, model, new PopularityModel(matrix), SeenMatrix(matrix, table), catalogue);
    }

    /// <summary>
    /// Held-out metrics on a stratified 75/25 split, and the options of the final fit (the iteration count chosen by
    /// early stopping on a validation split of the 75%, when enabled).
    /// </summary>
    private static (Dictionary<string, double> Metrics, WalsOptions Final) HoldOut(DatasetPairs data, FeedbackMatrixBuilder builder,
        BundleTrainingOptions options, CancellationToken cancellationToken)
    {
        const int k = 10;
        var table = data.Table;
        var seed = options.Wals.Seed;
        var split = Splitter.Stratified(table.Pairs, 0.75, seed);
        var final = options.Wals with { EarlyStoppingPatience = 0 };
        if (options.Wals.EarlyStoppingPatience > 0)
        {
            var inner = Splitter.Stratified(split.Train, 0.75, seed + 1000);
            var innerMatrix = builder.Build(table.Users.Count, table.Videos.Count, inner.Train, data.DurationSeconds);
            var validation = new EvaluationTask(table.Users.Count, table.Videos.Count, inner, options.Relevance, data.DurationSeconds);
            var best = (Iteration: options.Wals.Iterations, Score: double.NegativeInfinity);
            WalsTrainer.Fit(innerMatrix, options.Wals with { ComputeLoss = false },
                new CallbackProgress(it =>
                {
                    if (it.Validation > best.Score)
                    {
                        best = (it.Iteration, it.Validation.Value);
                    }
                }),
                model => OfflineEvaluator.Evaluate(new WalsRecommender(model), validation, k).Ndcg,
                cancellationToken);
            final = final with { Iterations = best.Iteration };
        }

        var matrix = builder.Build(table.Users.Count, table.Videos.Count, split.Train, data.DurationSeconds);
        var task = new EvaluationTask(table.Users.Count, table.Videos.Count, split, options.Relevance, data.DurationSeconds);
        var heldOut = WalsTrainer.Fit(matrix, final with { ComputeLoss = false }, cancellationToken: cancellationToken);
        var result = OfflineEvaluator.Evaluate(new WalsRecommender(heldOut), task, k, heldOut.VideoFactors, heldOut.Factors);
        if (result.Users == 0)
        {
            throw new InsufficientDataException($"{data.Name}: no user has both training history and a held-out video in a 75/25 split; train with --no-eval (no held-out metrics) or give more data.");
        }

        // Diversity is undefined (NaN) when lists hold fewer than two videos: keep only finite figures.
        return (MetricSet.Names.Where(n => double.IsFinite(result[n])).ToDictionary(n => n, n => result[n]), final);
    }

    private sealed class CallbackProgress(Action<WalsIteration> report) : IProgress<WalsIteration>
    {
        public void Report(WalsIteration value) => report(value);
    }

    /// <summary>Every pair of the data (labelled or not) marks its video as seen by its user.</summary>
    private static Matrix.SparseMatrix SeenMatrix(Matrix.SparseMatrix trained, PairTable table)
    {
        var entries = table.Pairs.Select(p => new Matrix.MatrixEntry(p.User, p.Video, 0f, 0f)).ToList();
        return Matrix.SparseMatrix.FromEntries(trained.Rows, trained.Columns, entries);
    }
}
