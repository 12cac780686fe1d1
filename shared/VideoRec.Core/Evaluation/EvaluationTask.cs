using VideoRec.Core.Feedback;

namespace VideoRec.Core.Evaluation;

/// <summary>
/// What a model is judged on for one split: which videos each user already saw in training (excluded from the
/// recommendations) and which held-out videos are relevant.
/// </summary>
public sealed class EvaluationTask
{
    private readonly HashSet<int>[] _seen;

    /// <summary>Builds the task from a split.</summary>
    /// <param name="users">Number of users (matrix rows).</param>
    /// <param name="videos">Number of videos (matrix columns).</param>
    /// <param name="split">The split.</param>
    /// <param name="testPolicy">Labels held-out pairs; only positives are relevant.</param>
    /// <param name="durationSeconds">Video lengths by index, <c>null</c> when unknown.</param>
    public EvaluationTask(int users, int videos, DataSplit split, RelevancePolicy testPolicy, IReadOnlyList<double?> durationSeconds)
    {
        Videos = videos;
        _seen = new HashSet<int>[users];
        foreach (var pair in split.Train)
        {
            (_seen[pair.User] ??= []).Add(pair.Video);
        }

        var relevant = new SortedDictionary<int, HashSet<int>>();
        var skipped = 0;
        foreach (var pair in split.Test)
        {
            var duration = RelevancePolicy.DurationOf(pair.Video, durationSeconds);
            if (testPolicy.Label(pair.Feedback, duration) != Relevance.Positive)
            {
                continue;
            }

            if (_seen[pair.User] is null)
            {
                skipped++;
                continue;
            }

            if (!relevant.TryGetValue(pair.User, out var set))
            {
                relevant[pair.User] = set = [];
            }

            set.Add(pair.Video);
        }

        EvaluatedUsers = [.. relevant.Keys];
        Relevant = [.. relevant.Values];
        RelevantPairsOfUnknownUsers = skipped;
    }

    /// <summary>Number of videos in the catalogue (coverage denominator).</summary>
    public int Videos { get; }

    /// <summary>Users with at least one relevant held-out video and a training history, ascending.</summary>
    public int[] EvaluatedUsers { get; }

    /// <summary>Relevant held-out videos of each evaluated user, aligned with <see cref="EvaluatedUsers"/>.</summary>
    public HashSet<int>[] Relevant { get; }

    /// <summary>Relevant held-out pairs whose user has no training history (cold users, not evaluated here).</summary>
    public int RelevantPairsOfUnknownUsers { get; }

    /// <summary>Whether <paramref name="user"/> interacted with <paramref name="video"/> in training.</summary>
    public bool Seen(int user, int video) => _seen[user]?.Contains(video) == true;
}
