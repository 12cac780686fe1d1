using VideoRec.Core.Feedback;
using VideoRec.Core.Models;
using VideoRec.Core.Models.Wals;

namespace VideoRec.Core.Evaluation;

/// <summary>Progress of an evaluation run.</summary>
/// <param name="Seed">The seed being run.</param>
/// <param name="Model">The model being trained or evaluated.</param>
/// <param name="Stage"><c>train</c> or <c>evaluate</c>.</param>
/// <param name="Step">Steps done so far.</param>
/// <param name="Steps">Total steps (seeds × models × 2).</param>
public sealed record EvaluationProgress(int Seed, string Model, string Stage, int Step, int Steps);

/// <summary>
/// The offline evaluation protocol (design, "Offline metrics"): for each seed, split the pairs, train every model on
/// the training part, and score it on the held-out relevant videos, then report the mean and spread over seeds.
/// Diversity is measured in the WALS video factors when a WALS model is among the factories.
/// </summary>
public static class OfflineEvaluation
{
    /// <summary>Runs the protocol.</summary>
    /// <param name="data">The dataset as pairs.</param>
    /// <param name="factories">The models to compare, in report order.</param>
    /// <param name="options">Split, k, seeds and labels.</param>
    /// <param name="progress">Optional progress.</param>
    /// <param name="cancellationToken">Cancels between models.</param>
    /// <exception cref="ArgumentOutOfRangeException">Invalid options.</exception>
    /// <exception cref="InsufficientDataException">No interactions, or no user to evaluate on a split.</exception>
    public static EvaluationReport Run(DatasetPairs data, IReadOnlyList<IModelFactory> factories, EvaluationOptions options,
        IProgress<EvaluationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        var table = data.Table;
        if (table.Pairs.Count == 0)
        {
            throw new InsufficientDataException($"{data.Name}: the data holds no (user, video) interactions to evaluate.");
        }

        var builder = new FeedbackMatrixBuilder(options.TrainPolicy, options.Weights);
        var perModel = factories.ToDictionary(f => f.Name, _ => new List<MetricSet>());
        var details = new Dictionary<string, double>();
        var steps = options.Seeds.Count * factories.Count * 2;
        var step = 0;
        foreach (var seed in options.Seeds)
        {
            var split = Splitter.Split(table.Pairs, options.Protocol, seed);
            var matrix = builder.Build(table.Users.Count, table.Videos.Count, split.Train, data.DurationSeconds);
            var task = new EvaluationTask(table.Users.Count, table.Videos.Count, split, options.TestPolicy, data.DurationSeconds);
            if (task.EvaluatedUsers.Length == 0)
            {
                throw new InsufficientDataException(
                    $"{data.Name}: with the {ProtocolName(options.Protocol)} split (seed {seed}) no user has both a training history and a relevant held-out video; the data is too small for this protocol.");
            }

            var set = new TrainingSet(table, split, matrix, data.DurationSeconds, seed);

            var models = new List<IRecommenderModel>();
            foreach (var factory in factories)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Report(new EvaluationProgress(seed, factory.Name, "train", step++, steps));
                models.Add(factory.Train(set, cancellationToken));
            }

            var reference = models.OfType<WalsRecommender>().FirstOrDefault()?.Model;
            foreach (var model in models)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Report(new EvaluationProgress(seed, model.Name, "evaluate", step++, steps));
                perModel[model.Name].Add(OfflineEvaluator.Evaluate(model, task, options.K, reference?.VideoFactors, reference?.Factors ?? 0, options.MaxThreads));
            }

            details["train_pairs"] = split.Train.Count;
            details["test_pairs"] = split.Test.Count;
            details["evaluated_users"] = task.EvaluatedUsers.Length;
            details["relevant_test_pairs"] = task.Relevant.Sum(r => r.Count);
            details["relevant_pairs_of_cold_users"] = task.RelevantPairsOfUnknownUsers;
        }

        details["users"] = table.Users.Count;
        details["videos"] = table.Videos.Count;
        details["pairs"] = table.Pairs.Count;
        return new EvaluationReport(data.Name, ProtocolName(options.Protocol), options.K, options.Seeds,
            perModel.ToDictionary(p => p.Key, p => new ModelReport(p.Value)), details);
    }

    /// <summary>The command-line and JSON name of a protocol.</summary>
    public static string ProtocolName(SplitProtocol protocol) => protocol switch
    {
        SplitProtocol.Stratified => "stratified",
        SplitProtocol.Time => "time",
        SplitProtocol.LeaveLastOut => "leave-last-out",
        _ => protocol.ToString(),
    };
}
