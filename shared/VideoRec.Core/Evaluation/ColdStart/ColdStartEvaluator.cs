using VideoRec.Core.Ranking;

namespace VideoRec.Core.Evaluation.ColdStart;

/// <summary>Scores every video for one new user from what is known about them.</summary>
/// <param name="user">The held-out user: index, known pairs and (not to be read) targets.</param>
/// <param name="scores">Destination, <c>[videos]</c>; higher is better.</param>
public delegate void ColdStartScorer(NewUser user, Span<float> scores);

/// <summary>nDCG@k and Precision@k of one cold-start method, averaged over the new users.</summary>
/// <param name="Ndcg">Mean nDCG@k.</param>
/// <param name="Precision">Mean Precision@k.</param>
/// <param name="Users">Users averaged over.</param>
public sealed record ColdStartResult(double Ndcg, double Precision, int Users);

/// <summary>
/// Ranks the catalogue for every new user of a <see cref="NewUserSplit"/> with the known videos removed, and scores the
/// top k against the targets with the Microsoft Recommenders definitions (<see cref="RankingMetrics"/>).
/// </summary>
public static class ColdStartEvaluator
{
    /// <summary>Evaluates one method.</summary>
    /// <param name="split">The new users.</param>
    /// <param name="videos">Catalogue size (length of the score span).</param>
    /// <param name="scorer">The method; called concurrently from several threads.</param>
    /// <param name="k">List length, at least 1. Default 10.</param>
    /// <param name="maxThreads">Threads; <c>null</c> uses every core.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is below 1.</exception>
    /// <exception cref="InsufficientDataException">The split has no new user with a target.</exception>
    public static ColdStartResult Evaluate(NewUserSplit split, int videos, ColdStartScorer scorer, int k = 10, int? maxThreads = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (split.Users.Count == 0)
        {
            throw new InsufficientDataException($"No held-out user has more than {split.KnownCount} interactions and a relevant one after them.");
        }

        var ndcg = new double[split.Users.Count];
        var precision = new double[split.Users.Count];
        Parallel.For(0, split.Users.Count, new ParallelOptions { MaxDegreeOfParallelism = maxThreads ?? -1 }, () => new float[videos], (i, _, scores) =>
        {
            var user = split.Users[i];
            scores.AsSpan().Clear();
            scorer(user, scores);
            var known = user.Known.Select(p => p.Video).ToHashSet();
            var ranked = Array.ConvertAll(TopK.Select(scores, k, known.Contains), s => s.Index);
            ndcg[i] = RankingMetrics.NdcgAtK(ranked, user.Targets, k);
            precision[i] = RankingMetrics.PrecisionAtK(ranked, user.Targets, k);
            return scores;
        }, static _ => { });

        return new ColdStartResult(ndcg.Average(), precision.Average(), split.Users.Count);
    }
}
