using VideoRec.Core.Domain;

namespace VideoRec.Import;

/// <summary>
/// How an explicit rating becomes interaction events: every rating is a complete watch, a rating at or above
/// <see cref="LikeAtOrAbove"/> is also a like, and one at or below <see cref="DislikeAtOrBelow"/> a dislike.
/// </summary>
public sealed record RatingConversion
{
    /// <summary>The default thresholds on the 0.5–5 star scale: ≥ 4 like, ≤ 2 dislike.</summary>
    public static RatingConversion Default { get; } = new();

    /// <summary>Ratings at or above this are likes. Default 4.</summary>
    public double LikeAtOrAbove { get; init; } = 4;

    /// <summary>Ratings at or below this are dislikes. Default 2.</summary>
    public double DislikeAtOrBelow { get; init; } = 2;

    /// <summary>Lowest valid rating. Default 0.5.</summary>
    public double MinRating { get; init; } = 0.5;

    /// <summary>Highest valid rating. Default 5.</summary>
    public double MaxRating { get; init; } = 5;

    /// <summary>Checks that the thresholds are finite, the scale is not empty, and dislikes lie below likes.</summary>
    /// <exception cref="ArgumentException">They are not; the message names the thresholds.</exception>
    public void Validate()
    {
        if (!double.IsFinite(LikeAtOrAbove) || !double.IsFinite(DislikeAtOrBelow) || !double.IsFinite(MinRating) || !double.IsFinite(MaxRating))
        {
            throw new ArgumentException("Rating thresholds must be finite numbers.");
        }

        if (MinRating > MaxRating)
        {
            throw new ArgumentException($"The lowest rating ({MinRating}) is above the highest ({MaxRating}).");
        }

        if (DislikeAtOrBelow >= LikeAtOrAbove)
        {
            throw new ArgumentException($"The dislike threshold ({DislikeAtOrBelow}) must be below the like threshold ({LikeAtOrAbove}).");
        }
    }

    /// <summary>Appends the events of one rating to <paramref name="events"/>.</summary>
    public void AddEvents(List<Interaction> events, string userId, string videoId, double rating, DateTimeOffset timestamp)
    {
        events.Add(new Interaction(userId, videoId, InteractionType.Watch, timestamp));
        if (rating >= LikeAtOrAbove)
        {
            events.Add(new Interaction(userId, videoId, InteractionType.Like, timestamp));
        }
        else if (rating <= DislikeAtOrBelow)
        {
            events.Add(new Interaction(userId, videoId, InteractionType.Dislike, timestamp));
        }
    }
}
