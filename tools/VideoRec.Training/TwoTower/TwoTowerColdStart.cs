using VideoRec.Core.Common;
using VideoRec.Core.Domain;
using VideoRec.Core.Evaluation;
using VideoRec.Core.Evaluation.ColdStart;
using VideoRec.Core.Features;
using VideoRec.Core.Feedback;
using VideoRec.Core.Models.TwoTower;
using VideoRec.Core.Models.Wals;
using VideoRec.Core.Ranking;
using VideoRec.TwoTower.Features;
using VideoRec.TwoTower.Serving;

namespace VideoRec.Training.TwoTower;

/// <summary>nDCG@k (and Precision@k) of every new-user method on the same held-out users and targets.</summary>
/// <param name="Methods">Method key (<c>popularity</c>, <c>demographic_popularity</c>, <c>features_only</c>, <c>first5</c>, <c>wals_fold_in</c>) → result.</param>
/// <param name="Users">New users evaluated.</param>
public sealed record NewUserReport(IReadOnlyDictionary<string, ColdStartResult> Methods, int Users);

/// <summary>How often a new video is retrieved, among the new videos, for the users who liked it.</summary>
/// <param name="HitRate">Share of (user, new video) relevant pairs whose video is in the user's top k of the new videos.</param>
/// <param name="Random">The same share for a random order: k / new videos.</param>
/// <param name="Videos">New videos.</param>
/// <param name="Pairs">Relevant pairs measured.</param>
/// <param name="K">k.</param>
public sealed record NewVideoReport(double HitRate, double Random, int Videos, int Pairs, int K);

/// <summary>
/// The cold-start measurements of the two-tower issue: new users (10% of users held out entirely; the first 5
/// interactions known) and new videos (10% of videos held out of training and embedded through the content path).
/// </summary>
public static class TwoTowerColdStart
{
    /// <summary>Runs the new-user comparison.</summary>
    /// <param name="dataset">The data.</param>
    /// <param name="data">The data as pairs.</param>
    /// <param name="titleEmbeddings">Video id → title embedding.</param>
    /// <param name="textModel">Title encoder id.</param>
    /// <param name="textDimensions">Its width.</param>
    /// <param name="options">Two-tower options (seed replaced by <paramref name="seed"/>).</param>
    /// <param name="wals">WALS options for the fold-in baseline.</param>
    /// <param name="seed">Seed of the held-out users and of training.</param>
    /// <param name="k">List length.</param>
    /// <param name="progress">Per-epoch progress.</param>
    /// <param name="cancellationToken">Cancels training.</param>
    public static NewUserReport NewUsers(Dataset dataset, DatasetPairs data, IReadOnlyDictionary<string, float[]> titleEmbeddings, string textModel, int textDimensions,
        TwoTowerOptions options, WalsOptions wals, int seed, int k = 10, IProgress<TwoTowerEpoch>? progress = null, CancellationToken cancellationToken = default)
    {
        var table = data.Table;
        var policy = options.Relevance;
        var videos = table.Videos.Count;
        var split = NewUserSplit.Create(table, data.DurationSeconds, policy, seed);
        var train = split.Train.ToList();
        var spec = FeatureSpecBuilder.Build(dataset, table, train, textModel, textDimensions);
        var encoder = new TwoTowerEncoder(spec);
        var trained = TwoTowerTrainer.Fit(encoder, dataset, table, train, titleEmbeddings, policy, data.DurationSeconds, options with { Seed = seed }, progress, cancellationToken: cancellationToken);
        using var model = TwoTowerModel.FromWeights(spec, trained.User, trained.Video);
        var features = new DatasetFeatures(dataset, table, UserHistories.Build(train, table.Users.Count, policy, data.DurationSeconds), titleEmbeddings);
        var videoVectors = model.EmbedVideos([.. Enumerable.Range(0, videos).Select(v => features.Video(v))]);
        var counts = ColdStartBaselines.PositiveCounts(train, videos, policy, data.DurationSeconds);
        var scorer = new EmbeddingRecommender("twotower", [], videoVectors, model.Dimensions, EmbeddingRecommender.PopularityPrior(counts));

        ColdStartScorer TwoTower(bool withHistory)
        {
            var byUser = split.Users.ToDictionary(u => u.User, u =>
                model.EmbedUsers([features.NewUser(u.User, withHistory ? u.Known : [], u.Known.Count > 0 ? u.Known.Max(p => p.Feedback.Last) : null)]));
            return (user, scores) => scorer.Score(byUser[user.User], scores,
                EmbeddingRecommender.PriorWeight(withHistory ? user.Known.Count : 0, options.PopularityPrior, options.ColdPrior, options.ColdPriorHalfLife));
        }

        string? Group(int u) => dataset.Users.GetValueOrDefault(table.Users[u]) is { Age: { } age, Gender: { } gender } ? $"{gender}:{spec.AgeYears.Of(age)}" : null;
        var matrix = new FeedbackMatrixBuilder(policy, FeedbackWeights.Default).Build(table.Users.Count, videos, train, data.DurationSeconds);
        var walsModel = WalsTrainer.Fit(matrix, wals with { Seed = seed, ComputeLoss = false }, cancellationToken: cancellationToken);
        var methods = new Dictionary<string, ColdStartResult>
        {
            ["popularity"] = ColdStartEvaluator.Evaluate(split, videos, ColdStartBaselines.Popularity(counts), k),
            ["demographic_popularity"] = ColdStartEvaluator.Evaluate(split, videos, ColdStartBaselines.DemographicPopularity(train, videos, policy, data.DurationSeconds, Group), k),
            ["features_only"] = ColdStartEvaluator.Evaluate(split, videos, TwoTower(withHistory: false), k),
            ["first5"] = ColdStartEvaluator.Evaluate(split, videos, TwoTower(withHistory: true), k),
            ["wals_fold_in"] = ColdStartEvaluator.Evaluate(split, videos, ColdStartBaselines.WalsFoldIn(walsModel, policy, FeedbackWeights.Default, data.DurationSeconds), k),
        };
        return new NewUserReport(methods, split.Users.Count);
    }

