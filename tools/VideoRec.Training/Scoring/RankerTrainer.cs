using TorchSharp;
using VideoRec.Core.Common;
using VideoRec.Core.Scoring;
using VideoRec.Scoring.Model;
using static TorchSharp.torch;

namespace VideoRec.Training.Scoring;

/// <summary>How one architecture did on the validation rows.</summary>
/// <param name="Architecture">The architecture.</param>
/// <param name="Ndcg">Mean nDCG@10 over validation requests (rows ranked by relevance probability).</param>
/// <param name="LogLoss">Weighted validation log loss of the relevance head.</param>
/// <param name="Auc">Validation ROC AUC of the relevance head.</param>
/// <param name="BestEpoch">The epoch kept (see <see cref="RankerOptions.EpochSelection"/>); fractional when checked within epochs, 0 for the untrained residual start.</param>
public sealed record RankerCandidateResult(RankerArchitecture Architecture, double Ndcg, double LogLoss, double Auc, double BestEpoch);

/// <summary>The chosen ranker and what the comparison found.</summary>
/// <param name="Weights">The chosen architecture's weights (best epoch).</param>
/// <param name="Results">Every architecture's validation figures, in training order.</param>
/// <param name="Calibration">The chosen ranker's relevance probability against the observed rate in 10 buckets on validation.</param>
public sealed record RankerTrainingResult(RankerWeights Weights, IReadOnlyList<RankerCandidateResult> Results, CalibrationBucket[] Calibration)
{
    /// <summary>The chosen architecture's figures.</summary>
    public RankerCandidateResult Chosen => Results.First(r => r.Architecture == Weights.Architecture);
}

/// <summary>
/// Trains the ranker with TorchSharp (our loop): weighted binary cross-entropy on relevance plus, weighted by
/// <see cref="RankerOptions.WatchLossWeight"/>, binary cross-entropy of the watch-fraction head against the watch
/// fraction; Adam; early stopping on validation log loss (patience 2). Each architecture of the options is trained
/// and the one with the best validation nDCG@10 kept (log loss breaks ties). Seeded.
/// </summary>
public static class RankerTrainer
{
    /// <summary>Trains and selects.</summary>
    /// <param name="features">The row layout.</param>
    /// <param name="train">Training rows.</param>
    /// <param name="validation">Validation rows (other requests than the training ones).</param>
    /// <param name="options">Hyperparameters.</param>
    /// <param name="cancellationToken">Cancels between batches.</param>
    /// <exception cref="ArgumentException">Invalid options or data, or no positive training row.</exception>
    public static RankerTrainingResult Fit(ScoringFeatures features, RankerData train, RankerData validation, RankerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(features);
        options.Validate();
        train.Validate();
        validation.Validate();
        if (train.Features != features.Count || validation.Features != features.Count)
        {
            throw new ArgumentException($"The rows have {train.Features} and {validation.Features} features; the layout has {features.Count}.");
        }

        if (!train.Relevance.Any(l => l >= 0.5f))
        {
            throw new ArgumentException("The ranker's training rows hold no positive.");
        }

        TorchRuntime.Initialize(options.Threads);
        var normalization = NormalizationStats.Compute(train.Rows, train.Features);
        var results = new List<RankerCandidateResult>();
        RankerWeights? best = null;
        float[]? bestProbabilities = null;
        foreach (var architecture in options.Architectures)
        {
            var (weights, epoch, probabilities) = FitOne(architecture, features, normalization, train, validation, options, cancellationToken);
            var result = new RankerCandidateResult(architecture,
                ScoringMetrics.GroupNdcg(probabilities, validation.Relevance, validation.GroupStarts, 10),
                ScoringMetrics.LogLoss(probabilities, validation.Relevance),
                ScoringMetrics.Auc(probabilities, validation.Relevance), epoch);
            results.Add(result);
            var chosen = best is null ? null : results.First(r => r.Architecture == best.Architecture);
            if (chosen is null || result.Ndcg > chosen.Ndcg + 1e-9 || (Math.Abs(result.Ndcg - chosen.Ndcg) <= 1e-9 && result.LogLoss < chosen.LogLoss))
            {
                best = weights;
                bestProbabilities = probabilities;
            }
        }

        if (options.PlattScaling)
        {
            (best, bestProbabilities) = PlattScale(best!, bestProbabilities!, validation);
        }

        return new RankerTrainingResult(best!, results, ScoringMetrics.Calibration(bestProbabilities!, validation.Relevance));
    }

