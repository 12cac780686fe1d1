using System.Diagnostics;
using TorchSharp;
using VideoRec.Core.Common;
using VideoRec.Core.Domain;
using VideoRec.Core.Evaluation;
using VideoRec.Core.Feedback;
using VideoRec.Core.Models.TwoTower;
using VideoRec.Core.Ranking;
using VideoRec.TwoTower.Features;
using VideoRec.TwoTower.Towers;
using static TorchSharp.torch;

namespace VideoRec.Training.TwoTower;

/// <summary>Progress after one epoch.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Epochs">Maximum epochs.</param>
/// <param name="Loss">Mean training loss of the epoch.</param>
/// <param name="ValidationRecall">Recall@k on the validation positives (NaN without validation).</param>
/// <param name="Best">Whether this epoch is the best so far (its weights are kept).</param>
/// <param name="Elapsed">Wall time of the epoch.</param>
public sealed record TwoTowerEpoch(int Epoch, int Epochs, double Loss, double ValidationRecall, bool Best, TimeSpan Elapsed);

/// <summary>Progress inside an epoch, for progress bars.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Batch">Batches done in this epoch.</param>
/// <param name="Batches">Batches per epoch.</param>
/// <param name="Loss">Running mean loss of the epoch.</param>
public sealed record TwoTowerStep(int Epoch, int Batch, int Batches, double Loss);

/// <summary>The trained towers and how training went.</summary>
/// <param name="User">User tower weights of the best epoch.</param>
/// <param name="Video">Video tower weights of the best epoch.</param>
/// <param name="BestEpoch">The epoch whose weights were kept.</param>
/// <param name="History">Every epoch.</param>
public sealed record TwoTowerTrainingResult(TowerWeights User, TowerWeights Video, int BestEpoch, IReadOnlyList<TwoTowerEpoch> History);

/// <summary>
/// Trains the two towers with TorchSharp (design, "Two-tower neural network"; our own loop): examples are the relevant
/// pairs; negatives are sampled videos and explicit negatives (binary cross-entropy) or the batch's other positives with
/// log-Q correction (sampled softmax). Ids are dropped to the out-of-vocabulary row and histories cut short at random so
/// that the same towers serve new users and new videos. Early stopping keeps the epoch with the best Recall@k on a
/// validation share of each user's positives. Seeded: the same inputs and options give the same weights.
/// </summary>
public static class TwoTowerTrainer
{
    private readonly record struct Example(int User, int Video, DateTimeOffset Time, bool Positive);

