using VideoRec.Core.Models;
using VideoRec.Core.Models.Baselines;
using VideoRec.Core.Models.Wals;

namespace VideoRec.Core.Evaluation;

/// <summary>Trains WALS with the given options (seeded by the run's seed).</summary>
/// <param name="options">Hyperparameters; the seed is replaced by the run's.</param>
/// <param name="progress">Optional per-iteration progress.</param>
public sealed class WalsFactory(WalsOptions options, IProgress<WalsIteration>? progress = null) : IModelFactory
{
    /// <inheritdoc />
    public string Name => "wals";

    /// <inheritdoc />
    public IRecommenderModel Train(TrainingSet set, CancellationToken cancellationToken) =>
        new WalsRecommender(WalsTrainer.Fit(set.Matrix, options with { Seed = set.Seed }, progress, cancellationToken: cancellationToken));
}

/// <summary>The global popularity baseline.</summary>
public sealed class PopularityFactory : IModelFactory
{
    /// <inheritdoc />
    public string Name => "popularity";

    /// <inheritdoc />
    public IRecommenderModel Train(TrainingSet set, CancellationToken cancellationToken) => new PopularityModel(set.Matrix);
}

/// <summary>The random baseline.</summary>
public sealed class RandomFactory : IModelFactory
{
    /// <inheritdoc />
    public string Name => "random";

    /// <inheritdoc />
    public IRecommenderModel Train(TrainingSet set, CancellationToken cancellationToken) => new RandomModel(set.Matrix.Columns, set.Seed);
}