    /// <summary>
    /// Platt scaling (Platt 1999): fits p = σ(a·z + b) to the validation labels by Newton's method on the weighted log
    /// loss, z being the kept ranker's relevance logit, and folds a and b into the relevance rows of the head and the wide
    /// part, so the exported graph outputs the calibrated probability. With a ≤ 0 (no usable fit) the ranker is returned
    /// unchanged. a &gt; 0 keeps every request's order.
    /// </summary>
    /// <returns>The calibrated weights and their validation probabilities.</returns>
    public static (RankerWeights Weights, float[] Probabilities) PlattScale(RankerWeights weights, float[] probabilities, RankerData validation)
    {
        var n = probabilities.Length;
        var z = new double[n];
        for (var i = 0; i < n; i++)
        {
            var p = Math.Clamp((double)probabilities[i], 1e-7, 1 - 1e-7);
            z[i] = Math.Log(p / (1 - p));
        }

        // Newton's method from the prior log-odds (a = 0), each step halved until the loss does not rise.
        double positives = 0, total = 0;
        for (var i = 0; i < n; i++)
        {
            positives += validation.Weight[i] * validation.Relevance[i];
            total += validation.Weight[i];
        }

        double a = 0, b = Math.Log((positives + 1) / (total - positives + 1));
        double Loss(double sa, double sb)
        {
            var sum = 0.0;
            for (var i = 0; i < n; i++)
            {
                var t = sa * z[i] + sb;
                // log(1 + e^t) − y·t, computed stably.
                sum += validation.Weight[i] * ((t > 0 ? t + Math.Log(1 + Math.Exp(-t)) : Math.Log(1 + Math.Exp(t))) - validation.Relevance[i] * t);
            }

            return sum;
        }

        var loss = Loss(a, b);
        for (var iteration = 0; iteration < 100; iteration++)
        {
            double ga = 0, gb = 0, haa = 0, hab = 0, hbb = 0;
            for (var i = 0; i < n; i++)
            {
                var w = validation.Weight[i];
                var q = 1 / (1 + Math.Exp(-(a * z[i] + b)));
                var r = w * (q - validation.Relevance[i]);
                var c = w * Math.Max(q * (1 - q), 1e-12);
                ga += r * z[i];
                gb += r;
                haa += c * z[i] * z[i];
                hab += c * z[i];
                hbb += c;
            }

            var det = haa * hbb - hab * hab;
            if (!(Math.Abs(det) > 1e-12))
            {
                break;
            }

            var da = (hbb * ga - hab * gb) / det;
            var db = (haa * gb - hab * ga) / det;
            var step = 1.0;
            var next = Loss(a - da, b - db);
            while (next > loss && step > 1e-6)
            {
                step /= 2;
                next = Loss(a - step * da, b - step * db);
            }

            a -= step * da;
            b -= step * db;
            var improvement = loss - next;
            loss = next;
            if (Math.Abs(step * da) + Math.Abs(step * db) < 1e-9 || improvement < 1e-10 * Math.Max(1, Math.Abs(loss)))
            {
                break;
            }
        }

        if (!(a > 0) || !double.IsFinite(b))
        {
            return (weights, probabilities);
        }

        var head = weights.Head with { Weight = [.. weights.Head.Weight], Bias = [.. weights.Head.Bias] };
        var wide = weights.Wide with { Weight = [.. weights.Wide.Weight], Bias = [.. weights.Wide.Bias] };
        for (var j = 0; j < head.In; j++)
        {
            head.Weight[j] = (float)(a * head.Weight[j]);
        }

        head.Bias[0] = (float)(a * head.Bias[0] + b);
        for (var j = 0; j < wide.In; j++)
        {
            wide.Weight[j] = (float)(a * wide.Weight[j]);
        }

        wide.Bias[0] = (float)(a * wide.Bias[0]);
        var calibrated = weights with { Head = head, Wide = wide };
        calibrated.Validate();
        var scaled = new float[n];
        for (var i = 0; i < n; i++)
        {
            scaled[i] = (float)(1 / (1 + Math.Exp(-(a * z[i] + b))));
        }

        return (calibrated, scaled);
    }

