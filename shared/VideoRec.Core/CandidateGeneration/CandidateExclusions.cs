using VideoRec.Core.Ingestion;

namespace VideoRec.Core.CandidateGeneration;

/// <summary>
/// The videos a user must not be offered again: watched (any watch), disliked, and shown at least
/// <see cref="CandidateGenerationOptions.MaxImpressionsWithoutClick"/> times without being watched or liked.
/// </summary>
public static class CandidateExclusions
{
    /// <summary>The exclusion set from explicit lists.</summary>
    /// <param name="watched">Videos the user watched or liked (any engagement that counts as a click).</param>
    /// <param name="disliked">Videos the user disliked.</param>
    /// <param name="impressions">One entry per time a video was shown to the user.</param>
    /// <param name="maxImpressionsWithoutClick">The impression limit; 0 turns the rule off.</param>
    public static HashSet<string> Build(IEnumerable<string> watched, IEnumerable<string> disliked, IEnumerable<string> impressions,
        int maxImpressionsWithoutClick)
    {
        ArgumentNullException.ThrowIfNull(watched);
        ArgumentNullException.ThrowIfNull(disliked);
        ArgumentNullException.ThrowIfNull(impressions);
        var excluded = new HashSet<string>(watched, StringComparer.Ordinal);
        var engaged = new HashSet<string>(excluded, StringComparer.Ordinal);
        excluded.UnionWith(disliked);
        if (maxImpressionsWithoutClick > 0)
        {
            foreach (var shown in impressions.Where(v => !engaged.Contains(v)).CountBy(v => v, StringComparer.Ordinal))
            {
                if (shown.Value >= maxImpressionsWithoutClick)
                {
                    excluded.Add(shown.Key);
                }
            }
        }

        return excluded;
    }

    /// <summary>The exclusion set from a user's stored aggregates (their recent watched, liked, disliked and impressed lists).</summary>
    /// <param name="aggregates">The user's aggregates; <c>null</c> for a user with no events.</param>
    /// <param name="options">The impression limit.</param>
    public static HashSet<string> From(UserAggregates? aggregates, CandidateGenerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (aggregates is null)
        {
            return new HashSet<string>(StringComparer.Ordinal);
        }

        return Build(Ids(aggregates.Watched).Concat(Ids(aggregates.Liked)), Ids(aggregates.Disliked), Ids(aggregates.Impressed),
            options.MaxImpressionsWithoutClick);
    }

    /// <summary>
    /// Per video, how many of the user's recent impressions were neither watched nor liked (the over-exposure rule of
    /// re-ranking); empty for a user with no events.
    /// </summary>
    /// <param name="aggregates">The user's aggregates, or <c>null</c>.</param>
    public static Dictionary<string, int> ShownWithoutClick(UserAggregates? aggregates)
    {
        if (aggregates is null)
        {
            return new Dictionary<string, int>(StringComparer.Ordinal);
        }

        var engaged = Ids(aggregates.Watched).Concat(Ids(aggregates.Liked)).ToHashSet(StringComparer.Ordinal);
        return Ids(aggregates.Impressed).Where(v => !engaged.Contains(v)).CountBy(v => v, StringComparer.Ordinal)
            .ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal);
    }

    private static IEnumerable<string> Ids(IEnumerable<RecentItem> items) => items.Select(i => i.VideoId).OfType<string>();
}
