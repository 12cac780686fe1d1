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

/// <summary>Wraps a factory and keeps the model it trained last, so that a later factory of the same run can reuse it.</summary>
/// <param name="inner">The factory to wrap.</param>
public sealed class RememberingFactory(IModelFactory inner) : IModelFactory
{
    /// <inheritdoc />
    public string Name => inner.Name;

    /// <summary>The model of the last <see cref="Train"/> call, or <c>null</c> before it.</summary>
    public IRecommenderModel? Last { get; private set; }

    /// <inheritdoc />
    public IRecommenderModel Train(TrainingSet set, CancellationToken cancellationToken) => Last = inner.Train(set, cancellationToken);
}

/// <summary>
/// A score blend of two models trained earlier in the same run (list this factory after both): see
/// <see cref="HybridRecommender"/>.
/// </summary>
/// <param name="name">Report key, such as <c>wals_twotower</c>.</param>
/// <param name="first">The first model's factory.</param>
/// <param name="second">The second model's factory.</param>
/// <param name="secondWeight">Weight of the second model, 0 to 1.</param>
public sealed class HybridFactory(string name, RememberingFactory first, RememberingFactory second, float secondWeight) : IModelFactory
{
    /// <inheritdoc />
    public string Name => name;

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">Either model has not been trained yet in this run.</exception>
    public IRecommenderModel Train(TrainingSet set, CancellationToken cancellationToken) =>
        new HybridRecommender(name, first.Last ?? throw new InvalidOperationException($"{first.Name} must be trained before {name}."),
            second.Last ?? throw new InvalidOperationException($"{second.Name} must be trained before {name}."), secondWeight);
}
