using VideoRec.Core.Domain;
using VideoRec.Core.Evaluation.ColdStart;
using VideoRec.Core.Feedback;
using VideoRec.Core.Models.Wals;
using VideoRec.Core.Tests.Support;
using VideoRec.Import;

namespace VideoRec.Core.Tests.Evaluation;

/// <summary>The new-user cold-start protocol: who is held out, what is known, what is a target, and the baselines.</summary>
public sealed class ColdStartProtocolTests
{
    private static readonly DateTimeOffset T0 = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static Interaction Watch(string user, string video, int minute) => new(user, video, InteractionType.Watch, T0.AddMinutes(minute));

    [Fact]
    public void Known_history_is_the_first_pairs_by_time_with_ties_in_file_order_and_targets_are_the_later_relevant_ones()
    {
        // 20 users; user "u0" watches v0..v7. v5 and v6 share a minute (file order decides), and v7 is only disliked.
        var log = new List<Interaction>();
        for (var u = 1; u < 20; u++)
        {
            log.Add(Watch($"u{u}", "v0", u));
        }

        log.AddRange([Watch("u0", "v3", 3), Watch("u0", "v1", 1), Watch("u0", "v0", 0), Watch("u0", "v2", 2)]);
        log.AddRange([Watch("u0", "v6", 5), Watch("u0", "v5", 5), Watch("u0", "v4", 4)]);
        log.Add(new Interaction("u0", "v7", InteractionType.Dislike, T0.AddMinutes(9)));
        var table = PairTable.Build(log);
        var u0 = table.Users.IndexOf("u0");

        // Find a seed that holds u0 out (the choice is seeded, 2 of 20 users).
        var split = Enumerable.Range(0, 200)
            .Select(seed => NewUserSplit.Create(table, [], RelevancePolicy.Default, seed))
            .First(s => s.HeldOut.Contains(u0));

        Assert.Equal(2, split.HeldOut.Count);
        var user = Assert.Single(split.Users);
        Assert.Equal(u0, user.User);
        Assert.Equal(["v0", "v1", "v2", "v3", "v4"], user.Known.Select(p => table.Videos[p.Video]));
        Assert.Equal(["v5", "v6"], user.Targets.Select(v => table.Videos[v]).Order());
        Assert.DoesNotContain(split.Train, p => split.HeldOut.Contains(p.User));
        Assert.Equal(table.Pairs.Count - 8 - 1, split.Train.Count);
    }

    [Fact]
    public void The_held_out_users_are_reproducible_per_seed_and_differ_across_seeds()
    {
        var log = Enumerable.Range(0, 100).SelectMany(u => Enumerable.Range(0, 8).Select(v => Watch($"u{u}", $"v{(u + v) % 30}", v))).ToList();
        var table = PairTable.Build(log);

        var a = NewUserSplit.Create(table, [], RelevancePolicy.Default, 7);
        var b = NewUserSplit.Create(table, [], RelevancePolicy.Default, 7);
        var c = NewUserSplit.Create(table, [], RelevancePolicy.Default, 8);

        Assert.Equal(10, a.HeldOut.Count);
        Assert.Equal(a.HeldOut.Order(), b.HeldOut.Order());
        Assert.NotEqual(a.HeldOut.Order(), c.HeldOut.Order());
        Assert.All(a.Users, u => Assert.Equal(3, u.Targets.Count));
    }

    [Fact]
    public void Evaluation_removes_the_known_videos_before_ranking()
    {
        // One held-out user knows v0..v4 and will watch v5; the scorer ranks v0..v4 first, then v5.
        var log = Enumerable.Range(0, 6).Select(v => Watch("u0", $"v{v}", v)).Concat(Enumerable.Range(1, 9).Select(u => Watch($"u{u}", "v9", 0))).ToList();
        var table = PairTable.Build(log);
        var split = Enumerable.Range(0, 200).Select(seed => NewUserSplit.Create(table, [], RelevancePolicy.Default, seed)).First(s => s.Users.Count == 1);

        var result = ColdStartEvaluator.Evaluate(split, table.Videos.Count, (_, scores) =>
        {
            for (var v = 0; v < scores.Length; v++)
            {
                scores[v] = table.Videos[v] == "v9" ? -1 : 100 - v;
            }
        }, k: 2);

        // v5 is first among the unknown videos: nDCG@2 = 1, Precision@2 = 1/2.
        Assert.Equal(1.0, result.Ndcg, 12);
        Assert.Equal(0.5, result.Precision, 12);
    }

    [Fact]
    public void On_ml100k_demographic_popularity_beats_global_popularity_for_new_users()
    {
        var dataset = DatasetLoader.Load(SharedData.MovieLens100K).Dataset;
        var data = DatasetPairs.From(dataset);
        var table = data.Table;
        var split = NewUserSplit.Create(table, data.DurationSeconds, RelevancePolicy.Default, seed: 42);
        var videos = table.Videos.Count;
        var counts = ColdStartBaselines.PositiveCounts(split.Train, videos, RelevancePolicy.Default, data.DurationSeconds);
        int[] boundaries = [18, 25, 35, 45, 50, 56];
        string? Group(int u) => dataset.Users.GetValueOrDefault(table.Users[u]) is { Age: { } age, Gender: { } gender } ? $"{gender}:{boundaries.Count(b => age >= b)}" : null;

        var popularity = ColdStartEvaluator.Evaluate(split, videos, ColdStartBaselines.Popularity(counts));
        var demographic = ColdStartEvaluator.Evaluate(split, videos, ColdStartBaselines.DemographicPopularity(split.Train, videos, RelevancePolicy.Default, data.DurationSeconds, Group));
        var matrix = new FeedbackMatrixBuilder(RelevancePolicy.Default, FeedbackWeights.Default).Build(table.Users.Count, videos, split.Train, data.DurationSeconds);
        var wals = WalsTrainer.Fit(matrix, new WalsOptions { ComputeLoss = false });
        var foldIn = ColdStartEvaluator.Evaluate(split, videos, ColdStartBaselines.WalsFoldIn(wals, RelevancePolicy.Default, FeedbackWeights.Default, data.DurationSeconds));

        Assert.Equal(94, popularity.Users);
        Assert.InRange(popularity.Ndcg, 0.40, 0.48);
        Assert.True(demographic.Ndcg > popularity.Ndcg, $"demographic {demographic.Ndcg:F4} <= global {popularity.Ndcg:F4}");
        Assert.InRange(foldIn.Ndcg, 0.30, 0.50);
    }
}