    /// <summary>Relevance probabilities of <paramref name="data"/> under <paramref name="module"/>.</summary>
    public static float[] Predict(RankerModule module, RankerData data, int batchSize = 4096)
    {
        var output = new float[data.Count];
        using var _ = no_grad();
        for (var start = 0; start < data.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var n = Math.Min(batchSize, data.Count - start);
            var x = tensor(data.Rows.AsSpan(start * data.Features, n * data.Features).ToArray(), [n, data.Features]);
            var p = sigmoid(module.Forward(x).select(1, 0));
            p.data<float>().CopyTo(output.AsSpan(start, n));
        }

        return output;
    }

    /// <summary>One Adam step on the rows <paramref name="batch"/> (whole groups at <paramref name="bounds"/>).</summary>
    private static void Step(RankerModule module, DenseAdam optimizer, RankerData train, List<int> batch, List<(int Start, int Length)> bounds, RankerOptions options)
    {
        var f = train.Features;
        var n = batch.Count;
        var rows = new float[n * f];
        var relevance = new float[n];
        var watch = new float[n];
        var weight = new float[n];
        for (var i = 0; i < n; i++)
        {
            var r = batch[i];
            train.Rows.AsSpan(r * f, f).CopyTo(rows.AsSpan(i * f, f));
            relevance[i] = train.Relevance[r];
            watch[i] = train.Watch[r];
            weight[i] = train.Weight[r];
        }

        using var scope = NewDisposeScope();
        // Scalars made explicitly and kept alive until the step is done: an implicit Scalar from a number can be finalized
        // while LibTorch still reads it (see TowerModule).
        using var watchLossWeight = options.WatchLossWeight.ToScalar();
        using var listwiseWeight = options.ListwiseWeight.ToScalar();
        using var pointwiseWeight = options.PointwiseWeight.ToScalar();
        var w = tensor(weight, [n]);
        var y = tensor(relevance, [n]);
        var logits = module.Forward(tensor(rows, [n, f]));
        var relevant = logits.select(1, 0);
        var loss = nn.functional.binary_cross_entropy_with_logits(relevant, y, w, reduction: nn.Reduction.Sum) / w.sum() * pointwiseWeight;
        if (options.WatchLossWeight > 0)
        {
            loss = loss + nn.functional.binary_cross_entropy_with_logits(logits.select(1, 1), tensor(watch, [n]), w, reduction: nn.Reduction.Sum) / w.sum() * watchLossWeight;
        }

        if (options.ListwiseWeight > 0)
        {
            // Softmax cross-entropy of each list's positives against the whole list, sampled negatives counted by their weight:
            // −mean over positives of (l_p − log Σ_j w_j·exp(l_j)).
            var logWeights = w.log();
            var listwise = new List<Tensor>();
            foreach (var (start, length) in bounds)
            {
                var positives = relevance.AsSpan(start, length).Count(1f);
                if (positives == 0)
                {
                    continue;
                }

                var l = relevant.narrow(0, start, length);
                var normaliser = torch.logsumexp(l + logWeights.narrow(0, start, length), 0);
                using var count = ((double)positives).ToScalar();
                listwise.Add(-((l - normaliser) * y.narrow(0, start, length)).sum() / count);
            }

            if (listwise.Count > 0)
            {
                loss = loss + torch.stack(listwise).mean() * listwiseWeight;
            }
        }

        optimizer.ZeroGrad();
        loss.backward();
        optimizer.Step();
    }

