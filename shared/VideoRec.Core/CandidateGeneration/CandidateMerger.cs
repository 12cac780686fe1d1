namespace VideoRec.Core.CandidateGeneration;

/// <summary>
/// Merges the sources' lists into one list of distinct videos (design, "Candidate generation": several generators so
/// that relevant, popular, trending and new videos all get a chance).
/// </summary>
/// <remarks>
/// Duplicates across sources become one candidate that keeps every source's score and rank. Excluded videos are
/// dropped whichever source proposed them. Slots are handed out by weighted round robin: at each step the source with
/// the fewest selected videos relative to its quota picks its best video not yet selected, so each source with
/// enough distinct videos gets at least ⌊quota · count⌋ slots (quotas add up to at most 1) and the merged order
/// interleaves the sources by quota. When a source runs out, the others fill its slots; a source with quota 0 only
/// fills slots nobody else can. Ties go to the source listed first.
/// </remarks>
public static class CandidateMerger
{
    /// <summary>Merges <paramref name="lists"/> into at most <paramref name="count"/> candidates.</summary>
    /// <param name="lists">Each source's proposals, best first, in source priority order.</param>
    /// <param name="quotas">Each source's quota in [0, 1]; a source missing here has quota 0.</param>
    /// <param name="count">The merged list's length limit, at least 1.</param>
    /// <param name="excluded">Videos never to include.</param>
    /// <returns>The merged list in selection order.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is below 1.</exception>
    public static IReadOnlyList<MergedCandidate> Merge(IReadOnlyList<(string Source, IReadOnlyList<Candidate> Candidates)> lists,
        IReadOnlyDictionary<string, double> quotas, int count, IReadOnlySet<string>? excluded = null)
    {
        ArgumentNullException.ThrowIfNull(lists);
        ArgumentNullException.ThrowIfNull(quotas);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);

        // Provenance of every video, in source order.
        var provenance = new Dictionary<string, List<CandidateProvenance>>(StringComparer.Ordinal);
        var usable = new List<string>[lists.Count];
        for (var s = 0; s < lists.Count; s++)
        {
            var (source, candidates) = lists[s];
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

                p.Add(new CandidateProvenance(source, c.Score, rank));
                usable[s].Add(c.VideoId);
            }
        }

        // Sources with quota 0 share weight 1 among themselves but only run when no source with a positive quota has
        // a video left (a small stand-in weight would let them outrank a tiny or heavily used positive quota).
        var positive = lists.Select(l => quotas.TryGetValue(l.Source, out var q) && q > 0).ToArray();
        var weights = lists.Select((l, s) => positive[s] ? quotas[l.Source] : 1.0).ToArray();
        var next = new int[lists.Count];
        var taken = new int[lists.Count];
        var selected = new HashSet<string>(StringComparer.Ordinal);
        var merged = new List<MergedCandidate>(Math.Min(count, provenance.Count));
        while (merged.Count < count)
        {
            // The source furthest below its share that still has an unselected video.
            var best = -1;
            var bestPositive = false;
            var bestRatio = double.MaxValue;
            for (var s = 0; s < lists.Count; s++)
            {
                while (next[s] < usable[s].Count && selected.Contains(usable[s][next[s]]))
                {
                    next[s]++;
                }

                if (next[s] == usable[s].Count)
                {
                    continue;
                }

                var ratio = (taken[s] + 1) / weights[s];
                if (best < 0 || (positive[s] && !bestPositive) || (positive[s] == bestPositive && ratio < bestRatio))
                {
                    (best, bestPositive, bestRatio) = (s, positive[s], ratio);
                }
            }

            if (best < 0)
            {
                break;
            }

            var videoId = usable[best][next[best]++];
            selected.Add(videoId);
            taken[best]++;
            var sources = provenance[videoId];
            var chooser = sources.FindIndex(p => p.Source == lists[best].Source);
            if (chooser > 0)
            {
                var first = sources[chooser];
                sources.RemoveAt(chooser);
                sources.Insert(0, first);
            }

            merged.Add(new MergedCandidate(videoId, merged.Count, sources));
        }

        return merged;
    }
}