    /// <summary>Trains both towers.</summary>
    /// <param name="encoder">The feature encoder (its spec sizes the tables).</param>
    /// <param name="dataset">Catalogue and profiles.</param>
    /// <param name="table">Pair table of <paramref name="train"/>.</param>
    /// <param name="train">Training pairs (nothing else is read).</param>
    /// <param name="titleEmbeddings">Video id → title embedding.</param>
    /// <param name="policy">Relevance label.</param>
    /// <param name="durationSeconds">Video lengths by index.</param>
    /// <param name="options">Hyperparameters.</param>
    /// <param name="progress">Per-epoch progress.</param>
    /// <param name="steps">Per-batch progress.</param>
    /// <param name="cancellationToken">Cancels between batches.</param>
    /// <exception cref="ArgumentException">Invalid options, or no relevant pair to train on.</exception>
    public static TwoTowerTrainingResult Fit(TwoTowerEncoder encoder, Dataset dataset, PairTable table, IReadOnlyList<PairRecord> train,
        IReadOnlyDictionary<string, float[]> titleEmbeddings, RelevancePolicy policy, IReadOnlyList<double?> durationSeconds, TwoTowerOptions options,
        IProgress<TwoTowerEpoch>? progress = null, IProgress<TwoTowerStep>? steps = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        TorchRuntime.Initialize(options.Threads);
        torch.manual_seed(options.Seed);
        var random = new Random(Seeds.Derive(options.Seed, 1));
        var videos = table.Videos.Count;

        var (fit, validation) = SplitValidation(train, policy, durationSeconds, options, random);
        var histories = UserHistories.Build(fit, table.Users.Count, policy, durationSeconds);
        var features = new DatasetFeatures(dataset, table, histories, titleEmbeddings);
        var examples = fit.Select(p => (p, policy.Label(p, durationSeconds)))
            .Where(x => x.Item2 != Relevance.None && (x.Item2 == Relevance.Positive || options.Loss == TwoTowerLoss.BinaryCrossEntropy))
            .Select(x => new Example(x.p.User, x.p.Video, x.p.Feedback.First, x.Item2 == Relevance.Positive)).ToArray();
        var counts = new float[videos];
        foreach (var example in examples.Where(e => e.Positive))
        {
            counts[example.Video]++;
        }

        if (!examples.Any(e => e.Positive))
        {
            throw new ArgumentException("The training pairs hold no relevant pair to learn from.");
        }

        var sampler = new NegativeSampler(counts, options.NegativeSampling);
        var total = counts.Sum();
        var logQ = counts.Select(c => (float)(options.LogQCorrection * Math.Log(Math.Max(c, 1) / total))).ToArray();

        using var generator = new Generator((ulong)Seeds.Derive(options.Seed, 2));
        using var videoTower = new TowerModule(TwoTowerLayouts.Video(encoder.Spec, options.Dimensions), options.EmbeddingStd, generator, options.SparseEmbeddings);
        using var userTower = new TowerModule(TwoTowerLayouts.User(encoder.Spec, options.Dimensions), options.EmbeddingStd, generator, options.SparseEmbeddings,
            options.ShareHistoryEmbeddings ? new Dictionary<string, TorchSharp.Modules.Embedding> { [TwoTowerLayouts.HistoryTable] = videoTower.Table(TwoTowerLayouts.VideoId) } : null);
        using var bias = nn.Parameter(zeros(1));
        // A shared table appears in both towers: each parameter is optimised once.
        static List<TorchSharp.Modules.Parameter> Once(IEnumerable<TorchSharp.Modules.Parameter> parameters) =>
            [.. parameters.Distinct(ReferenceEqualityComparer.Instance).Cast<TorchSharp.Modules.Parameter>()];
        var parameters = options.SparseEmbeddings
            ? Once(userTower.DenseParameters.Concat(videoTower.DenseParameters).Append(bias))
            : Once(userTower.parameters().Concat(videoTower.parameters()).Append(bias));
        using var optimizer = new DenseAdam(parameters, options.LearningRate);
        using var sparseOptimizer = options.SparseEmbeddings ? new SparseAdam(Once(userTower.EmbeddingParameters.Concat(videoTower.EmbeddingParameters)), options.LearningRate) : null;

        var history = new List<TwoTowerEpoch>();
        TowerWeights? bestUser = null, bestVideo = null;
        var bestRecall = double.NegativeInfinity;
        var bestEpoch = 0;
        var order = Enumerable.Range(0, examples.Length).ToArray();
        var batches = (order.Length + options.BatchSize - 1) / options.BatchSize;
        if (options.MaxBatchesPerEpoch is { } most)
        {
            batches = Math.Min(batches, most);
        }

        for (var epoch = 1; epoch <= options.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            random.Shuffle(order);
            userTower.train();
            videoTower.train();
            var lossSum = 0.0;
            for (var b = 0; b < batches; b++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var batch = order.AsSpan(b * options.BatchSize, Math.Min(options.BatchSize, order.Length - b * options.BatchSize)).ToArray().Select(i => examples[i]).ToArray();
                if (batch.Length < 2)
                {
                    continue;
                }

                using var scope = NewDisposeScope();
                optimizer.ZeroGrad();
                sparseOptimizer?.ZeroGrad();
                var loss = options.Loss == TwoTowerLoss.SampledSoftmax
                    ? SoftmaxLoss(batch, features, encoder, userTower, videoTower, logQ, options, random)
                    : BinaryLoss(batch, features, encoder, userTower, videoTower, bias, sampler, videos, options, random);
                loss.backward();
                optimizer.Step();
                sparseOptimizer?.Step();
                lossSum += loss.item<float>();
                steps?.Report(new TwoTowerStep(epoch, b + 1, batches, lossSum / (b + 1)));
            }

            var recall = validation.Count == 0 ? double.NaN : ValidationRecall(features, encoder, userTower, videoTower, validation, options.ValidationK);
            var best = validation.Count == 0 || recall > bestRecall;
            if (best)
            {
                bestRecall = validation.Count == 0 ? double.NaN : recall;
                bestEpoch = epoch;
                bestUser = userTower.ToWeights();
                bestVideo = videoTower.ToWeights();
            }

            var record = new TwoTowerEpoch(epoch, options.Epochs, lossSum / Math.Max(batches, 1), recall, best, clock.Elapsed);
            history.Add(record);
            progress?.Report(record);
            if (options.Patience > 0 && epoch - bestEpoch >= options.Patience)
            {
                break;
            }
        }

        return new TwoTowerTrainingResult(bestUser!, bestVideo!, bestEpoch, history);
    }

