using VideoRec.Core.Domain;

namespace VideoRec.Core.Feedback;

/// <summary>
/// Everything one user did with one video, summed over the interaction log: the unit that is labelled,
/// split for evaluation and turned into one entry of the feedback matrix.
/// </summary>
public struct PairFeedback
{
    /// <summary>Number of impressions.</summary>
    public int Impressions;

    /// <summary>Number of clicks.</summary>
    public int Clicks;

    /// <summary>Number of watch events.</summary>
    public int Watches;

    /// <summary>Total watch time in seconds over watch events that reported it.</summary>
    public double WatchSeconds;

    /// <summary>Whether a watch event reported no seconds, which means a complete watch of unknown length.</summary>
    public bool CompleteWatch;

    /// <summary>Number of likes.</summary>
    public int Likes;

    /// <summary>Number of dislikes.</summary>
    public int Dislikes;

    /// <summary>Number of shares.</summary>
    public int Shares;

    /// <summary>Number of comments.</summary>
    public int Comments;

    /// <summary>Time of the first interaction, UTC.</summary>
    public DateTimeOffset First;

    /// <summary>Time of the last interaction, UTC.</summary>
    public DateTimeOffset Last;

    /// <summary>
    /// The fraction of the video watched, capped at 1: 1 for a complete watch, watch seconds over the
    /// duration when the duration is known, and 0 when it cannot be told.
    /// </summary>
    /// <param name="durationSeconds">The video's length in seconds, if known.</param>
    public readonly double WatchFraction(double? durationSeconds) =>
        CompleteWatch ? 1.0
        : durationSeconds is > 0 ? Math.Min(1.0, WatchSeconds / durationSeconds.Value)
        : 0.0;

    /// <summary>Adds one interaction of this pair to the summary. Search events carry no video and are ignored.</summary>
    public void Add(Interaction interaction)
    {
        var isFirst = Impressions + Clicks + Watches + Likes + Dislikes + Shares + Comments == 0;
        switch (interaction.Type)
        {
            case InteractionType.Impression: Impressions++; break;
            case InteractionType.Click: Clicks++; break;
            case InteractionType.Watch:
                Watches++;
                if (interaction.Value is { } seconds)
                {
                    WatchSeconds += seconds;
                }
                else
                {
                    CompleteWatch = true;
                }

                break;
            case InteractionType.Like: Likes++; break;
            case InteractionType.Dislike: Dislikes++; break;
            case InteractionType.Share: Shares++; break;
            case InteractionType.Comment: Comments++; break;
            default: return;
        }

        if (isFirst || interaction.Timestamp < First)
        {
            First = interaction.Timestamp;
        }

        if (isFirst || interaction.Timestamp > Last)
        {
            Last = interaction.Timestamp;
        }
    }
}
