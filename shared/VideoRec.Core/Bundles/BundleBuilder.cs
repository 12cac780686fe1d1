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
    /// and record them in the manifest. Default <c>true</c>.
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
        var metrics = new Dictionary<string, double>();
        if (options.Evaluate && table.Pairs.Count > 0)
        {
            var report = OfflineEvaluation.Run(data, [new WalsFactory(options.Wals with { ComputeLoss = false })],
                new EvaluationOptions { Seeds = [options.Wals.Seed], TrainPolicy = options.Relevance, TestPolicy = options.Relevance, Weights = options.Weights },
                cancellationToken: cancellationToken);
            foreach (var name in MetricSet.Names)
            {
                metrics[name] = report.Models["wals"].Mean(name);
            }
        }

        var matrix = new FeedbackMatrixBuilder(options.Relevance, options.Weights)
            .Build(table.Users.Count, table.Videos.Count, table.Pairs, data.DurationSeconds);
        var wals = WalsTrainer.Fit(matrix, options.Wals, progress, cancellationToken: cancellationToken);
        var catalogue = new CatalogueEntry[table.Videos.Count];
        for (var v = 0; v < catalogue.Length; v++)
        {
            catalogue[v] = dataset.Videos.TryGetValue(table.Videos[v], out var video)
                ? new CatalogueEntry(video.Title, video.Tags)
                : new CatalogueEntry(table.Videos[v], []);
        }

        var createdAt = (timeProvider ?? TimeProvider.System).GetUtcNow();
        var manifest = new BundleManifest
        {
            ModelVersion = ModelBundle.NewVersion(createdAt, dataSha256, options.Wals),
            CreatedAt = createdAt,
            Data = new BundleData(dataset.Name, layout, dataSha256, table.Users.Count, table.Videos.Count, table.Pairs.Count),
            Wals = options.Wals,
            Relevance = options.Relevance,
            Weights = options.Weights,
            Metrics = metrics,
        };
        return new ModelBundle(manifest, table.Users, table.Videos, wals, new PopularityModel(matrix), SeenMatrix(matrix, table), catalogue);
    }

    /// <summary>Every pair of the data (labelled or not) marks its video as seen by its user.</summary>
    private static Matrix.SparseMatrix SeenMatrix(Matrix.SparseMatrix trained, PairTable table)
    {
        var entries = table.Pairs.Select(p => new Matrix.MatrixEntry(p.User, p.Video, 0f, 0f)).ToList();
        return Matrix.SparseMatrix.FromEntries(trained.Rows, trained.Columns, entries);
    }
}
