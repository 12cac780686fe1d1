using System.Runtime.CompilerServices;
using VideoRec.Core.CandidateGeneration;
using VideoRec.Core.CandidateGeneration.Index;
using VideoRec.Core.Common;
using VideoRec.Core.Domain;
using VideoRec.Core.Evaluation;
using VideoRec.Core.Evaluation.Candidates;
using VideoRec.Core.Evaluation.Pipeline;
using VideoRec.Core.Feedback;
using VideoRec.Core.Models.Wals;
using VideoRec.Core.Scoring;
using VideoRec.Scoring.Onnx;
using VideoRec.Training.TwoTower;
using VideoRec.TwoTower.Serving;

namespace VideoRec.Training.Scoring;

/// <summary>What one seed's pipeline run produced.</summary>
/// <param name="Seed">The run's seed.</param>
/// <param name="Ranker">The ranker comparison, the chosen weights and the calibration table.</param>
/// <param name="TrainingRows">Ranker training rows.</param>
/// <param name="ValidationRows">Ranker validation rows.</param>
/// <param name="Merged">The merged candidates in the merger's fused order.</param>
/// <param name="Scored">The same candidates ordered by the ranker (ONNX Runtime).</param>
/// <param name="ValidationBaselines">Validation nDCG@10 of single-feature orders of the same rows (<c>wals</c>: by WALS score; <c>twotower</c>; <c>merged</c>: the merger's order), to compare with the ranker's.</param>
public sealed record PipelineRun(int Seed, RankerTrainingResult Ranker, int TrainingRows, int ValidationRows, CandidateListRecommender Merged, CandidateListRecommender Scored,
    IReadOnlyDictionary<string, double> ValidationBaselines);

