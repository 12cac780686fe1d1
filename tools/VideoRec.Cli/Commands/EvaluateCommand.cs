using System.CommandLine;
using Spectre.Console;
using VideoRec.Cli.Infrastructure;
using VideoRec.Core.Evaluation;
using VideoRec.Core.Feedback;
using VideoRec.Core.Models.Wals;
using VideoRec.Local.Embeddings;
using VideoRec.Training.TwoTower;

namespace VideoRec.Cli.Commands;

/// <summary><c>vrec evaluate</c>: every model on every seed, mean and spread.</summary>
public static class EvaluateCommand
{
    public static Option<string> Split() => CommonOptions.OneOf(new Option<string>("--split")
    {
        Description = "stratified (per-user random 75/25, default), time (last 20% of time) or leave-last-out.",
        DefaultValueFactory = _ => "stratified",
    }, "stratified", "time", "leave-last-out");

    public static Option<string> Seeds(string defaultValue = "42,43,44") => new("--seeds")
    {
        Description = $"Comma-separated seeds, one run each; figures are the mean.",
        DefaultValueFactory = _ => defaultValue,
        HelpName = "LIST",
    };

    public static SplitProtocol ParseProtocol(string text) => text switch
    {
        "time" => SplitProtocol.Time,
        "leave-last-out" => SplitProtocol.LeaveLastOut,
        _ => SplitProtocol.Stratified,
    };

