using VideoRec.Core.Models;

namespace VideoRec.Core.Evaluation;

/// <summary>Trains one kind of model for offline evaluation. New models join <c>evaluate</c> by adding a factory.</summary>
public interface IModelFactory
{
    /// <summary>The model's report key, such as <c>wals</c>.</summary>
    string Name { get; }

    /// <summary>Trains on <paramref name="set"/>.</summary>
    IRecommenderModel Train(TrainingSet set, CancellationToken cancellationToken);
}
