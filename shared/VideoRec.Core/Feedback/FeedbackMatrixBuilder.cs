using VideoRec.Core.Matrix;

namespace VideoRec.Core.Feedback;

/// <summary>
/// Turns labelled pairs into the user × video feedback matrix that WALS factorizes (design, "Feedback matrix"):
/// positives with preference 1, dislikes with preference 0, and pairs without signal left unobserved.
/// </summary>
/// <param name="policy">The relevance label.</param>
/// <param name="weights">Strength per interaction kind.</param>
public sealed class FeedbackMatrixBuilder(RelevancePolicy policy, FeedbackWeights weights)
{
    /// <summary>Builds the matrix of shape <c>[users, videos]</c> from <paramref name="pairs"/>.</summary>
    /// <param name="users">Number of rows (users).</param>
    /// <param name="videos">Number of columns (videos).</param>
    /// <param name="pairs">The pairs to include.</param>
    /// <param name="durationSeconds">Video length in seconds by video index, <c>null</c> when unknown; may be shorter than <paramref name="videos"/>.</param>
    public SparseMatrix Build(int users, int videos, IEnumerable<PairRecord> pairs, IReadOnlyList<double?> durationSeconds)
    {
        var entries = new List<MatrixEntry>();
        foreach (var pair in pairs)
        {
            var duration = RelevancePolicy.DurationOf(pair.Video, durationSeconds);
            var label = policy.Label(pair.Feedback, duration);
            if (weights.Entry(pair.Feedback, label, duration) is { } entry)
            {
                entries.Add(new MatrixEntry(pair.User, pair.Video, entry.Strength, entry.Preference));
            }
        }

        return SparseMatrix.FromEntries(users, videos, entries);
    }
}