    public static Command Create()
    {
        var data = new DataOptions();
        var wals = new WalsOptionSet(includeSeed: false);
        var split = Split();
        var k = CommonOptions.K("List length k of every @k metric.", VideoRec.Core.Evaluation.EvaluationOptions.MaxK);
        var seeds = Seeds();
        var json = CommonOptions.Json();
        var models = new Option<string>("--models")
        {
            Description = $"Comma-separated models to compare: {string.Join(", ", TwoTowerEvaluation.Models)} (wals_twotower blends the two).",
            DefaultValueFactory = _ => string.Join(",", TwoTowerEvaluation.Models),
            HelpName = "LIST",
        };
        var noColdStart = new Option<bool>("--no-cold-start") { Description = "Skip the new-user and new-video measurements (run on the first seed when twotower is evaluated)." };
        var pipeline = new Option<bool>("--pipeline") { Description = "Add the full pipeline: the merged candidates (fused order) and the candidates re-ordered by the ranker, trained per seed on out-of-fold labels (about 3 min more per seed on ML-100K; needs wals and twotower)." };
        var innerRatio = CommonOptions.Range(new Option<double>("--ranker-inner-ratio") { Description = "With --pipeline: share of each user's training pairs the ranker's inner retrieval models read; the rest labels its rows.", DefaultValueFactory = _ => 0.9 }, 0.5, 0.95);
        var folds = CommonOptions.Range(new Option<int>("--ranker-folds") { Description = "With --pipeline: inner splits whose labelled rows are pooled (each trains its own inner WALS and two-tower).", DefaultValueFactory = _ => 1 }, 1, 10);
        var negatives = CommonOptions.Range(new Option<int>("--ranker-negatives") { Description = "With --pipeline: candidates sampled as negatives per training user and fold.", DefaultValueFactory = _ => 100 }, 1, 100_000);
        var innerModels = new Option<bool>("--ranker-inner-models") { Description = "With --pipeline: generate and score the evaluated candidates with the ranker's inner retrieval models (no train/serve feature shift) instead of the models trained on the whole training part." };
        var rankerEmbeddings = new Option<bool>("--ranker-embeddings") { Description = "With --pipeline: feed the raw two-tower embeddings to the ranker (only meaningful with --ranker-inner-models: two training runs share no embedding axes)." };
        var listwise = CommonOptions.Range(new Option<double>("--ranker-listwise") { Description = "With --pipeline: weight of the ranker's listwise (per-request softmax cross-entropy) loss term beside the pointwise one.", DefaultValueFactory = _ => VideoRec.Training.Scoring.RankerOptions.Pipeline.ListwiseWeight }, 0, 100);
        var kFold = CommonOptions.Range(new Option<int>("--ranker-kfold") { Description = "With --pipeline: out-of-fold ranker rows; each user's training pairs are dealt into K folds, and each fold's pairs label candidates from WALS and two-tower models trained on the other folds (0: the inner split of --ranker-inner-ratio and --ranker-folds).", DefaultValueFactory = _ => 5 }, 0, 10);
        var residual = CommonOptions.OneOf(new Option<string>("--ranker-residual") { Description = "With --pipeline: the feature the ranker's relevance logit is a residual on (it starts as that feature's order and learns a correction), or none.", DefaultValueFactory = _ => VideoRec.Training.Scoring.RankerOptions.Pipeline.ResidualFeature ?? "none" }, "none", "wals_score", "wals_score_z", "twotower_score", "fused_score");
        var select = CommonOptions.OneOf(new Option<string>("--ranker-select") { Description = "With --pipeline: what keeps the ranker's epoch on validation: loss (log loss) or ndcg (nDCG@10; with a residual the untrained start competes).", DefaultValueFactory = _ => VideoRec.Training.Scoring.RankerOptions.Pipeline.EpochSelection == VideoRec.Training.Scoring.RankerEpochSelection.Ndcg ? "ndcg" : "loss" }, "loss", "ndcg");
        var pointwise = CommonOptions.Range(new Option<double>("--ranker-pointwise") { Description = "With --pipeline: weight of the ranker's pointwise (binary cross-entropy) loss term; 0 leaves only the listwise term.", DefaultValueFactory = _ => VideoRec.Training.Scoring.RankerOptions.Pipeline.PointwiseWeight }, 0, 100);
        var hidden = new Option<string>("--ranker-hidden") { Description = "With --pipeline: the ranker's hidden layer widths, comma-separated, or none (a linear model).", DefaultValueFactory = _ => string.Join(',', VideoRec.Training.Scoring.RankerOptions.Pipeline.Hidden) };
        var learningRate = CommonOptions.Range(new Option<double>("--ranker-learning-rate") { Description = "With --pipeline: the ranker's Adam learning rate.", DefaultValueFactory = _ => VideoRec.Training.Scoring.RankerOptions.Pipeline.LearningRate }, 1e-6, 1);
        var validationEvery = CommonOptions.Range(new Option<int>("--ranker-validation-every") { Description = "With --pipeline: optimizer steps between the ranker's validation checks within an epoch (0: once per epoch).", DefaultValueFactory = _ => VideoRec.Training.Scoring.RankerOptions.Pipeline.ValidationEvery }, 0, 1_000_000);
        var patience = CommonOptions.Range(new Option<int>("--ranker-patience") { Description = "With --pipeline: validation checks without improvement before the ranker's training stops.", DefaultValueFactory = _ => VideoRec.Training.Scoring.RankerOptions.Pipeline.Patience }, 1, 1000);
        var coWatch = CommonOptions.OneOf(new Option<string>("--ranker-cowatch") { Description = "With --pipeline: the item-to-item weights of the ranker's co-watch features (each candidate against the recent watches): ease (EASE regression), cosine (shrunk cosine of co-watch counts) or none.", DefaultValueFactory = _ => "ease" }, "ease", "cosine", "none");
        var recentWatches = CommonOptions.Range(new Option<int>("--ranker-recent") { Description = "With --pipeline: how many of each user's newest watches the ranker's tag and popularity-gap features read.", DefaultValueFactory = _ => 50 }, 1, VideoRec.Core.Scoring.ScoringFeatureSettings.MaxRecentWatches);
        var coWatchHistory = CommonOptions.Range(new Option<int>("--ranker-cowatch-history") { Description = "With --pipeline: how many of each user's newest watches the co-watch features sum over.", DefaultValueFactory = _ => 500 }, 1, VideoRec.Core.Scoring.ScoringFeatureSettings.MaxRecentWatches);
        var rowsCache = new Option<string?>("--ranker-rows-cache") { Description = "With --pipeline: a folder where each seed's ranker rows are kept and read back on later runs instead of training the inner models again (to compare ranker settings on the same rows)." };
        var residualWeight = CommonOptions.Range(new Option<double>("--ranker-residual-weight") { Description = "With --pipeline and --ranker-residual: the residual feature's starting logit weight per standardised unit (the sharpness of the start).", DefaultValueFactory = _ => VideoRec.Training.Scoring.RankerOptions.Pipeline.ResidualWeight }, 0.01, 1000);
        var epochs = CommonOptions.Range(new Option<int>("--two-tower-epochs") { Description = "Maximum two-tower training epochs (early stopping on validation Recall@10).", DefaultValueFactory = _ => new TwoTowerOptions().Epochs }, 1, 1000);
        var command = new Command("evaluate", "Train and evaluate every model (WALS, popularity, random, two-tower and the WALS + two-tower blend) on each seed and report the mean and spread; then the cold-start measurements.");
        data.AddTo(command);
        command.Add(split);
        command.Add(k);
        command.Add(seeds);
        command.Add(models);
        command.Add(noColdStart);
        command.Add(pipeline);
        command.Add(innerRatio);
        command.Add(listwise);
        command.Add(folds);
        command.Add(negatives);
        command.Add(innerModels);
        command.Add(rankerEmbeddings);
        command.Add(coWatch);
        command.Add(recentWatches);
        command.Add(coWatchHistory);
        kFold.Validators.Add(result =>
        {
            // One fold leaves no other fold to train the inner models on; 1 used to run the inner split silently, as 0 does.
            try
            {
                if (result.GetValueOrDefault<int>() == 1)
                {
                    result.AddError("--ranker-kfold must be 0 (the inner split) or 2 to 10, found 1.");
                }
            }
            catch (InvalidOperationException)
            {
                // Not a number: the parser reports it.
            }
        });
        command.Add(kFold);
        command.Add(residual);
        command.Add(select);
        command.Add(pointwise);
        command.Add(hidden);
        command.Add(learningRate);
        command.Add(validationEvery);
        command.Add(residualWeight);
        command.Add(patience);
        command.Add(rowsCache);
        command.Add(epochs);
        wals.AddTo(command);
        command.Add(json);
        command.SetAction((parse, cancellationToken) => Task.FromResult(ErrorReporting.Run(() =>
        {
            var request = data.Read(parse);
            JsonOutput.CheckWritable(parse.GetValue(json));
            var options = new EvaluationOptions
            {
                Protocol = ParseProtocol(parse.GetValue(split)!),
                K = parse.GetValue(k),
                Seeds = ListOption.Ints(parse.GetValue(seeds)!, "--seeds"),
                TrainPolicy = request.Relevance,
                TestPolicy = request.Relevance,
            };
            var names = TwoTowerEvaluation.ParseModels(parse.GetValue(models)!);
            var walsOptions = wals.Read(parse) with { ComputeLoss = false };
            var import = DataLoading.Load(request);
            var pairs = DatasetPairs.From(import.Dataset);
            var withTwoTower = names.Contains("twotower");
            // Titles are embedded only when a two-tower will train (data without interactions fails in the evaluation first).
            var titles = withTwoTower && pairs.Table.Pairs.Count > 0 ? TwoTowerEvaluation.TitleEmbeddings(import.Dataset, cancellationToken) : [];
            var twoTowerOptions = new TwoTowerOptions { Epochs = parse.GetValue(epochs), Relevance = request.Relevance };
            var factories = TwoTowerEvaluation.Factories(names, walsOptions, () =>
                new TwoTowerFactory(import.Dataset, titles, MiniLmEmbeddingGenerator.DefaultModelId, MiniLmEmbeddingGenerator.Dimensions, twoTowerOptions));
            var scored = parse.GetValue(pipeline) ? PipelineEvaluation.Add(factories, import.Dataset, titles, walsOptions, twoTowerOptions, request.Relevance,
                new VideoRec.Training.Scoring.RankerOptions
                {
                    ListwiseWeight = parse.GetValue(listwise),
                    PointwiseWeight = parse.GetValue(pointwise),
                    Hidden = parse.GetValue(hidden) is "none" or "" ? [] : ListOption.Ints(parse.GetValue(hidden)!, "--ranker-hidden"),
                    LearningRate = parse.GetValue(learningRate),
                    ValidationEvery = parse.GetValue(validationEvery),
                    ResidualWeight = (float)parse.GetValue(residualWeight),
                    Patience = parse.GetValue(patience),
                    ResidualFeature = parse.GetValue(residual) is "none" ? null : parse.GetValue(residual),
                    EpochSelection = parse.GetValue(select) is "ndcg" ? VideoRec.Training.Scoring.RankerEpochSelection.Ndcg : VideoRec.Training.Scoring.RankerEpochSelection.LogLoss,
                }, parse.GetValue(innerRatio), parse.GetValue(folds), parse.GetValue(negatives), parse.GetValue(innerModels), parse.GetValue(rankerEmbeddings), parse.GetValue(kFold), parse.GetValue(rowsCache), parse.GetValue(coWatch) switch { "cosine" => VideoRec.Training.Scoring.CoWatchKind.Cosine, "none" => VideoRec.Training.Scoring.CoWatchKind.None, _ => VideoRec.Training.Scoring.CoWatchKind.Ease }, parse.GetValue(recentWatches), parse.GetValue(coWatchHistory)) : null;
            var report = Run(pairs, options, factories, cancellationToken);
            AnsiConsole.Write(Rendering.Metrics(report));
            var output = report.ToJson();
            if (scored is not null)
            {
                output["pipeline"] = PipelineEvaluation.Report(scored, output["models"]!.AsObject());
            }
            if (withTwoTower && !parse.GetValue(noColdStart))
            {
                output["cold_start"] = TwoTowerEvaluation.ColdStartOrSkip(import.Dataset, pairs, titles, twoTowerOptions, walsOptions, options.Seeds[0], options.K, cancellationToken);
            }

            JsonOutput.Write(parse.GetValue(json), output);
            return 0;
        })));
        return command;
    }

    /// <summary>Runs the evaluation with a progress bar.</summary>
    public static EvaluationReport Run(DatasetPairs data, EvaluationOptions options, WalsOptions wals, CancellationToken cancellationToken) =>
        Run(data, options, [new WalsFactory(wals), new PopularityFactory(), new RandomFactory()], cancellationToken);

    /// <summary>Runs the evaluation of <paramref name="factories"/> with a progress bar.</summary>
    public static EvaluationReport Run(DatasetPairs data, EvaluationOptions options, IReadOnlyList<IModelFactory> factories, CancellationToken cancellationToken)
    {
        return ConsoleProgress.Run(ctx =>
            {
                var task = ctx.Add("Evaluating", options.Seeds.Count * factories.Count * 2);
                var progress = new InlineProgress<EvaluationProgress>(p =>
                {
                    task.Description = $"seed {p.Seed}: {p.Stage} {p.Model}";
                    task.Value = p.Step;
                });
                var report = OfflineEvaluation.Run(data, factories, options, progress, cancellationToken);
                task.Description = "Evaluated";
                task.Complete();
                return report;
            });
    }
}
