using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;
using VideoRec.Core.CandidateGeneration;
using VideoRec.Core.Domain;
using VideoRec.Core.Evaluation;
using VideoRec.Core.Feedback;
using VideoRec.Core.Models.Wals;
using VideoRec.Local.Embeddings;
using VideoRec.Training.Scoring;
using VideoRec.Training.TwoTower;

namespace VideoRec.Cli.Infrastructure;

/// <summary>
/// <c>evaluate --pipeline</c>: adds the <c>merged</c> (candidate generators' fused order) and <c>pipeline</c>
/// (candidates re-ordered by the ranker) rows to the evaluation, and reports the ranker comparison and calibration.
/// </summary>
public static class PipelineEvaluation
{
    /// <summary>The fresh window on MovieLens (release dates are whole years), as <c>evaluate-candidates</c> uses.</summary>
    public static readonly TimeSpan FreshWindow = TimeSpan.FromDays(365);

    /// <summary>Appends the two pipeline factories to <paramref name="factories"/> (which must hold the WALS and two-tower factories).</summary>
    /// <exception cref="CliException">WALS or the two-tower is not among the models.</exception>
    public static ScoredPipeline Add(List<IModelFactory> factories, Dataset dataset, IReadOnlyDictionary<string, float[]> titles, WalsOptions wals,
        TwoTowerOptions twoTower, RelevancePolicy policy, RankerOptions? ranker = null, double innerRatio = 0.9, int folds = 1, int negatives = 100, bool innerModels = false, bool embeddings = false, int kFold = 0, string? rowsCache = null, CoWatchKind coWatch = CoWatchKind.Ease, int recentWatches = 50, int coWatchHistory = 500)
    {
        var walsFactory = factories.OfType<RememberingFactory>().FirstOrDefault(f => f.Name == "wals");
        var twoTowerFactory = factories.OfType<RememberingFactory>().FirstOrDefault(f => f.Name == "twotower");
        if (walsFactory is null || twoTowerFactory is null)
        {
            throw new CliException("--pipeline: the pipeline's candidates come from WALS and the two-tower; list both in --models.");
        }

        var pipeline = new ScoredPipeline(dataset, titles, MiniLmEmbeddingGenerator.DefaultModelId, MiniLmEmbeddingGenerator.Dimensions, wals, twoTower,
            ranker ?? new RankerOptions(), new CandidateGenerationOptions { FreshWindow = FreshWindow }, policy, walsFactory, twoTowerFactory) { InnerRatio = innerRatio, LabelFolds = folds, NegativesPerUser = negatives, EvaluateWithInnerModels = innerModels, IncludeEmbeddings = embeddings, KFold = kFold, RowsCache = rowsCache, CoWatch = coWatch, RecentWatches = recentWatches, CoWatchHistory = coWatchHistory };
        factories.Add(new MergedCandidatesFactory(pipeline));
        factories.Add(new ScoredPipelineFactory(pipeline));
        return pipeline;
    }

