namespace VideoRec.Core.Feedback;

/// <summary>The label of a (user, video) pair.</summary>
public enum Relevance
{
    /// <summary>Neither relevant nor explicitly negative (for example only an impression).</summary>
    None,

    /// <summary>Relevant: liked, or watched at least the policy's fraction.</summary>
    Positive,

    /// <summary>Explicitly negative: disliked.</summary>
    Negative,
}
