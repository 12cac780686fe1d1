using System.Diagnostics;
using System.Text.Json.Nodes;
using Spectre.Console;
using VideoRec.Core.CandidateGeneration;
using VideoRec.Core.Domain;
using VideoRec.Core.Evaluation;
using VideoRec.Core.Feedback;
using VideoRec.Core.Models.Wals;
using VideoRec.Local.Embeddings;
using VideoRec.Scoring.Serving;
using VideoRec.Training.Scoring;
using VideoRec.Training.TwoTower;

namespace VideoRec.Cli.Infrastructure;

/// <summary>
/// <c>train --ranker</c>: trains the scoring model on all the data the way <c>evaluate --pipeline</c> does on a
/// training part (out-of-fold rows from WALS and two-tower models trained on the other folds, EASE co-watch lists,
/// residual on the WALS score, selection on 10% of the users) and writes the bundle's <c>ranker/</c> folder
/// (<see cref="RankerBundle"/>).
/// </summary>
public static class RankerBundleTraining
{
    /// <summary>Out-of-fold parts.</summary>
    public const int Folds = 5;

    /// <summary>Trains and writes the folder; returns the JSON summary.</summary>
    /// <param name="dataset">The imported data.</param>
    /// <param name="titles">Video id → title embedding (as the two-tower reads them).</param>
    /// <param name="folder">Target folder (created).</param>
    /// <param name="wals">WALS options of the inner models (the bundle's).</param>
    /// <param name="twoTower">Two-tower options of the inner models (the bundle's).</param>
    /// <param name="policy">The relevance label.</param>
    /// <param name="seed">Seed of the folds, the validation users and the ranker.</param>
    /// <param name="cancellationToken">Stops between stages and batches.</param>
    public static JsonObject Train(Dataset dataset, IReadOnlyDictionary<string, float[]> titles, string folder, WalsOptions wals, TwoTowerOptions twoTower,
        RelevancePolicy policy, int seed, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var data = DatasetPairs.From(dataset);
        var table = data.Table;
        var all = table.Pairs;
        var matrix = new FeedbackMatrixBuilder(policy, FeedbackWeights.Default).Build(table.Users.Count, table.Videos.Count, all, data.DurationSeconds);
        var set = new TrainingSet(table, new DataSplit(all, []), matrix, data.DurationSeconds, seed);
        var pipeline = new ScoredPipeline(dataset, titles, MiniLmEmbeddingGenerator.DefaultModelId, MiniLmEmbeddingGenerator.Dimensions, wals, twoTower,
            RankerOptions.Pipeline, new CandidateGenerationOptions { FreshWindow = PipelineEvaluation.FreshWindow }, policy, null, null,
            new InlineProgress<string>(m => AnsiConsole.MarkupLine($"Ranker: {Markup.Escape(m)}")))
        { KFold = Folds };
        var trained = pipeline.Fit(set, cancellationToken);
        RankerBundle.Write(trained.Training.Weights, folder, trained.CoWatch);
        var chosen = trained.Training.Chosen;
        AnsiConsole.MarkupLine($"Ranker: {chosen.Architecture.ToString().ToLowerInvariant()} kept at epoch {chosen.BestEpoch:0.##}, validation nDCG@10 {chosen.Ndcg:F4}, AUC {chosen.Auc:F4}; {trained.Features.Count} features, {trained.TrainingRows:N0} training rows, {trained.CoWatch?.Entries ?? 0:N0} co-watch weights, {clock.Elapsed.TotalSeconds:F0} s.");
        return new JsonObject
        {
            ["folder"] = Path.GetFullPath(folder),
            ["architecture"] = chosen.Architecture.ToString().ToLowerInvariant(),
            ["best_epoch"] = chosen.BestEpoch,
            ["validation_ndcg"] = chosen.Ndcg,
            ["validation_auc"] = chosen.Auc,
            ["training_rows"] = trained.TrainingRows,
            ["validation_rows"] = trained.ValidationRows,
            ["features"] = trained.Features.Count,
            ["feature_layout"] = trained.Features.Fingerprint,
            ["cowatch_entries"] = trained.CoWatch?.Entries ?? 0,
            ["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 1),
        };
    }
}