    /// <summary>Prints the ranker comparison and the calibration table, and returns the <c>pipeline</c> JSON node.</summary>
    public static JsonObject Report(ScoredPipeline pipeline, JsonObject models)
    {
        var comparison = new Table().Border(TableBorder.Rounded).Title(pipeline.KFold >= 2
                ? $"Ranker on validation ({pipeline.KFold} out-of-fold parts of each user's training pairs as labels, {ScoredPipeline.ValidationShare:P0} of users, every candidate)"
                : $"Ranker on validation (held-in {1 - pipeline.InnerRatio:P0} of each user's training pairs as labels, {ScoredPipeline.ValidationShare:P0} of users, every candidate)")
            .AddColumn("Seed").AddColumn("Architecture").AddColumn(new TableColumn("nDCG@10").RightAligned()).AddColumn(new TableColumn("log loss").RightAligned())
            .AddColumn(new TableColumn("AUC").RightAligned()).AddColumn(new TableColumn("epoch").RightAligned()).AddColumn("kept");
        var runs = new JsonArray();
        foreach (var run in pipeline.Runs)
        {
            var architectures = new JsonObject();
            foreach (var r in run.Ranker.Results)
            {
                var kept = r.Architecture == run.Ranker.Weights.Architecture;
                comparison.AddRow(run.Seed.ToString(CultureInfo.InvariantCulture), r.Architecture.ToString().ToLowerInvariant(), F(r.Ndcg), F(r.LogLoss), F(r.Auc),
                    r.BestEpoch.ToString("0.##", CultureInfo.InvariantCulture), kept ? "[bold]yes[/]" : "");
                architectures[r.Architecture.ToString().ToLowerInvariant()] = new JsonObject
                {
                    ["ndcg"] = R(r.Ndcg), ["log_loss"] = R(r.LogLoss), ["auc"] = R(r.Auc), ["best_epoch"] = Math.Round(r.BestEpoch, 3),
                };
            }

            foreach (var (name, ndcg) in run.ValidationBaselines)
            {
                comparison.AddRow(run.Seed.ToString(CultureInfo.InvariantCulture), $"[grey]{name} order[/]", F(ndcg), "", "", "", "");
            }

            runs.Add(new JsonObject
            {
                ["baselines"] = new JsonObject(run.ValidationBaselines.Select(b => KeyValuePair.Create(b.Key, R(b.Value)))),
                ["seed"] = run.Seed,
                ["chosen"] = run.Ranker.Weights.Architecture.ToString().ToLowerInvariant(),
                ["architectures"] = architectures,
                ["training_rows"] = run.TrainingRows,
                ["validation_rows"] = run.ValidationRows,
                ["features"] = run.Ranker.Weights.Features.Count,
            });
        }

        AnsiConsole.Write(comparison);

        // Calibration pooled over seeds: rows summed, means weighted by rows.
        var buckets = pipeline.Runs[0].Ranker.Calibration.Length;
        var calibration = new Table().Border(TableBorder.Rounded).Title($"Calibration of the kept ranker on validation ({buckets} buckets, all seeds pooled)")
            .AddColumn("predicted").AddColumn(new TableColumn("rows").RightAligned()).AddColumn(new TableColumn("mean predicted").RightAligned()).AddColumn(new TableColumn("observed rate").RightAligned());
        var calibrationJson = new JsonArray();
        for (var b = 0; b < buckets; b++)
        {
            var parts = pipeline.Runs.Select(r => r.Ranker.Calibration[b]).ToArray();
            var rows = parts.Sum(p => p.Rows);
            var predicted = rows == 0 ? double.NaN : parts.Where(p => p.Rows > 0).Sum(p => p.MeanPredicted * p.Rows) / rows;
            var observed = rows == 0 ? double.NaN : parts.Where(p => p.Rows > 0).Sum(p => p.ObservedRate * p.Rows) / rows;
            calibration.AddRow($"{parts[0].Low:0.0}–{parts[0].High:0.0}", rows.ToString("N0", CultureInfo.InvariantCulture), F(predicted), F(observed));
            calibrationJson.Add(new JsonObject { ["low"] = parts[0].Low, ["high"] = parts[0].High, ["rows"] = rows, ["predicted"] = R(predicted), ["observed"] = R(observed) });
        }

        AnsiConsole.Write(calibration);
        var node = models["pipeline"]!.DeepClone().AsObject();
        node["merged"] = models["merged"]!.DeepClone();
        node["ranker"] = runs;
        node["calibration"] = calibrationJson;
        return node;

        static string F(double v) => double.IsFinite(v) ? v.ToString("0.0000", CultureInfo.InvariantCulture) : "–";
        static JsonNode? R(double v) => double.IsFinite(v) ? JsonValue.Create(Math.Round(v, 6)) : null;
    }
}