/// <summary>
/// The full offline pipeline for one split (candidates → scorer), with a training protocol that keeps the ranker's
/// labels out of its retrieval features: each user's training pairs are split again (<see cref="InnerRatio"/>, 90/10
/// by default, seeded); WALS and the two-tower are trained on the larger part, the real candidate generators run on that
/// state (hard negatives), and the candidates are labelled by the held-in part; 10% of the users (seeded) validate.
/// The ranker is exported to ONNX and scored with ONNX Runtime, as served. For evaluation the candidates and features
/// come from the WALS and two-tower models the evaluation trained on the whole training part (the models the other rows
/// of the table report), so the ranker meets retrieval scores of models trained on more data than its training rows
/// saw: the per-request z-scores and percentiles of those scores are the features that carry over
/// (<see cref="EvaluateWithInnerModels"/> removes that shift at the price of weaker retrieval).
/// </summary>
/// <param name="dataset">Catalogue and profiles.</param>
/// <param name="titles">Video id → title embedding.</param>
/// <param name="textModel">The title encoder's id.</param>
/// <param name="textDimensions">Its width.</param>
/// <param name="wals">WALS options (the inner model).</param>
/// <param name="twoTower">Two-tower options (the inner model).</param>
/// <param name="ranker">Ranker options.</param>
/// <param name="generation">Candidate generation options.</param>
/// <param name="policy">Relevance label.</param>
/// <param name="walsFull">The evaluation's WALS factory (trained on the whole training part earlier in the run); <c>null</c> when only <see cref="ScoredPipeline.Fit"/> is called.</param>
/// <param name="twoTowerFull">The evaluation's two-tower factory (likewise).</param>
/// <param name="progress">Stage messages.</param>
public sealed class ScoredPipeline(Dataset dataset, IReadOnlyDictionary<string, float[]> titles, string textModel, int textDimensions, WalsOptions wals,
    TwoTowerOptions twoTower, RankerOptions ranker, CandidateGenerationOptions generation, RelevancePolicy policy,
    RememberingFactory? walsFull, RememberingFactory? twoTowerFull, IProgress<string>? progress = null)
{
    /// <summary>Share of each user's training pairs the inner retrieval models read (the rest labels the ranker's rows). Default 0.9 (on ML-100K seed 42: 0.8 gave nDCG@10 0.467, 0.9 0.473, 0.95 0.455).</summary>
    public double InnerRatio { get; init; } = 0.9;

    /// <summary>Negatives sampled per training user and fold. Default 100.</summary>
    public int NegativesPerUser { get; init; } = 100;

    /// <summary>
    /// Inner splits (each with its own seed, retrieval models and labels) whose rows are pooled: more labelled rows at
    /// the same inner ratio (cross-fitting). Validation rows come from the first. Default 1.
    /// </summary>
    public int LabelFolds { get; init; } = 1;

    /// <summary>
    /// Out-of-fold rows (cross-fitting): with K ≥ 2, each user's training pairs are dealt into K folds
    /// (<see cref="Splitter.KFold"/>); for each fold WALS and the two-tower are trained on the other K − 1 and the
    /// fold's relevant pairs label the candidates, so every training pair labels exactly once, with retrieval models
    /// that read (K − 1)/K of the data; validation users' rows come from every fold. Replaces
    /// <see cref="InnerRatio"/> and <see cref="LabelFolds"/>. 0 (default) keeps the inner split.
    /// </summary>
    public int KFold { get; init; }

    /// <summary>
    /// A folder where each seed's training and validation rows are kept and, when present, read back instead of
    /// training the inner models again (for comparing ranker settings on the same rows). The file names carry the seed,
    /// the fold settings, the negatives and the layout fingerprint. <c>null</c> (default): no cache.
    /// </summary>
    public string? RowsCache { get; init; }

    /// <summary>Share of users whose rows validate the ranker.</summary>
    public const double ValidationShare = 0.1;

    private readonly ConditionalWeakTable<TrainingSet, PipelineRun> _runs = [];

    /// <summary>
    /// Whether the raw two-tower embeddings enter the rows (the <c>*_twotower_embedding</c> blocks). Off by default here:
    /// the ranker is trained on the inner towers' coordinates and evaluated on the full towers', two training runs whose
    /// embedding spaces share no axes (only their dot products, the two-tower score, mean the same); on ML-100K seed 42
    /// the embeddings made the scored order fall from above the merged order to nDCG@10 0.327. A served ranker retrained
    /// together with the towers it reads can turn them on.
    /// </summary>
    public bool IncludeEmbeddings { get; init; }

    /// <summary>
    /// Score the evaluation's candidates with the first fold's inner models (candidates, retrieval scores and statistics
    /// from the same models the ranker's rows came from; histories and exclusions from the whole training part) instead
    /// of the models trained on the whole training part: no shift between training and evaluation features, at the price
    /// of retrieval models that read less data. Default false.
    /// </summary>
    public bool EvaluateWithInnerModels { get; init; }

    /// <summary>
    /// Whether the rows carry the co-watch features (<see cref="CoWatchNeighbours"/>, built per fold from the pairs that
    /// fold's retrieval models read): <see cref="CoWatchKind.Ease"/> (default) the EASE item-to-item regression weights
    /// (<see cref="EaseNeighbours"/>), <see cref="CoWatchKind.Cosine"/> the shrunk cosine, or none.
    /// </summary>
    public CoWatchKind CoWatch { get; init; } = CoWatchKind.Ease;

    /// <summary>How many of each user's newest watches the tag and popularity-gap features read. Default 50.</summary>
    public int RecentWatches { get; init; } = 50;

    /// <summary>
    /// How many of each user's newest watches the co-watch features sum over (<see cref="ScoringFeatureSettings.CoWatchHistory"/>),
    /// with the sum's per-request z-score and percentile (<see cref="ScoringFeatureSettings.CoWatchNormalized"/>).
    /// Default 500: on ML-100K the EASE sum over the 100 newest watches was far below WALS, over 500 level with it, and
    /// the two blended (z-scores, weight 0.5) gained +0.008 to +0.014 nDCG@10 over WALS on each of seeds 42–46.
    /// </summary>
    public int CoWatchHistory { get; init; } = 500;

    /// <summary>Every run so far, in order.</summary>
    public List<PipelineRun> Runs { get; } = [];

    /// <summary>The run for <paramref name="set"/> (computed once per set).</summary>
    public PipelineRun For(TrainingSet set, CancellationToken cancellationToken)
    {
        if (!_runs.TryGetValue(set, out var run))
        {
            run = Run(set, cancellationToken);
            _runs.Add(set, run);
            Runs.Add(run);
        }

        return run;
    }

    /// <summary>
    /// Trains the ranker to serve beside retrieval models trained on all of <paramref name="set"/>'s training pairs
    /// (<c>train --ranker</c>): out-of-fold rows (see <see cref="KFold"/>) from those pairs, the ranker fitted and selected
    /// on their validation users, and the co-watch lists of the whole part for serving. The set's test pairs are not read.
    /// </summary>
    /// <exception cref="InsufficientDataException">Fewer than two users have a training history.</exception>
    public RankerArtifacts Fit(TrainingSet set, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(set);
        var (features, trainRows, validation, _, result) = FitRanker(set, cancellationToken);
        return new RankerArtifacts(result, features, CoWatchOf(set.Pairs, set.Split.Train, set.DurationSeconds, cancellationToken),
            trainRows.Count, validation.Count);
    }

    private (ScoringFeatures Features, RankerData Train, RankerData Validation, OfflineRequests? FirstFold, RankerTrainingResult Result) FitRanker(TrainingSet set, CancellationToken cancellationToken)
    {
        var table = set.Pairs;
        var features = new ScoringFeatures(new ScoringFeatureSettings { TwoTowerDimensions = IncludeEmbeddings ? twoTower.Dimensions.Output : 0, CoWatch = CoWatch != CoWatchKind.None, RecentWatches = RecentWatches,
            CoWatchHistory = CoWatch != CoWatchKind.None ? CoWatchHistory : 0, CoWatchNormalized = CoWatch != CoWatchKind.None });

        // The same validation users for every fold: 10% of the users with a training history.
        var users = set.Split.Train.Select(p => p.User).Distinct().Order().ToArray();
        if (users.Length < 2)
        {
            throw new InsufficientDataException($"seed {set.Seed}: the ranker needs at least two users with a training history; {users.Length} found.");
        }

        new Random(Seeds.Derive(set.Seed, 22)).Shuffle(users);
        var validationCount = Math.Max(1, (int)Math.Round(users.Length * ValidationShare));
        var validationSet = users[..validationCount].ToHashSet();
        RankerData trainRows, validation;
        OfflineRequests? firstFold = null;
        var key = $"{dataset.Name}-seed{set.Seed}-{(KFold >= 2 ? $"kfold{KFold}" : $"inner{InnerRatio:0.###}x{LabelFolds}")}-neg{NegativesPerUser}-{CoWatch.ToString().ToLowerInvariant()}-{features.Fingerprint}";
        (string Train, string Validation)? cached = RowsCache is null || EvaluateWithInnerModels ? null : (Train: Path.Combine(RowsCache, key + ".train.bin"), Validation: Path.Combine(RowsCache, key + ".validation.bin"));
        if (cached is { } files && File.Exists(files.Train) && File.Exists(files.Validation))
        {
            progress?.Report($"seed {set.Seed}: ranker rows from {RowsCache}");
            (trainRows, validation) = (RankerData.Load(files.Train), RankerData.Load(files.Validation));
        }
        else
        {
            (trainRows, validation, firstFold) = BuildRows(set, features, validationSet, cancellationToken);
            if (cached is { } write)
            {
                Directory.CreateDirectory(RowsCache!);
                trainRows.Save(write.Train);
                validation.Save(write.Validation);
            }
        }

        progress?.Report($"seed {set.Seed}: ranker training");
        var result = RankerTrainer.Fit(features, trainRows, validation, ranker with { Seed = set.Seed }, cancellationToken);
        return (features, trainRows, validation, firstFold, result);
    }

    private PipelineRun Run(TrainingSet set, CancellationToken cancellationToken)
    {
        var table = set.Pairs;
        var (features, trainRows, validation, firstFold, result) = FitRanker(set, cancellationToken);

        progress?.Report($"seed {set.Seed}: scoring");
        var fullWals = ((WalsRecommender)(walsFull?.Last ?? throw new InvalidOperationException("WALS must be trained before the pipeline."))).Model;
        var fullTt = (EmbeddingRecommender)(twoTowerFull?.Last ?? throw new InvalidOperationException("The two-tower must be trained before the pipeline."));
        var requests = firstFold ?? new OfflineRequests(dataset, table, set.Split.Train, policy, set.DurationSeconds, Models(fullWals, fullTt), features, generation,
            coWatch: CoWatchOf(table, set.Split.Train, set.DurationSeconds, cancellationToken));
        using var scorer = OnnxScorer.Load(RankerOnnxExporter.ExportToBytes(result.Weights));
        var assembler = new FeatureAssembler(requests.Videos);
        var merged = new Dictionary<int, (int[], float[])>();
        var scored = new Dictionary<int, (int[], float[])>();
        var rows = new float[generation.MergedCount * features.Count];
        var seen = new bool[table.Users.Count];
        foreach (var p in set.Split.Train)
        {
            seen[p.User] = true;
        }

        for (var u = 0; u < table.Users.Count; u++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!seen[u])
            {
                continue;
            }

            var candidates = requests.Candidates(u, cancellationToken);
            if (candidates.Count == 0)
            {
                continue;
            }

            var videos = candidates.Select(c => requests.Videos.IndexOf(c.VideoId)).ToArray();
            merged[u] = (videos, [.. candidates.Select(c => (float)-c.Position)]);
            assembler.Assemble(requests.User(u), candidates, rows);
            var scores = new float[candidates.Count];
            scorer.Score(rows, candidates.Count, scores);
            scored[u] = (videos, scores);
        }

        return new PipelineRun(set.Seed, result, trainRows.Count, validation.Count,
            new CandidateListRecommender("merged", table.Videos.Count, merged), new CandidateListRecommender("pipeline", table.Videos.Count, scored),
            new Dictionary<string, double>(StringComparer.Ordinal)
            {
                [CandidateSources.Wals] = ColumnNdcg(validation, features.Offset("wals_score"), 1),
                [CandidateSources.TwoTower] = ColumnNdcg(validation, features.Offset("twotower_score"), 1),
                ["merged"] = ColumnNdcg(validation, features.Offset("merged_log_position"), -1),
            });
    }

    /// <summary>The ranker's training and validation rows of one split (inner splits or out-of-fold parts, see <see cref="KFold"/>).</summary>
    private (RankerData Train, RankerData Validation, OfflineRequests? FirstFold) BuildRows(TrainingSet set, ScoringFeatures features, HashSet<int> validationSet, CancellationToken cancellationToken)
    {
        var table = set.Pairs;
        OfflineRequests? firstFold = null;
        var trainParts = new List<RankerData>();
        var validationParts = new List<RankerData>();
        var splits = KFold >= 2
            ? Splitter.KFold(set.Split.Train, KFold, Seeds.Derive(set.Seed, 21))
            : [.. Enumerable.Range(0, LabelFolds).Select(fold => Splitter.Stratified(set.Split.Train, InnerRatio, Seeds.Derive(set.Seed, 21 + 100 * fold)))];
        for (var fold = 0; fold < splits.Length; fold++)
        {
            var inner = splits[fold];
            var matrix = new FeedbackMatrixBuilder(policy, FeedbackWeights.Default).Build(table.Users.Count, table.Videos.Count, inner.Train, set.DurationSeconds);
            var innerSet = new TrainingSet(table, inner, matrix, set.DurationSeconds, fold == 0 ? set.Seed : Seeds.Derive(set.Seed, 25 + fold));
            progress?.Report($"seed {set.Seed}, fold {fold + 1}: inner WALS");
            var innerWals = ((WalsRecommender)new WalsFactory(wals).Train(innerSet, cancellationToken)).Model;
            progress?.Report($"seed {set.Seed}, fold {fold + 1}: inner two-tower");
            var innerFactory = new TwoTowerFactory(dataset, titles, textModel, textDimensions, twoTower);
            var innerTt = (EmbeddingRecommender)innerFactory.Train(innerSet, cancellationToken);
            innerFactory.Last?.Model.Dispose();

            progress?.Report($"seed {set.Seed}, fold {fold + 1}: ranker rows");
            var innerRequests = new OfflineRequests(dataset, table, inner.Train, policy, set.DurationSeconds, Models(innerWals, innerTt), features, generation,
                coWatch: CoWatchOf(table, inner.Train, set.DurationSeconds, cancellationToken));
            if (fold == 0 && EvaluateWithInnerModels)
            {
                firstFold = new OfflineRequests(dataset, table, inner.Train, policy, set.DurationSeconds, Models(innerWals, innerTt), features, generation, set.Split.Train,
                    innerRequests.CoWatch);
            }

            var labelled = Labels(inner.Test, set.DurationSeconds, table.Users.Count);
            var trainUsers = labelled.Keys.Where(u => !validationSet.Contains(u)).Order().Select(u => (u, (IReadOnlyDictionary<int, float>)labelled[u])).ToArray();
            trainParts.Add(RankerRows.Build(innerRequests, trainUsers, NegativesPerUser, Seeds.Derive(set.Seed, 23 + 100 * fold), cancellationToken));
            if (fold == 0 || KFold >= 2)
            {
                var validationUsers = labelled.Keys.Where(validationSet.Contains).Order().Select(u => (u, (IReadOnlyDictionary<int, float>)labelled[u])).ToArray();
                validationParts.Add(RankerRows.Build(innerRequests, validationUsers, null, Seeds.Derive(set.Seed, 24 + 100 * fold), cancellationToken));
            }
        }

        return (RankerData.Concat(trainParts), RankerData.Concat(validationParts), firstFold);
    }

    /// <summary>The co-watch lists of <paramref name="readable"/> by <see cref="CoWatch"/> (null for none).</summary>
    private CoWatchNeighbours? CoWatchOf(PairTable table, IReadOnlyList<PairRecord> readable, IReadOnlyList<double?> durations, CancellationToken cancellationToken) =>
        CoWatch switch
        {
            CoWatchKind.Ease => EaseNeighbours.Build(table.Videos.Ids, OfflineRequests.RelevantByUser(readable, policy, durations, table.Users.Count), cancellationToken: cancellationToken),
            CoWatchKind.Cosine => CoWatchNeighbours.Build(table.Videos.Ids, OfflineRequests.RelevantByUser(readable, policy, durations, table.Users.Count), cancellationToken: cancellationToken),
            _ => null,
        };

    private static double ColumnNdcg(RankerData rows, int column, float sign)
    {
        var scores = new float[rows.Count];
        for (var r = 0; r < rows.Count; r++)
        {
            scores[r] = sign * rows.Rows[r * rows.Features + column];
        }

        return ScoringMetrics.GroupNdcg(scores, rows.Relevance, rows.GroupStarts, 10);
    }

    private Dictionary<int, Dictionary<int, float>> Labels(IReadOnlyList<PairRecord> heldIn, IReadOnlyList<double?> durations, int users)
    {
        var labels = new Dictionary<int, Dictionary<int, float>>();
        foreach (var p in heldIn)
        {
            if (policy.Label(p, durations) != Relevance.Positive)
            {
                continue;
            }

            if (!labels.TryGetValue(p.User, out var set))
            {
                labels[p.User] = set = [];
            }

            set[p.Video] = (float)p.Feedback.WatchFraction(RelevancePolicy.DurationOf(p.Video, durations));
        }

        return labels;
    }

    private PipelineModels Models(WalsModel walsModel, EmbeddingRecommender tt)
    {
        var (users, videos, d) = tt.InnerProductVectors();
        var ttDimensions = tt.VideoVectors.Length / Math.Max(1, tt.Videos);
        return new PipelineModels(
            [new RetrievalSpace(CandidateSources.TwoTower, users, videos, d, VectorMetric.InnerProduct),
             new RetrievalSpace(CandidateSources.Wals, walsModel.UserFactors, walsModel.VideoFactors, walsModel.Factors, VectorMetric.InnerProduct)],
            (tt.VideoVectors, ttDimensions),
            (walsModel.UserFactors, walsModel.VideoFactors, walsModel.Factors),
            (tt.UserVectors, tt.VideoVectors, ttDimensions),
            titles);
    }
}

