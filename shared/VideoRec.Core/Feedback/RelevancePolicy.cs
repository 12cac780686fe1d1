namespace VideoRec.Core.Feedback;

/// <summary>
/// The relevance label (design, "Constructing the dataset"): a pair is positive when the user liked the video
/// or watched at least <see cref="MinWatchFraction"/> of it, and negative when the user disliked it. When both hold
/// (watched, then disliked), <see cref="DislikeOverridesWatch"/> decides.
/// </summary>
public sealed record RelevancePolicy
{
    /// <summary>
    /// The default: half a watch or a like is positive; a dislike makes the pair negative only when it is not
    /// positive. On rating datasets (every rating a complete watch) every rated item is relevant, which is how the
    /// Microsoft Recommenders MovieLens benchmarks count relevance.
    /// </summary>
    public static RelevancePolicy Default { get; } = new();

    /// <summary>A stricter policy where a dislike wins over a watch or like.</summary>
    public static RelevancePolicy DislikeWins { get; } = new() { DislikeOverridesWatch = true };

    /// <summary>Fraction of the video, 0 to 1, that counts as a relevant watch. Default 0.5.</summary>
    public double MinWatchFraction { get; init; } = 0.5;

    /// <summary>Whether a dislike makes the pair negative even when the user watched or liked it. Default <c>false</c>.</summary>
    public bool DislikeOverridesWatch { get; init; }

    /// <summary>Labels one pair.</summary>
    /// <param name="feedback">What the user did with the video.</param>
    /// <param name="durationSeconds">The video's length in seconds, if known.</param>
    public Relevance Label(in PairFeedback feedback, double? durationSeconds)
    {
        var watchedEnough = feedback.Watches > 0 &&
            (MinWatchFraction <= 0 || feedback.WatchFraction(durationSeconds) >= MinWatchFraction);
        var positive = feedback.Likes > 0 || watchedEnough;
        var negative = feedback.Dislikes > 0;
        if (negative && (DislikeOverridesWatch || !positive))
        {
            return Relevance.Negative;
        }

        return positive ? Relevance.Positive : Relevance.None;
    }

    /// <summary>Labels one pair of a pair table, its video's length looked up by index (see <see cref="DurationOf"/>).</summary>
    /// <param name="pair">The pair.</param>
    /// <param name="durationSeconds">Video lengths in seconds by video index; may be shorter than the catalogue.</param>
    public Relevance Label(in PairRecord pair, IReadOnlyList<double?> durationSeconds) => Label(pair.Feedback, DurationOf(pair.Video, durationSeconds));

    /// <summary>The length in seconds of video index <paramref name="video"/>, or <c>null</c> when unknown or beyond the list.</summary>
    public static double? DurationOf(int video, IReadOnlyList<double?> durationSeconds) => video < durationSeconds.Count ? durationSeconds[video] : null;
}
