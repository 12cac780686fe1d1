namespace VideoRec.Core.Evaluation;

/// <summary>How (user, video) pairs are divided into training and test sets.</summary>
public enum SplitProtocol
{
    /// <summary>
    /// Random split stratified per user: each user's pairs are shuffled and 75% go to training, so every user
    /// is in both sets. This is <c>python_stratified_split</c> of the Microsoft Recommenders MovieLens benchmark.
    /// </summary>
    Stratified,

    /// <summary>Global time split: the most recent 20% of pairs (by last interaction) are the test set.</summary>
    Time,

    /// <summary>Leave-last-out: each user's most recent pair is the test set (users with one pair stay in training).</summary>
    LeaveLastOut,
}