/// <summary>What <see cref="ScoredPipeline.Fit"/> trained for serving.</summary>
/// <param name="Training">The ranker (weights, the architecture comparison, calibration).</param>
/// <param name="Features">Its feature layout.</param>
/// <param name="CoWatch">The co-watch lists of the whole training part, when the layout reads them.</param>
/// <param name="TrainingRows">Rows it was trained on.</param>
/// <param name="ValidationRows">Rows it was selected on.</param>
public sealed record RankerArtifacts(RankerTrainingResult Training, ScoringFeatures Features, CoWatchNeighbours? CoWatch, int TrainingRows, int ValidationRows);

/// <summary>Which item-to-item weights feed the ranker's <c>cowatch_*</c> features.</summary>
public enum CoWatchKind
{
    /// <summary>No co-watch features.</summary>
    None,

    /// <summary>Shrunk cosine of relevant-user sets (<see cref="CoWatchNeighbours.Build"/>).</summary>
    Cosine,

    /// <summary>EASE item-to-item regression weights (<see cref="EaseNeighbours"/>).</summary>
    Ease,
}

/// <summary>The <c>merged</c> row of the evaluation: the merged candidates in the merger's fused order.</summary>
/// <param name="pipeline">The shared pipeline (list the WALS and two-tower factories before this one).</param>
public sealed class MergedCandidatesFactory(ScoredPipeline pipeline) : IModelFactory
{
    /// <inheritdoc />
    public string Name => "merged";

    /// <inheritdoc />
    public Core.Models.IRecommenderModel Train(TrainingSet set, CancellationToken cancellationToken) => pipeline.For(set, cancellationToken).Merged;
}

/// <summary>The <c>pipeline</c> row of the evaluation: the merged candidates re-ordered by the ranker.</summary>
/// <param name="pipeline">The shared pipeline (list the WALS and two-tower factories before this one).</param>
public sealed class ScoredPipelineFactory(ScoredPipeline pipeline) : IModelFactory
{
    /// <inheritdoc />
    public string Name => "pipeline";

    /// <inheritdoc />
    public Core.Models.IRecommenderModel Train(TrainingSet set, CancellationToken cancellationToken) => pipeline.For(set, cancellationToken).Scored;
}