    /// <summary>Runs the new-video measurement.</summary>
    /// <param name="dataset">The data.</param>
    /// <param name="data">The data as pairs.</param>
    /// <param name="titleEmbeddings">Video id → title embedding.</param>
    /// <param name="textModel">Title encoder id.</param>
    /// <param name="textDimensions">Its width.</param>
    /// <param name="options">Two-tower options (seed replaced by <paramref name="seed"/>).</param>
    /// <param name="seed">Seed of the held-out videos and of training.</param>
    /// <param name="k">List length among the new videos.</param>
    /// <param name="progress">Per-epoch progress.</param>
    /// <param name="cancellationToken">Cancels training.</param>
    public static NewVideoReport NewVideos(Dataset dataset, DatasetPairs data, IReadOnlyDictionary<string, float[]> titleEmbeddings, string textModel, int textDimensions,
        TwoTowerOptions options, int seed, int k = 10, IProgress<TwoTowerEpoch>? progress = null, CancellationToken cancellationToken = default)
    {
        var table = data.Table;
        var policy = options.Relevance;
        var withPairs = table.Pairs.Select(p => p.Video).Distinct().Order().ToArray();
        new Random(Seeds.Derive(seed, 0xF1D)).Shuffle(withPairs);
        var fresh = withPairs.Take(Math.Max(1, withPairs.Length / 10)).Order().ToArray();
        var freshSet = fresh.ToHashSet();
        var train = table.Pairs.Where(p => !freshSet.Contains(p.Video)).ToList();
        var spec = FeatureSpecBuilder.Build(dataset, table, train, textModel, textDimensions);
        var encoder = new TwoTowerEncoder(spec);
        var trained = TwoTowerTrainer.Fit(encoder, dataset, table, train, titleEmbeddings, policy, data.DurationSeconds, options with { Seed = seed }, progress, cancellationToken: cancellationToken);
        using var model = TwoTowerModel.FromWeights(spec, trained.User, trained.Video);
        var features = new DatasetFeatures(dataset, table, UserHistories.Build(train, table.Users.Count, policy, data.DurationSeconds), titleEmbeddings);
        var freshVectors = new EmbeddingRecommender("fresh", [], model.EmbedVideos([.. fresh.Select(v => features.Video(v))]), model.Dimensions);
        var targets = table.Pairs.Where(p => freshSet.Contains(p.Video) && policy.Label(p, data.DurationSeconds) == Relevance.Positive)
            .GroupBy(p => p.User).ToDictionary(g => g.Key, g => g.Select(p => Array.IndexOf(fresh, p.Video)).ToHashSet());
        var users = targets.Keys.Order().ToArray();
        var userVectors = model.EmbedUsers([.. users.Select(u => features.User(u))]);
        var hits = 0;
        var pairs = 0;
        var scores = new float[fresh.Length];
        for (var i = 0; i < users.Length; i++)
        {
            freshVectors.Score(userVectors.AsSpan(i * model.Dimensions, model.Dimensions), scores);
            var top = TopK.Select(scores, k).Select(s => s.Index).ToHashSet();
            hits += targets[users[i]].Count(top.Contains);
            pairs += targets[users[i]].Count;
        }

        return new NewVideoReport(pairs == 0 ? 0 : (double)hits / pairs, Math.Min(1.0, (double)k / fresh.Length), fresh.Length, pairs, k);
    }
}
