using VideoRec.Core.Domain;
using VideoRec.Core.Evaluation;
using VideoRec.Core.Feedback;

namespace VideoRec.Core.Tests.Evaluation;

public sealed class SplitterTests
{
    private static PairRecord Pair(int user, int video, long seconds, int order)
    {
        var feedback = default(PairFeedback);
        feedback.Add(new Interaction("u", "v", InteractionType.Watch, DateTimeOffset.FromUnixTimeSeconds(seconds)));
        return new PairRecord(user, video, feedback, order);
    }

    private static List<PairRecord> Pairs(params int[] pairsPerUser)
    {
        var pairs = new List<PairRecord>();
        for (var u = 0; u < pairsPerUser.Length; u++)
        {
            for (var v = 0; v < pairsPerUser[u]; v++)
            {
                pairs.Add(Pair(u, v, 1000 + pairs.Count, pairs.Count));
            }
        }

        return pairs;
    }

    [Fact]
    public void KFold_holds_every_pair_out_exactly_once_and_each_user_evenly()
    {
        var pairs = Pairs(10, 7, 2, 5);

        var folds = Splitter.KFold(pairs, 5, seed: 3);

        Assert.Equal(5, folds.Length);
        // Every pair is held out by exactly one fold, and trained on by the other four.
        Assert.Equal(pairs.Select(p => p.Order).Order(), folds.SelectMany(f => f.Test).Select(p => p.Order).Order());
        foreach (var fold in folds)
        {
            Assert.Equal(pairs.Count, fold.Train.Count + fold.Test.Count);
            Assert.Empty(fold.Train.Select(p => p.Order).Intersect(fold.Test.Select(p => p.Order)));
        }

        // 10 pairs: 2 per fold; 7 pairs: 1 or 2; 2 pairs: 0 or 1; 5 pairs: 1 each.
        Assert.All(folds, f => Assert.Equal(2, f.Test.Count(p => p.User == 0)));
        Assert.All(folds, f => Assert.InRange(f.Test.Count(p => p.User == 1), 1, 2));
        Assert.All(folds, f => Assert.InRange(f.Test.Count(p => p.User == 2), 0, 1));
        Assert.All(folds, f => Assert.Equal(1, f.Test.Count(p => p.User == 3)));
        Assert.Equal(folds.Select(f => f.Test.Select(p => p.Order).ToArray()), Splitter.KFold(pairs, 5, seed: 3).Select(f => f.Test.Select(p => p.Order).ToArray()));
        Assert.Throws<ArgumentOutOfRangeException>(() => Splitter.KFold(pairs, 1, seed: 3));
    }

    [Fact]
    public void Stratified_keeps_round_three_quarters_of_each_user_in_training()
    {
        var pairs = Pairs(4, 10, 1, 2);

        var split = Splitter.Stratified(pairs, 0.75, seed: 7);

        Assert.Equal(3, split.Train.Count(p => p.User == 0));
        Assert.Equal(8, split.Train.Count(p => p.User == 1)); // 7.5 rounds away from zero
        Assert.Equal(1, split.Train.Count(p => p.User == 2));
        Assert.Equal(2, split.Train.Count(p => p.User == 3)); // 1.5 → 2
        Assert.Equal(pairs.Count, split.Train.Count + split.Test.Count);
        Assert.Empty(split.Train.Select(p => p.Order).Intersect(split.Test.Select(p => p.Order)));
    }

    [Fact]
    public void Stratified_is_reproducible_for_a_seed_and_differs_across_seeds()
    {
        var pairs = Pairs(40, 40, 40);

        var a = Splitter.Stratified(pairs, 0.75, seed: 1).Test.Select(p => p.Order).ToArray();
        var b = Splitter.Stratified(pairs, 0.75, seed: 1).Test.Select(p => p.Order).ToArray();
        var c = Splitter.Stratified(pairs, 0.75, seed: 2).Test.Select(p => p.Order).ToArray();

        Assert.Equal(a, b);
        Assert.NotEqual(a.Order(), c.Order());
    }

    [Fact]
    public void Stratified_by_item_groups_by_video()
    {
        var pairs = Pairs(4, 4, 4, 4); // each video 0..3 has 4 pairs

        var split = Splitter.Stratified(pairs, 0.75, seed: 3, byItem: true);

        for (var v = 0; v < 4; v++)
        {
            Assert.Equal(1, split.Test.Count(p => p.Video == v));
        }
    }

    [Fact]
    public void Time_split_holds_out_the_latest_fifth()
    {
        // Timestamps in reverse of source order, so the split must sort.
        var pairs = Enumerable.Range(0, 10).Select(i => Pair(i % 3, i, 2000 - i, i)).ToList();

        var split = Splitter.Temporal(pairs, 0.8);

        Assert.Equal([1, 0], split.Test.Select(p => p.Order).ToArray());
        Assert.Equal(8, split.Train.Count);
    }

    [Fact]
    public void Leave_last_out_holds_out_each_users_latest_pair_breaking_ties_by_source_order()
    {
        List<PairRecord> pairs =
        [
            Pair(0, 0, 100, 0), Pair(0, 1, 300, 1), Pair(0, 2, 300, 2), // tie at 300: order 2 is later
            Pair(1, 0, 50, 3), Pair(1, 1, 40, 4),
            Pair(2, 0, 10, 5), // one pair: stays in training
        ];

        var split = Splitter.LeaveLastOut(pairs);

        Assert.Equal([2, 3], split.Test.Select(p => p.Order).Order().ToArray());
        Assert.Contains(split.Train, p => p.Order == 5);
        Assert.Equal(4, split.Train.Count);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.5)]
    public void Ratios_outside_zero_one_are_rejected(double ratio)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Splitter.Stratified(Pairs(4), ratio, 1));
    }
}
