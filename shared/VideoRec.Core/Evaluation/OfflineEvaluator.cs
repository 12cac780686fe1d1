using System.Numerics.Tensors;
using VideoRec.Core.Models;
using VideoRec.Core.Ranking;

namespace VideoRec.Core.Evaluation;

/// <summary>
/// Scores a model on an <see cref="EvaluationTask"/> (design, "Offline metrics"): top-k per evaluated user with
/// training videos removed, then Precision@k, Recall@k, nDCG@k, MAP, MAP@k, HitRate@k, coverage and diversity.
/// </summary>
public static class OfflineEvaluator
{
    /// <summary>Evaluates <paramref name="model"/>.</summary>
    /// <param name="model">The model; its video count must match the task.</param>
    /// <param name="task">Seen and relevant sets.</param>
    /// <param name="k">List length, at least 1.</param>
    /// <param name="referenceEmbedding">Row-major <c>[videos, d]</c> vectors for the diversity metric, or <c>null</c>.</param>
    /// <param name="dimensions">d, the width of <paramref name="referenceEmbedding"/>.</param>
    /// <param name="maxThreads">Threads; <c>null</c> uses every core.</param>
    /// <exception cref="ArgumentException">Video counts differ or k &lt; 1.</exception>
    public static MetricSet Evaluate(IRecommenderModel model, EvaluationTask task, int k,
        float[]? referenceEmbedding = null, int dimensions = 0, int? maxThreads = null)
    {
        if (model.Videos != task.Videos)
        {
            throw new ArgumentException($"Model '{model.Name}' scores {model.Videos} videos; the task has {task.Videos}.");
        }

        if (k < 1)
        {
            throw new ArgumentException("k must be at least 1.", nameof(k));
        }

        var users = task.EvaluatedUsers;
        var lists = new int[users.Length][];
        var perUser = new double[users.Length, 7];
        Parallel.For(0, users.Length, new ParallelOptions { MaxDegreeOfParallelism = maxThreads ?? -1 }, () => new float[task.Videos], (i, _, scores) =>
        {
            var user = users[i];
            model.ScoreUser(user, scores);
            var top = TopK.Select(scores, k, v => task.Seen(user, v));
            var ranked = Array.ConvertAll(top, s => s.Index);
            lists[i] = ranked;
            var relevant = task.Relevant[i];
            perUser[i, 0] = RankingMetrics.PrecisionAtK(ranked, relevant, k);
            perUser[i, 1] = RankingMetrics.RecallAtK(ranked, relevant, k);
            perUser[i, 2] = RankingMetrics.NdcgAtK(ranked, relevant, k);
            perUser[i, 3] = RankingMetrics.AveragePrecision(ranked, relevant, k);
            perUser[i, 4] = RankingMetrics.AveragePrecisionAtK(ranked, relevant, k);
            perUser[i, 5] = RankingMetrics.HitRateAtK(ranked, relevant, k);
            perUser[i, 6] = referenceEmbedding is null ? double.NaN : IntraListSimilarity(ranked, referenceEmbedding, dimensions);
            return scores;
        }, static _ => { });

        var sums = new double[7];
        var diversityUsers = 0;
        for (var i = 0; i < users.Length; i++)
        {
            for (var m = 0; m < 6; m++)
            {
                sums[m] += perUser[i, m];
            }

            if (!double.IsNaN(perUser[i, 6]))
            {
                sums[6] += perUser[i, 6];
                diversityUsers++;
            }
        }

        var n = Math.Max(1, users.Length);
        var recommended = new HashSet<int>();
        foreach (var list in lists)
        {
            recommended.UnionWith(list);
        }

        return new MetricSet(sums[0] / n, sums[1] / n, sums[2] / n, sums[3] / n, sums[4] / n, sums[5] / n,
            task.Videos == 0 ? 0 : (double)recommended.Count / task.Videos,
            diversityUsers == 0 ? double.NaN : sums[6] / diversityUsers,
            users.Length);
    }

    /// <summary>
    /// Mean cosine similarity over all pairs of a list's videos in <paramref name="embedding"/> (<c>[videos, d]</c>);
    /// NaN for lists shorter than two. Zero vectors count as similarity 0.
    /// </summary>
    public static double IntraListSimilarity(ReadOnlySpan<int> videos, float[] embedding, int dimensions)
    {
        if (videos.Length < 2)
        {
            return double.NaN;
        }

        var sum = 0.0;
        var pairs = 0;
        for (var i = 0; i < videos.Length; i++)
        {
            var a = embedding.AsSpan(videos[i] * dimensions, dimensions);
            for (var j = i + 1; j < videos.Length; j++)
            {
                var b = embedding.AsSpan(videos[j] * dimensions, dimensions);
                var norms = TensorPrimitives.Norm(a) * TensorPrimitives.Norm(b);
                sum += norms > 0 ? TensorPrimitives.Dot(a, b) / norms : 0.0;
                pairs++;
            }
        }

        return sum / pairs;
    }
}
