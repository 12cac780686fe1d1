namespace VideoRec.Core.Simulation;

/// <summary>What a simulated user did with one shown video.</summary>
/// <param name="Clicked">Whether they clicked it.</param>
/// <param name="WatchSeconds">Seconds watched (0 without a click).</param>
/// <param name="Liked">Whether they liked it.</param>
/// <param name="Disliked">Whether they disliked it.</param>
public readonly record struct Response(bool Clicked, double WatchSeconds, bool Liked, bool Disliked);

/// <summary>
/// The behaviour model of the simulator: position-biased clicks driven by the user's expectation
/// (<see cref="SimulatedWorld.Interest"/>) and thumbnail appeal, a watch fraction driven by the real relevance (quality
/// included; hurt by length), likes on well-watched relevant videos and dislikes on abandoned ones. Formulas:
/// P(click) = (1 + position)^(−0.7) · (0.02 + 0.5 · interest) · (0.4 + 1.2 · appeal);
/// watch fraction ~ Beta-like noise around m = 0.05 + 0.9 · relevance · (1 − 0.1 · log₁₀(duration / 300 s) clamped to [0.6, 1]);
/// P(like | fraction ≥ 0.5) = 0.5 · relevance; P(dislike | fraction &lt; 0.25) = 0.3 · (1 − relevance).
/// </summary>
public static class UserBehaviour
{
    /// <summary>The click probability of a video at a 0-based position.</summary>
    /// <param name="position">0-based position.</param>
    /// <param name="interest">The user's expectation in (0, 1).</param>
    /// <param name="appeal">The thumbnail's appeal in (0, 1).</param>
    public static double ClickProbability(int position, double interest, double appeal) =>
        Math.Pow(1 + Math.Max(0, position), -0.7) * (0.02 + 0.5 * interest) * (0.4 + 1.2 * appeal);

    /// <summary>The mean watch fraction of a clicked video.</summary>
    public static double MeanWatchFraction(double relevance, double durationSeconds) =>
        0.05 + 0.9 * relevance * Math.Clamp(1 - 0.1 * Math.Log10(Math.Max(1, durationSeconds) / 300), 0.6, 1);

    /// <summary>Simulates the user's response to one shown video.</summary>
    /// <param name="world">The world.</param>
    /// <param name="user">User index.</param>
    /// <param name="video">Video index.</param>
    /// <param name="position">0-based position on the page.</param>
    /// <param name="random">The simulation's random source.</param>
    public static Response Respond(SimulatedWorld world, int user, int video, int position, Random random)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(random);
        var v = world.Videos[video];
        if (random.NextDouble() >= ClickProbability(position, world.Interest(user, video), v.Appeal))
        {
            return default;
        }

        var relevance = world.Relevance(user, video);
        var mean = MeanWatchFraction(relevance, v.DurationSeconds);
        var fraction = Math.Clamp(mean + 0.15 * (random.NextDouble() + random.NextDouble() - 1), 0.01, 1);
        var liked = fraction >= 0.5 && random.NextDouble() < 0.5 * relevance;
        var disliked = !liked && fraction < 0.25 && random.NextDouble() < 0.3 * (1 - relevance);
        return new Response(true, Math.Round(fraction * v.DurationSeconds, 1), liked, disliked);
    }
}
