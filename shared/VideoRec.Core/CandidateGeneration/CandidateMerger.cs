namespace VideoRec.Core.CandidateGeneration;

/// <summary>
/// Merges the sources' lists into one list of distinct videos (design, "Candidate generation": several generators so
/// that relevant, popular, trending and new videos all get a chance).
/// </summary>
/// <remarks>
/// <para>Duplicates across sources become one candidate that keeps every source's score and rank. Excluded videos are
/// dropped whichever source proposed them.</para>
/// <para>Each video gets a fused score by weighted reciprocal-rank fusion, f(v) = Σₛ wₛ / (60 + rankₛ(v)) over the
/// sources that proposed it (rank from 0; Cormack, Clarke and Büttcher, SIGIR 2009), so a video several sources agree
/// on rises, and scores on different scales never need calibrating.</para>
/// <para>Quotas reserve room: first, in source priority order, each source's best ⌊quotaₛ · count⌋ videos not yet
/// taken are taken (so popular, trending and fresh videos get in even when no other source agrees); then the rest of
/// the slots go to the remaining videos by fused score. The merged list is ordered by fused score (ties by video id),
/// and each candidate names first the source that took it (by quota, or the largest contribution to its fused score).</para>
/// </remarks>
public static class CandidateMerger
{
    /// <summary>The rank offset of reciprocal-rank fusion (Cormack et al., 2009).</summary>
    public const int FusionOffset = 60;

    /// <summary>Merges <paramref name="lists"/> into at most <paramref name="count"/> candidates.</summary>
    /// <param name="lists">Each source's proposals, best first, in source priority order.</param>
    /// <param name="quotas">Each source's reserved share in [0, 1]; a source missing here reserves nothing.</param>
    /// <param name="count">The merged list's length limit, at least 1.</param>
    /// <param name="excluded">Videos never to include.</param>
    /// <param name="weights">Each source's fusion weight (default 1).</param>
    /// <returns>The merged list, by descending fused score.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is below 1.</exception>
    public static IReadOnlyList<MergedCandidate> Merge(IReadOnlyList<(string Source, IReadOnlyList<Candidate> Candidates)> lists,
        IReadOnlyDictionary<string, double> quotas, int count, IReadOnlySet<string>? excluded = null,
        IReadOnlyDictionary<string, double>? weights = null)
    {
        ArgumentNullException.ThrowIfNull(lists);
        ArgumentNullException.ThrowIfNull(quotas);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);

        // Provenance and fused score of every video, sources in list order.
        var provenance = new Dictionary<string, List<CandidateProvenance>>(StringComparer.Ordinal);
        var fused = new Dictionary<string, double>(StringComparer.Ordinal);
        var usable = new List<string>[lists.Count];
        for (var s = 0; s < lists.Count; s++)
        {
            var (source, candidates) = lists[s];
            var weight = Weight(weights, source);
            usable[s] = new List<string>(candidates.Count);
            var inThisList = new HashSet<string>(StringComparer.Ordinal);
            for (var rank = 0; rank < candidates.Count; rank++)
            {
                var c = candidates[rank];
                if (excluded?.Contains(c.VideoId) == true || !inThisList.Add(c.VideoId))
                {
                    continue;
                }

                if (!provenance.TryGetValue(c.VideoId, out var p))
                {
                    provenance[c.VideoId] = p = [];
                }

                var position = usable[s].Count;
                p.Add(new CandidateProvenance(source, c.Score, position));
                fused[c.VideoId] = fused.GetValueOrDefault(c.VideoId) + weight / (FusionOffset + position);
                usable[s].Add(c.VideoId);
            }
        }

        // Reserved slots, in source priority order.
        var chooser = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var s = 0; s < lists.Count && chooser.Count < count; s++)
        {
            var reserved = (int)Math.Floor((quotas.TryGetValue(lists[s].Source, out var q) ? Math.Clamp(q, 0, 1) : 0) * count + 1e-9);
            for (var i = 0; i < usable[s].Count && reserved > 0 && chooser.Count < count; i++)
            {
                if (chooser.TryAdd(usable[s][i], lists[s].Source))
                {
                    reserved--;
                }
            }
        }

        // The rest by fused score.
        foreach (var videoId in fused.Keys.Where(v => !chooser.ContainsKey(v)).OrderByDescending(v => fused[v]).ThenBy(v => v, StringComparer.Ordinal))
        {
            if (chooser.Count == count)
            {
                break;
            }

            chooser[videoId] = provenance[videoId].MaxBy(p => Weight(weights, p.Source) / (FusionOffset + p.Rank)).Source;
        }

        return chooser.Keys
            .OrderByDescending(v => fused[v]).ThenBy(v => v, StringComparer.Ordinal)
            .Select((videoId, position) => new MergedCandidate(videoId, position, Reorder(provenance[videoId], chooser[videoId]), fused[videoId]))
            .ToArray();
    }

    private static double Weight(IReadOnlyDictionary<string, double>? weights, string source) =>
        weights is not null && weights.TryGetValue(source, out var w) ? w : 1.0;

    /// <summary>The provenance with <paramref name="first"/> moved to the front, the rest in source order.</summary>
    private static List<CandidateProvenance> Reorder(List<CandidateProvenance> sources, string first)
    {
        var index = sources.FindIndex(p => p.Source == first);
        if (index > 0)
        {
            var chosen = sources[index];
            sources.RemoveAt(index);
            sources.Insert(0, chosen);
        }

        return sources;
    }
}