    private static (IReadOnlyList<PairRecord> Fit, Dictionary<int, HashSet<int>> Validation) SplitValidation(IReadOnlyList<PairRecord> train,
        RelevancePolicy policy, IReadOnlyList<double?> durations, TwoTowerOptions options, Random random)
    {
        var validation = new Dictionary<int, HashSet<int>>();
        if (options.ValidationFraction <= 0 || options.Patience == 0)
        {
            return (train, validation); // not copied: at tens of millions of pairs a copy costs gigabytes
        }

        var held = new HashSet<(int, int)>();
        foreach (var group in train.Where(p => policy.Label(p, durations) == Relevance.Positive).GroupBy(p => p.User))
        {
            var positives = group.ToArray();
            var take = (int)Math.Floor(positives.Length * options.ValidationFraction);
            if (positives.Length < 5 || take == 0)
            {
                continue;
            }

            random.Shuffle(positives);
            validation[group.Key] = [.. positives.Take(take).Select(p => p.Video)];
            foreach (var p in positives.Take(take))
            {
                held.Add((p.User, p.Video));
            }
        }

        return ([.. train.Where(p => !held.Contains((p.User, p.Video)))], validation);
    }

    private static Tensor Embed(TowerModule tower, TowerInputs inputs)
    {
        var tensors = TowerModule.ToTensors(inputs);
        return tower.Forward(tensors);
    }

    private static Tensor SoftmaxLoss(Example[] batch, DatasetFeatures features, TwoTowerEncoder encoder, TowerModule userTower, TowerModule videoTower,
        float[] logQ, TwoTowerOptions options, Random random)
    {
        var users = Embed(userTower, encoder.Users([.. batch.Select(e => UserExample(features, e, options, random))]));
        var items = Embed(videoTower, encoder.Videos([.. batch.Select(e => features.Video(e.Video, random.NextDouble() < options.VideoIdDropout))]));
        var ids = tensor(batch.Select(e => (long)e.Video).ToArray());
        var correction = tensor(batch.Select(e => logQ[e.Video]).ToArray());
        using var inverseTemperature = ((float)(1 / options.Temperature)).ToScalar();
        var logits = users.mm(items.t()).mul(inverseTemperature) - correction.unsqueeze(0);
        var duplicate = ids.unsqueeze(1).eq(ids.unsqueeze(0)).logical_and(eye(batch.Length, dtype: ScalarType.Bool).logical_not());
        // An explicit scalar kept alive across the call: an implicit one from a double was seen to reach LibTorch
        // already released (masked_fill failing in Scalar::toFloat about once in twenty runs).
        using var floor = (-1e9f).ToScalar();
        logits = logits.masked_fill(duplicate, floor);
        GC.KeepAlive(floor);
        return nn.functional.cross_entropy(logits, tensor(Enumerable.Range(0, batch.Length).Select(i => (long)i).ToArray()));
    }

