using VideoRec.Core.Feedback;

namespace VideoRec.Core.Models.TwoTower;

/// <summary>
/// Each user's history lists as the user tower reads them (design, "User features": the averages of watched, liked
/// and impressed videos), oldest first, plus the relevant and negative videos that make training examples.
/// </summary>
public sealed class UserHistories
{
    private readonly int[][] _watched;
    private readonly int[][] _liked;
    private readonly int[][] _impressed;
    private readonly int[][] _positives;
    private readonly int[][] _negatives;
    private readonly DateTimeOffset[] _last;

    private UserHistories(int users)
    {
        _watched = new int[users][];
        _liked = new int[users][];
        _impressed = new int[users][];
        _positives = new int[users][];
        _negatives = new int[users][];
        _last = new DateTimeOffset[users];
    }

    /// <summary>Number of users (rows).</summary>
    public int Users => _watched.Length;

    /// <summary>Videos the user watched (any watch), oldest first.</summary>
    public int[] Watched(int user) => _watched[user];

    /// <summary>Videos the user liked, oldest first.</summary>
    public int[] Liked(int user) => _liked[user];

    /// <summary>Videos shown to the user that they neither clicked nor watched, oldest first.</summary>
    public int[] Impressed(int user) => _impressed[user];

    /// <summary>The user's relevant videos (the policy's positives), oldest first.</summary>
    public int[] Positives(int user) => _positives[user];

    /// <summary>The user's explicit negatives (the policy's negatives, such as dislikes).</summary>
    public int[] Negatives(int user) => _negatives[user];

    /// <summary>Time of the user's last interaction, or <see cref="DateTimeOffset.MinValue"/> without any.</summary>
    public DateTimeOffset LastSeen(int user) => _last[user];

    /// <summary>Builds the lists from pairs.</summary>
    /// <param name="pairs">The pairs that may be read (training pairs, or a new user's known ones).</param>
    /// <param name="users">Number of users (rows).</param>
    /// <param name="policy">The relevance label.</param>
    /// <param name="durationSeconds">Video lengths by index.</param>
    public static UserHistories Build(IEnumerable<PairRecord> pairs, int users, RelevancePolicy policy, IReadOnlyList<double?> durationSeconds)
    {
        var byUser = new List<PairRecord>?[users];
        foreach (var pair in pairs)
        {
            (byUser[pair.User] ??= []).Add(pair);
        }

        var histories = new UserHistories(users);
        for (var u = 0; u < users; u++)
        {
            var timeline = byUser[u] is { } list ? list.OrderBy(p => p.Feedback.First).ThenBy(p => p.Order).ToArray() : [];
            histories._watched[u] = [.. timeline.Where(p => p.Feedback.Watches > 0).Select(p => p.Video)];
            histories._liked[u] = [.. timeline.Where(p => p.Feedback.Likes > 0).Select(p => p.Video)];
            histories._impressed[u] = [.. timeline.Where(p => p.Feedback is { Impressions: > 0, Clicks: 0, Watches: 0 }).Select(p => p.Video)];
            var labels = timeline.Select(p => policy.Label(p, durationSeconds)).ToArray();
            histories._positives[u] = [.. timeline.Where((_, i) => labels[i] == Relevance.Positive).Select(p => p.Video)];
            histories._negatives[u] = [.. timeline.Where((_, i) => labels[i] == Relevance.Negative).Select(p => p.Video)];
            histories._last[u] = timeline.Length == 0 ? DateTimeOffset.MinValue : timeline.Max(p => p.Feedback.Last);
        }

        return histories;
    }
}
