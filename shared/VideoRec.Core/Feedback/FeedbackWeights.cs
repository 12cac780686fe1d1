namespace VideoRec.Core.Feedback;

/// <summary>
/// How much each kind of interaction adds to the strength s of a pair in the feedback matrix, which WALS turns
/// into the confidence 1 + α·s (Hu, Koren and Volinsky, "Collaborative Filtering for Implicit Feedback
/// Datasets", ICDM 2008). Combining implicit and explicit feedback follows the design, "Feedback matrix".
/// </summary>
public sealed record FeedbackWeights
{
    /// <summary>The defaults used by training and evaluation.</summary>
    public static FeedbackWeights Default { get; } = new();

    /// <summary>Strength of a complete watch; a partial watch adds this times the fraction watched. Default 1.</summary>
    public float Watch { get; init; } = 1f;

    /// <summary>Strength added by a like. Default 1.</summary>
    public float Like { get; init; } = 1f;

    /// <summary>Strength added by a share. Default 1.</summary>
    public float Share { get; init; } = 1f;

    /// <summary>Strength added by a comment. Default 0.5.</summary>
    public float Comment { get; init; } = 0.5f;

    /// <summary>Strength added by a click that led to no recorded watch. Default 0.25.</summary>
    public float Click { get; init; } = 0.25f;

    /// <summary>Strength of a negative (disliked) pair, whose target preference is 0. Default 1.</summary>
    public float Dislike { get; init; } = 1f;

    /// <summary>
    /// The strength and target preference of a pair, or <c>null</c> when the pair carries no signal
    /// (only impressions) and stays unobserved.
    /// </summary>
    /// <param name="feedback">What the user did with the video.</param>
    /// <param name="label">The pair's relevance label.</param>
    /// <param name="durationSeconds">The video's length in seconds, if known.</param>
    public (float Strength, float Preference)? Entry(in PairFeedback feedback, Relevance label, double? durationSeconds)
    {
        if (label == Relevance.Negative)
        {
            return (Dislike, 0f);
        }

        var strength = 0f;
        if (feedback.Watches > 0)
        {
            strength += Watch * (float)feedback.WatchFraction(durationSeconds);
        }

        strength += Like * Math.Min(feedback.Likes, 1) + Share * Math.Min(feedback.Shares, 1) + Comment * Math.Min(feedback.Comments, 1);
        if (feedback.Clicks > 0 && feedback.Watches == 0)
        {
            strength += Click;
        }

        return strength > 0 ? (strength, 1f) : null;
    }
}