    private static (RankerWeights Weights, double Epoch, float[] Probabilities) FitOne(RankerArchitecture architecture, ScoringFeatures features, NormalizationStats normalization,
        RankerData train, RankerData validation, RankerOptions options, CancellationToken cancellationToken)
    {
        torch.manual_seed(Seeds.Derive(options.Seed, 11));
        using var generator = new Generator((ulong)Seeds.Derive(options.Seed, 12 + (int)architecture));
        int? residual = null;
        if (options.ResidualFeature is { } name)
        {
            var block = features[name];
            if (block.Width != 1)
            {
                throw new ArgumentException($"The residual feature '{name}' has {block.Width} columns; it must have one.");
            }

            residual = block.Offset;
        }

        using var module = new RankerModule(architecture, features, normalization, options.Hidden, options.CrossLayers, generator, residual, options.ResidualWeight);
        using var optimizer = new DenseAdam(module.parameters(), options.LearningRate, options.WeightDecay);
        var random = new Random(Seeds.Derive(options.Seed, 13 + (int)architecture));
        var groups = Enumerable.Range(0, train.Groups).ToArray();
        RankerWeights? best = null;
        float[]? bestProbabilities = null;
        var bestLoss = double.PositiveInfinity;
        var bestNdcg = double.NegativeInfinity;
        var bestEpoch = 0.0;
        var patience = 0;
        var byNdcg = options.EpochSelection == RankerEpochSelection.Ndcg;

        // One validation check: keeps the model when it is the best so far; false once patience has run out.
        bool Check(double epoch)
        {
            module.eval();
            var probabilities = Predict(module, validation);
            module.train();
            var validationLoss = ScoringMetrics.LogLoss(probabilities, validation.Relevance, validation.Weight);
            var ndcg = byNdcg ? ScoringMetrics.GroupNdcg(probabilities, validation.Relevance, validation.GroupStarts, 10) : 0;
            var better = byNdcg
                ? ndcg > bestNdcg + 1e-9 || (Math.Abs(ndcg - bestNdcg) <= 1e-9 && validationLoss < bestLoss)
                : validationLoss < bestLoss - 1e-6;
            if (better)
            {
                bestLoss = validationLoss;
                bestNdcg = ndcg;
                best = module.ToWeights(options.RelevanceWeight, options.WatchWeight);
                bestProbabilities = probabilities;
                bestEpoch = epoch;
                patience = 0;
                return true;
            }

            return ++patience < options.Patience;
        }

        var going = residual is null || !byNdcg || Check(0);
        for (var epoch = 1; epoch <= options.Epochs && going; epoch++)
        {
            // Batches of whole groups (requests), shuffled, about BatchSize rows each, so the listwise term sees whole lists.
            random.Shuffle(groups);
            module.train();
            var stepsPerEpoch = Math.Max(1, Batches(train, groups, options.BatchSize));
            var g = 0;
            var step = 0;
            while (g < groups.Length && going)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var batch = new List<int>();
                var bounds = new List<(int Start, int Length)>();
                while (g < groups.Length && (batch.Count == 0 || batch.Count < options.BatchSize))
                {
                    var (s, e) = (train.GroupStarts[groups[g]], train.GroupStarts[groups[g] + 1]);
                    bounds.Add((batch.Count, e - s));
                    batch.AddRange(Enumerable.Range(s, e - s));
                    g++;
                }

                Step(module, optimizer, train, batch, bounds, options);
                step++;
                if (options.ValidationEvery > 0 && step % options.ValidationEvery == 0 && g < groups.Length)
                {
                    going = Check(epoch - 1 + (double)step / stepsPerEpoch);
                }
            }

            if (going)
            {
                going = Check(epoch);
            }
        }

        return (best!, bestEpoch, bestProbabilities!);
    }

    /// <summary>The optimizer steps of one epoch over <paramref name="order"/>: batches of whole groups, each closed once it holds <paramref name="batchSize"/> rows.</summary>
    private static int Batches(RankerData train, int[] order, int batchSize)
    {
        var batches = 0;
        var rows = 0;
        foreach (var group in order)
        {
            rows += train.GroupStarts[group + 1] - train.GroupStarts[group];
            if (rows >= batchSize)
            {
                batches++;
                rows = 0;
            }
        }

        return rows > 0 ? batches + 1 : batches;
    }
}
