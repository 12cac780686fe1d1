using VideoRec.Core.Domain;
using VideoRec.Core.Evaluation;
using VideoRec.Core.Evaluation.ColdStart;
using VideoRec.Core.Features;
using VideoRec.Core.Feedback;
using VideoRec.Core.Models;
using VideoRec.Core.Models.TwoTower;
using VideoRec.TwoTower.Features;
using VideoRec.TwoTower.Serving;

namespace VideoRec.Training.TwoTower;

/// <summary>
/// The two-tower network in offline evaluation: builds the feature spec from the training pairs, trains, exports both
/// towers to ONNX and scores with the ONNX towers (the serving path), so the figures are those of what would be served.
/// </summary>
/// <param name="dataset">Catalogue and profiles.</param>
/// <param name="titleEmbeddings">Video id → title embedding.</param>
/// <param name="textModel">The title encoder's id.</param>
/// <param name="textDimensions">Its width.</param>
/// <param name="options">Hyperparameters (the seed is replaced by each run's seed).</param>
/// <param name="progress">Per-epoch progress.</param>
public sealed class TwoTowerFactory(Dataset dataset, IReadOnlyDictionary<string, float[]> titleEmbeddings, string textModel, int textDimensions,
    TwoTowerOptions options, IProgress<TwoTowerEpoch>? progress = null) : IModelFactory
{
    /// <inheritdoc />
    public string Name => "twotower";

    /// <summary>The last trained model with what it was trained on (for the cold-start measurements and the hybrid).</summary>
    public TrainedTwoTower? Last { get; private set; }

    /// <inheritdoc />
    public IRecommenderModel Train(TrainingSet set, CancellationToken cancellationToken)
    {
        var spec = FeatureSpecBuilder.Build(dataset, set.Pairs, set.Split.Train as IReadOnlyCollection<PairRecord> ?? [.. set.Split.Train], textModel, textDimensions);
        var encoder = new TwoTowerEncoder(spec);
        var policy = options.Relevance;
        var result = TwoTowerTrainer.Fit(encoder, dataset, set.Pairs, set.Split.Train, titleEmbeddings, policy, set.DurationSeconds,
            options with { Seed = set.Seed }, progress, cancellationToken: cancellationToken);
        var model = TwoTowerModel.FromWeights(spec, result.User, result.Video);
        var features = new DatasetFeatures(dataset, set.Pairs, UserHistories.Build(set.Split.Train, set.Pairs.Users.Count, policy, set.DurationSeconds), titleEmbeddings);
        var users = model.EmbedUsers([.. Enumerable.Range(0, set.Pairs.Users.Count).Select(u => features.User(u))]);
        var videos = model.EmbedVideos([.. Enumerable.Range(0, set.Pairs.Videos.Count).Select(v => features.Video(v))]);
        var counts = ColdStartBaselines.PositiveCounts(set.Split.Train, set.Pairs.Videos.Count, policy, set.DurationSeconds);

        var weights = Enumerable.Range(0, set.Pairs.Users.Count).Select(u => EmbeddingRecommender.PriorWeight(features.Histories.Watched(u).Length, options.PopularityPrior, options.ColdPrior, options.ColdPriorHalfLife)).ToArray();
        var recommender = new EmbeddingRecommender(Name, users, videos, model.Dimensions, EmbeddingRecommender.PopularityPrior(counts), weights);
        Last?.Model.Dispose();
        Last = new TrainedTwoTower(model, result, features, recommender);
        return recommender;
    }
}

/// <summary>A two-tower model trained by <see cref="TwoTowerFactory"/>.</summary>
/// <param name="Model">The ONNX towers and spec.</param>
/// <param name="Training">How training went.</param>
/// <param name="Features">Features over the training pairs.</param>
/// <param name="Recommender">The precomputed embeddings.</param>
public sealed record TrainedTwoTower(TwoTowerModel Model, TwoTowerTrainingResult Training, DatasetFeatures Features, EmbeddingRecommender Recommender);
