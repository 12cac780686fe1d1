using VideoRec.Core.Domain;
using VideoRec.Core.Evaluation;
using VideoRec.Core.Feedback;
using VideoRec.Core.Models;

namespace VideoRec.Core.Tests.Evaluation;

public sealed class OfflineEvaluatorTests
{
    /// <summary>Scores video v as <c>scores[v]</c> for every user.</summary>
    private sealed class FixedScores(float[] scores) : IRecommenderModel
    {
        public string Name => "fixed";

        public int Videos => scores.Length;

        public void ScoreUser(int user, Span<float> destination) => scores.CopyTo(destination);
    }

    private static PairRecord Pair(int user, int video) =>
        new(user, video, Watched(), user * 100 + video);

    private static PairFeedback Watched()
    {
        var feedback = default(PairFeedback);
        feedback.Add(new Interaction("u", "v", InteractionType.Watch, DateTimeOffset.UnixEpoch));
        return feedback;
    }

    [Fact]
    public void Seen_videos_are_skipped_and_metrics_average_over_users_with_relevant_items()
    {
        // 2 users, 5 videos. Scores rank videos 0,1,2,3,4.
        // User 0 saw 0 in training; relevant held-out {1, 3}. Top-2 after removing 0: [1, 2] → 1 hit at rank 1.
        // User 1 saw 1; relevant {4}. Top-2 after removing 1: [0, 2] → no hit.
        var split = new DataSplit([Pair(0, 0), Pair(1, 1)], [Pair(0, 1), Pair(0, 3), Pair(1, 4)]);
        var task = new EvaluationTask(2, 5, split, RelevancePolicy.Default, new double?[5]);
        var model = new FixedScores([5, 4, 3, 2, 1]);

        var m = OfflineEvaluator.Evaluate(model, task, 2);

        Assert.Equal(2, m.Users);
        Assert.Equal((0.5 + 0.0) / 2, m.Precision, 12);
        Assert.Equal((0.5 + 0.0) / 2, m.Recall, 12);
        // User 0: DCG 1, IDCG 1 + 1/log2(3).
        Assert.Equal(1 / (1 + 1 / Math.Log2(3)) / 2, m.Ndcg, 12);
        Assert.Equal((1.0 / 2 + 0) / 2, m.Map, 12);
        Assert.Equal((1.0 / 2 + 0) / 2, m.MapAtK, 12);
        Assert.Equal(0.5, m.HitRate, 12);
        // Recommended {1, 2} ∪ {0, 2} = 3 of 5 videos.
        Assert.Equal(0.6, m.Coverage, 12);
        Assert.True(double.IsNaN(m.Diversity));
    }

    [Fact]
    public void Diversity_is_mean_pairwise_cosine_in_the_reference_embedding()
    {
        var split = new DataSplit([Pair(0, 3)], [Pair(0, 0)]);
        var task = new EvaluationTask(1, 4, split, RelevancePolicy.Default, new double?[4]);
        var model = new FixedScores([3, 2, 1, 0]);
        // 2-d vectors: v0 = (1,0), v1 = (0,1), v2 = (1,1), v3 unused.
        float[] embedding = [1, 0, 0, 1, 1, 1, 5, 5];

        var m = OfflineEvaluator.Evaluate(model, task, 3, embedding, 2);

        // Pairs: (0,1) cos 0; (0,2) cos 1/√2; (1,2) cos 1/√2 → mean √2/3.
        Assert.Equal(Math.Sqrt(2) / 3, m.Diversity, 6);
    }

    [Fact]
    public void Held_out_pairs_that_are_not_positive_are_not_relevant_and_users_without_training_are_not_evaluated()
    {
        var disliked = default(PairFeedback);
        disliked.Add(new Interaction("u", "v", InteractionType.Dislike, DateTimeOffset.UnixEpoch));
        var split = new DataSplit([Pair(0, 0)], [new PairRecord(0, 1, disliked, 1), Pair(0, 2), Pair(1, 3)]);

        var task = new EvaluationTask(2, 4, split, RelevancePolicy.Default, new double?[4]);

        Assert.Equal([0], task.EvaluatedUsers);
        Assert.Equal(new HashSet<int> { 2 }, task.Relevant[0]);
        Assert.Equal(1, task.RelevantPairsOfUnknownUsers);
    }
}
