namespace VideoRec.Core.Scoring;

/// <summary>One calibration bucket: predictions in [<paramref name="Low"/>, <paramref name="High"/>).</summary>
/// <param name="Low">Lower edge of predicted probability.</param>
/// <param name="High">Upper edge (the last bucket includes 1).</param>
/// <param name="Rows">Rows in the bucket.</param>
/// <param name="MeanPredicted">Mean predicted probability of its rows (NaN when empty).</param>
/// <param name="ObservedRate">Share of its rows that are positive (NaN when empty).</param>
public readonly record struct CalibrationBucket(double Low, double High, int Rows, double MeanPredicted, double ObservedRate);

/// <summary>Offline measures of a binary scorer: ROC AUC, log loss and a calibration table.</summary>
public static class ScoringMetrics
{
    /// <summary>
    /// ROC AUC: the probability that a random positive scores above a random negative, ties counting one half
    /// (Mann–Whitney U over average ranks). 0.5 when either class is absent.
    /// </summary>
    /// <param name="scores">Scores, <c>[rows]</c>.</param>
    /// <param name="labels">Labels, <c>[rows]</c>; values ≥ 0.5 are positive.</param>
    /// <exception cref="ArgumentException">Lengths differ.</exception>
    public static double Auc(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        if (scores.Length != labels.Length)
        {
            throw new ArgumentException($"{scores.Length} scores but {labels.Length} labels.");
        }

        var order = new int[scores.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        var keys = scores.ToArray();
        Array.Sort(keys, order);
        double positives = 0, rankSum = 0;
        for (var i = 0; i < keys.Length;)
        {
            var j = i;
            while (j + 1 < keys.Length && keys[j + 1] == keys[i])
            {
                j++;
            }

            var averageRank = (i + j) / 2.0 + 1;
            for (var t = i; t <= j; t++)
            {
                if (labels[order[t]] >= 0.5f)
                {
                    positives++;
                    rankSum += averageRank;
                }
            }

            i = j + 1;
        }

        var negatives = scores.Length - positives;
        return positives == 0 || negatives == 0 ? 0.5 : (rankSum - positives * (positives + 1) / 2) / (positives * negatives);
    }

    /// <summary>Weighted mean binary cross-entropy of probabilities (clamped to [1e-7, 1 − 1e-7]).</summary>
    /// <param name="probabilities">Predicted p(positive), <c>[rows]</c>.</param>
    /// <param name="labels">Targets in [0, 1], <c>[rows]</c>.</param>
    /// <param name="weights">Row weights, or empty for 1.</param>
    public static double LogLoss(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> labels, ReadOnlySpan<float> weights = default)
    {
        double sum = 0, total = 0;
        for (var i = 0; i < probabilities.Length; i++)
        {
            var p = Math.Clamp(probabilities[i], 1e-7, 1 - 1e-7);
            var w = weights.IsEmpty ? 1.0 : weights[i];
            sum -= w * (labels[i] * Math.Log(p) + (1 - labels[i]) * Math.Log(1 - p));
            total += w;
        }

        return total > 0 ? sum / total : double.NaN;
    }

    /// <summary>
    /// Predicted probability against observed positive rate in <paramref name="buckets"/> equal-width buckets of the
    /// prediction (reliability diagram, Niculescu-Mizil and Caruana, ICML 2005).
    /// </summary>
    /// <param name="probabilities">Predictions in [0, 1], <c>[rows]</c>.</param>
    /// <param name="labels">Labels, <c>[rows]</c>; ≥ 0.5 is positive.</param>
    /// <param name="buckets">Number of buckets, default 10.</param>
    public static CalibrationBucket[] Calibration(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> labels, int buckets = 10)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buckets, 1);
        var count = new int[buckets];
        var predicted = new double[buckets];
        var positive = new double[buckets];
        for (var i = 0; i < probabilities.Length; i++)
        {
            var p = Math.Clamp(float.IsFinite(probabilities[i]) ? probabilities[i] : 0f, 0f, 1f);
            var b = Math.Min(buckets - 1, (int)(p * buckets));
            count[b]++;
            predicted[b] += p;
            positive[b] += labels[i] >= 0.5f ? 1 : 0;
        }

        return [.. Enumerable.Range(0, buckets).Select(b => new CalibrationBucket((double)b / buckets, (double)(b + 1) / buckets, count[b],
            count[b] == 0 ? double.NaN : predicted[b] / count[b], count[b] == 0 ? double.NaN : positive[b] / count[b]))];
    }

    /// <summary>Mean nDCG@k over groups (binary gains), each group's rows ranked by score; groups without a positive are skipped.</summary>
    /// <param name="scores">Scores, <c>[rows]</c>.</param>
    /// <param name="labels">Labels, <c>[rows]</c>.</param>
    /// <param name="groupStarts">First row of each group, then the row count.</param>
    /// <param name="k">Cut-off.</param>
    public static double GroupNdcg(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels, ReadOnlySpan<int> groupStarts, int k)
    {
        double sum = 0;
        var groups = 0;
        for (var g = 0; g + 1 < groupStarts.Length; g++)
        {
            var (start, end) = (groupStarts[g], groupStarts[g + 1]);
            var positives = 0;
            for (var i = start; i < end; i++)
            {
                positives += labels[i] >= 0.5f ? 1 : 0;
            }

            if (positives == 0)
            {
                continue;
            }

            var order = Enumerable.Range(start, end - start).ToArray();
            var keys = new float[order.Length];
            for (var i = 0; i < order.Length; i++)
            {
                keys[i] = -scores[order[i]];
            }

            Array.Sort(keys, order);
            double dcg = 0, ideal = 0;
            for (var r = 0; r < Math.Min(k, order.Length); r++)
            {
                dcg += labels[order[r]] >= 0.5f ? 1 / Math.Log2(r + 2) : 0;
            }

            for (var r = 0; r < Math.Min(k, positives); r++)
            {
                ideal += 1 / Math.Log2(r + 2);
            }

            sum += dcg / ideal;
            groups++;
        }

        return groups == 0 ? 0 : sum / groups;
    }
}
