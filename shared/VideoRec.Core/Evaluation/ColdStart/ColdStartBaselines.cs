using VideoRec.Core.Feedback;
using VideoRec.Core.Models.Wals;

namespace VideoRec.Core.Evaluation.ColdStart;

/// <summary>
/// The reference methods for new users (design, "Cold start"): global popularity, popularity within the user's
/// demographic group, and WALS fold-in of the known history into a model trained without the user.
/// </summary>
public static class ColdStartBaselines
{
    /// <summary>Counts, per video, the training users for whom the pair is relevant. Returns <c>[videos]</c>.</summary>
    /// <param name="train">Training pairs.</param>
    /// <param name="videos">Catalogue size.</param>
    /// <param name="policy">The relevance label.</param>
    /// <param name="durationSeconds">Video lengths by index.</param>
    public static float[] PositiveCounts(IEnumerable<PairRecord> train, int videos, RelevancePolicy policy, IReadOnlyList<double?> durationSeconds)
    {
        var counts = new float[videos];
        foreach (var pair in train)
        {
            if (policy.Label(pair, durationSeconds) == Relevance.Positive)
            {
                counts[pair.Video]++;
            }
        }

        return counts;
    }

    /// <summary>Global popularity: every new user gets the same ranking by positive count.</summary>
    /// <param name="counts">Positive counts, <c>[videos]</c> (see <see cref="PositiveCounts"/>).</param>
    public static ColdStartScorer Popularity(float[] counts) => (_, scores) => counts.CopyTo(scores);

    /// <summary>
    /// Popularity within the user's group (for example gender × age bucket): videos ranked by their positive count among
    /// training users of the same group, ties broken by global popularity; users without a group get global popularity.
    /// </summary>
    /// <param name="train">Training pairs.</param>
    /// <param name="videos">Catalogue size.</param>
    /// <param name="policy">The relevance label.</param>
    /// <param name="durationSeconds">Video lengths by index.</param>
    /// <param name="groupOf">A user's group key, or <c>null</c> when unknown.</param>
    public static ColdStartScorer DemographicPopularity(IEnumerable<PairRecord> train, int videos, RelevancePolicy policy,
        IReadOnlyList<double?> durationSeconds, Func<int, string?> groupOf)
    {
        var pairs = train as IReadOnlyCollection<PairRecord> ?? train.ToList();
        var global = PositiveCounts(pairs, videos, policy, durationSeconds);
        var byGroup = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var group in pairs.GroupBy(p => groupOf(p.User)))
        {
            if (group.Key is not null)
            {
                byGroup[group.Key] = PositiveCounts(group, videos, policy, durationSeconds);
            }
        }

        // The global count breaks ties inside a group; it stays below one group count so it never overturns one.
        var tieBreak = 1f / (global.DefaultIfEmpty(0).Max() + 1);
        return (user, scores) =>
        {
            if (groupOf(user.User) is { } key && byGroup.TryGetValue(key, out var counts))
            {
                for (var v = 0; v < scores.Length; v++)
                {
                    scores[v] = counts[v] + tieBreak * global[v];
                }
            }
            else
            {
                global.CopyTo(scores);
            }
        };
    }

    /// <summary>
    /// WALS fold-in: the user's factors solved from the known pairs with the video factors fixed
    /// (<see cref="WalsModel.FoldIn"/>), then every video scored by the dot product.
    /// </summary>
    /// <param name="model">WALS trained without the new users.</param>
    /// <param name="policy">The relevance label of the known pairs.</param>
    /// <param name="weights">Strengths of the known pairs.</param>
    /// <param name="durationSeconds">Video lengths by index.</param>
    public static ColdStartScorer WalsFoldIn(WalsModel model, RelevancePolicy policy, FeedbackWeights weights, IReadOnlyList<double?> durationSeconds) =>
        (user, scores) =>
        {
            var videos = new List<int>();
            var strength = new List<float>();
            var preference = new List<float>();
            foreach (var pair in user.Known)
            {
                var duration = RelevancePolicy.DurationOf(pair.Video, durationSeconds);
                if (weights.Entry(pair.Feedback, policy.Label(pair.Feedback, duration), duration) is { } entry)
                {
                    videos.Add(pair.Video);
                    strength.Add(entry.Strength);
                    preference.Add(entry.Preference);
                }
            }

            model.Score(model.FoldIn([.. videos], [.. strength], [.. preference]), scores);
        };
}
