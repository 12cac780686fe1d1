using VideoRec.Core.Feedback;

namespace VideoRec.Core.Evaluation;

/// <summary>A training/test division of pairs.</summary>
/// <param name="Train">Pairs to train on.</param>
/// <param name="Test">Held-out pairs.</param>
public sealed record DataSplit(IReadOnlyList<PairRecord> Train, IReadOnlyList<PairRecord> Test);

/// <summary>The evaluation splits. All are deterministic for a given seed and input order.</summary>
public static class Splitter
{
    /// <summary>Splits <paramref name="pairs"/> by <paramref name="protocol"/>.</summary>
    /// <param name="pairs">All pairs.</param>
    /// <param name="protocol">The protocol.</param>
    /// <param name="seed">Shuffling seed (stratified only).</param>
    /// <param name="trainRatio">Share of each user's pairs kept for training (stratified), or of all pairs (time). Default 0.75 / 0.8 via the protocol helpers.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="trainRatio"/> is not strictly between 0 and 1.</exception>
    public static DataSplit Split(IReadOnlyList<PairRecord> pairs, SplitProtocol protocol, int seed, double? trainRatio = null) => protocol switch
    {
        SplitProtocol.Stratified => Stratified(pairs, trainRatio ?? 0.75, seed, byItem: false),
        SplitProtocol.Time => Temporal(pairs, trainRatio ?? 0.8),
        SplitProtocol.LeaveLastOut => LeaveLastOut(pairs),
        _ => throw new ArgumentOutOfRangeException(nameof(protocol)),
    };

    /// <summary>
    /// Random split stratified per user (or per video with <paramref name="byItem"/>): each group is shuffled with
    /// a generator seeded by <paramref name="seed"/> and its first round(ratio·n) pairs go to training.
    /// </summary>
    public static DataSplit Stratified(IReadOnlyList<PairRecord> pairs, double ratio, int seed, bool byItem = false)
    {
        CheckRatio(ratio);
        var random = new Random(seed);
        var train = new List<PairRecord>();
        var test = new List<PairRecord>();
        foreach (var group in pairs.GroupBy(p => byItem ? p.Video : p.User).OrderBy(g => g.Key))
        {
            var members = group.ToArray();
            random.Shuffle(members);
            var cut = (int)Math.Round(ratio * members.Length, MidpointRounding.AwayFromZero);
            train.AddRange(members.AsSpan(0, cut));
            test.AddRange(members.AsSpan(cut));
        }

        return new DataSplit(train, test);
    }

    /// <summary>
    /// K-fold split stratified per user (cross-fitting): each user's pairs are shuffled with a generator seeded by
    /// <paramref name="seed"/> and dealt round-robin into <paramref name="folds"/> parts, so every pair is held out by
    /// exactly one fold and each fold's held-out part is about 1/<paramref name="folds"/> of every user's pairs.
    /// </summary>
    /// <returns><c>[folds]</c> splits: fold f trains on every part but f and holds out part f.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="folds"/> is below 2.</exception>
    public static DataSplit[] KFold(IReadOnlyList<PairRecord> pairs, int folds, int seed)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        var random = new Random(seed);
        var parts = Enumerable.Range(0, folds).Select(_ => new List<PairRecord>()).ToArray();
        foreach (var group in pairs.GroupBy(p => p.User).OrderBy(g => g.Key))
        {
            var members = group.ToArray();
            random.Shuffle(members);
            // Rotate the starting fold per user so users with fewer pairs than folds do not all land in the first folds.
            var offset = random.Next(folds);
            for (var i = 0; i < members.Length; i++)
            {
                parts[(i + offset) % folds].Add(members[i]);
            }
        }

        return [.. Enumerable.Range(0, folds).Select(f => new DataSplit([.. parts.Where((_, g) => g != f).SelectMany(x => x)], parts[f]))];
    }

    /// <summary>Global time split: pairs ordered by last interaction (ties by source order); the last (1 − ratio) share is the test set.</summary>
    public static DataSplit Temporal(IReadOnlyList<PairRecord> pairs, double trainRatio)
    {
        CheckRatio(trainRatio);
        var ordered = pairs.OrderBy(p => p.Feedback.Last).ThenBy(p => p.Order).ToArray();
        var cut = (int)Math.Round(trainRatio * ordered.Length, MidpointRounding.AwayFromZero);
        return new DataSplit(ordered[..cut], ordered[cut..]);
    }

    /// <summary>Leave-last-out: each user's latest pair (ties broken by source order) is held out.</summary>
    public static DataSplit LeaveLastOut(IReadOnlyList<PairRecord> pairs)
    {
        var train = new List<PairRecord>();
        var test = new List<PairRecord>();
        foreach (var group in pairs.GroupBy(p => p.User).OrderBy(g => g.Key))
        {
            var ordered = group.OrderBy(p => p.Feedback.Last).ThenBy(p => p.Order).ToArray();
            if (ordered.Length < 2)
            {
                train.AddRange(ordered);
                continue;
            }

            train.AddRange(ordered.AsSpan(0, ordered.Length - 1));
            test.Add(ordered[^1]);
        }

        return new DataSplit(train, test);
    }

    private static void CheckRatio(double ratio)
    {
        if (!(ratio > 0 && ratio < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(ratio), "The training ratio must be strictly between 0 and 1.");
        }
    }
}