    private static Tensor BinaryLoss(Example[] batch, DatasetFeatures features, TwoTowerEncoder encoder, TowerModule userTower, TowerModule videoTower,
        Tensor bias, NegativeSampler sampler, int videos, TwoTowerOptions options, Random random)
    {
        var userRows = new List<UserFeatures>();
        var videoRows = new List<VideoFeatures>();
        var labels = new List<float>();
        var weights = new List<float>();
        foreach (var example in batch)
        {
            var user = UserExample(features, example, options, random);
            userRows.Add(user);
            videoRows.Add(features.Video(example.Video, random.NextDouble() < options.VideoIdDropout));
            labels.Add(example.Positive ? 1 : 0);
            weights.Add(example.Positive ? (float)options.PositiveWeight : 1);
            if (!example.Positive)
            {
                continue;
            }

            for (var n = 0; n < options.NegativesPerPositive; n++)
            {
                var negative = sampler.Next(random);
                if (negative == example.Video)
                {
                    negative = sampler.Next(random);
                }

                userRows.Add(user);
                videoRows.Add(features.Video(negative, random.NextDouble() < options.VideoIdDropout));
                labels.Add(0);
                weights.Add(1);
            }
        }

        var u = Embed(userTower, encoder.Users(userRows));
        var v = Embed(videoTower, encoder.Videos(videoRows));
        using var inverseTemperature = ((float)(1 / options.Temperature)).ToScalar();
        var logits = (u * v).sum(1).mul(inverseTemperature) + bias;
        return nn.functional.binary_cross_entropy_with_logits(logits, tensor(labels.ToArray()), tensor(weights.ToArray()));
    }

    private static UserFeatures UserExample(DatasetFeatures features, Example example, TwoTowerOptions options, Random random)
    {
        var cold = random.NextDouble() < options.ColdUserRate;
        var dropId = cold || random.NextDouble() < options.UserIdDropout;
        IReadOnlyCollection<int>? keep = null;
        if (cold || random.NextDouble() < options.ShortHistoryRate)
        {
            // A new user's history is what they did first: keep the oldest items (the list is oldest first). The
            // other cut histories keep random items.
            var watched = features.Histories.Watched(example.User).Length;
            var size = Math.Min(watched, random.Next(options.ShortHistoryMax + 1));
            var positions = Enumerable.Range(0, watched).ToArray();
            if (!cold)
            {
                random.Shuffle(positions);
            }

            keep = positions.Take(size).ToArray();
        }

        return features.User(example.User, example.Time, dropId, example.Video, keep);
    }

    /// <summary>Embeds every video of the pair table with a tower module in inference mode. Returns <c>[videos, out]</c>.</summary>
    internal static float[] EmbedVideos(DatasetFeatures features, TwoTowerEncoder encoder, TowerModule videoTower, int batchSize = 2048)
    {
        var count = features.Table.Videos.Count;
        var output = new float[count * videoTower.Layout.OutputDimensions];
        using var _ = no_grad();
        videoTower.eval();
        for (var start = 0; start < count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var rows = Enumerable.Range(start, Math.Min(batchSize, count - start)).Select(v => features.Video(v)).ToList();
            Embed(videoTower, encoder.Videos(rows)).data<float>().ToArray().CopyTo(output, start * videoTower.Layout.OutputDimensions);
        }

        return output;
    }

    private static double ValidationRecall(DatasetFeatures features, TwoTowerEncoder encoder, TowerModule userTower, TowerModule videoTower,
        Dictionary<int, HashSet<int>> validation, int k)
    {
        var d = videoTower.Layout.OutputDimensions;
        var videoVectors = EmbedVideos(features, encoder, videoTower);
        var users = validation.Keys.Order().ToArray();
        using var _ = no_grad();
        userTower.eval();
        var recall = 0.0;
        var scores = new float[features.Table.Videos.Count];
        for (var start = 0; start < users.Length; start += 1024)
        {
            using var scope = NewDisposeScope();
            var chunk = users.AsSpan(start, Math.Min(1024, users.Length - start)).ToArray();
            var vectors = Embed(userTower, encoder.Users([.. chunk.Select(u => features.User(u))])).data<float>().ToArray();
            for (var i = 0; i < chunk.Length; i++)
            {
                var user = vectors.AsSpan(i * d, d);
                for (var v = 0; v < scores.Length; v++)
                {
                    scores[v] = System.Numerics.Tensors.TensorPrimitives.Dot(user, videoVectors.AsSpan(v * d, d));
                }

                var seen = features.Histories.Watched(chunk[i]).Concat(features.Histories.Positives(chunk[i])).ToHashSet();
                var ranked = Array.ConvertAll(TopK.Select(scores, k, seen.Contains), s => s.Index);
                recall += RankingMetrics.RecallAtK(ranked, validation[chunk[i]], k);
            }
        }

        return recall / users.Length;
    }
}
