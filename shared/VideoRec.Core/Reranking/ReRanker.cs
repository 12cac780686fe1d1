using System.Globalization;
using System.Numerics.Tensors;
using VideoRec.Core.Synthetic;

namespace VideoRec.Core.Reranking;

/// <summary>
/// Re-ranking (design, "Re-ranking"): turns the scored candidates of one request into one page, applying in order
/// (1) removals: region restrictions, consumed and negative feedback (watched to completion, disliked, hidden or
/// deleted), misinformation flags, videos served on earlier pages; (2) score adjustments: over-exposure demotion,
/// freshness boost, clickbait penalty; (3) near-duplicates: one video per duplicate group and none within the embedding
/// cosine threshold of a better one; (4) exploration: a share of the page for new videos, chosen by Thompson sampling or
/// ε-greedy so they collect feedback; (5) selection of the rest by maximal marginal relevance (Carbonell and Goldstein,
/// SIGIR 1998) under per-creator and per-tag caps. Every item says why it is there; every removal says why.
/// </summary>
public static class ReRanker
{
    /// <summary>Re-ranks one page.</summary>
    /// <param name="candidates">Scored candidates, any order; ids distinct.</param>
    /// <param name="context">The user-side facts and page size.</param>
    /// <param name="options">The rules' settings (validated).</param>
    /// <exception cref="ArgumentException">Invalid options, a video id repeats, or a candidate (or its id, sources or video facts) is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">k is below 1.</exception>
    public static RerankResult Rerank(IReadOnlyList<RerankCandidate> candidates, RerankContext context, RerankOptions options)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(context);
        (options ?? throw new ArgumentNullException(nameof(options))).EnsureValid();
        ArgumentOutOfRangeException.ThrowIfLessThan(context.K, 1);

        var removed = new List<RerankRemoval>();
        var served = context.AlreadyServed.ToHashSet();
        var pool = new List<Working>(candidates.Count);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in candidates)
        {
            if (c?.VideoId is null || c.Sources is null || c.Video is null)
            {
                throw new ArgumentException("A candidate, its video id, its sources or its video facts are missing.", nameof(candidates));
            }

            if (!ids.Add(c.VideoId))
            {
                throw new ArgumentException($"Video '{c.VideoId}' appears twice among the candidates.", nameof(candidates));
            }

            if (Removal(c, context, options, served) is { } removal)
            {
                removed.Add(removal);
                continue;
            }

            pool.Add(Adjust(c, context, options));
        }

        pool.Sort(static (a, b) => b.Score.CompareTo(a.Score) is var byScore && byScore != 0 ? byScore : string.CompareOrdinal(a.Candidate.VideoId, b.Candidate.VideoId));
        pool = RemoveNearDuplicates(pool, options, removed);

        var k = context.K;
        var creatorCap = Math.Max(1, (int)Math.Min(int.MaxValue, Math.Floor(options.MaxCreatorShare * k + 1e-9)));
        var caps = new Caps(creatorCap, options.MaxPerTag);
        var exploration = Explore(pool, context, options, caps, k);
        var slots = ExplorationPositions(k, exploration.Count);
        var rest = pool.Where(w => !exploration.Contains(w)).ToList();
        var chosen = SelectByMmr(rest, k - exploration.Count, options, caps, removed);

        // Exploration items go to their spread positions of a page of k, the chosen fill the other positions in order,
        // and the page closes up where there are too few. Walked position by position rather than through an array of
        // k slots: k may be far larger than the candidates (up to int.MaxValue).
        var page = new List<Working>(exploration.Count + chosen.Count);
        for (int p = 0, e = 0, next = 0; e < exploration.Count || next < chosen.Count; p++)
        {
            page.Add(e < exploration.Count && (slots[e] == p || next == chosen.Count) ? exploration[e++] : chosen[next++]);
        }

        var items = page
            .Select((w, position) => new RerankedItem(w.Candidate.VideoId, position, w.Score, w.Candidate.Sources, w.Reasons))
            .ToArray();
        var allServed = context.AlreadyServed.Concat(items.Select(i => PageToken.Hash(i.VideoId))).ToArray();
        return new RerankResult(items, removed, allServed);
    }

    /// <summary>Whether a video counts as new (for exploration): recently uploaded, or seldom shown according to known statistics.</summary>
    public static bool IsNew(RerankVideo video, DateTimeOffset now, RerankOptions options)
    {
        ArgumentNullException.ThrowIfNull(video);
        ArgumentNullException.ThrowIfNull(options);
        return (video.HasStatistics && video.Impressions < options.NewVideoImpressions) ||
            video.UploadedAt is { } at && now - at <= options.NewVideoWindow && at <= now;
    }

    private static RerankRemoval? Removal(RerankCandidate c, RerankContext context, RerankOptions options, HashSet<uint> served)
    {
        var v = c.Video;
        if (options.RegionRestrictions && context.Country is { } country && v.AllowedRegions.Count > 0 &&
            !v.AllowedRegions.Any(r => string.Equals(r, country, StringComparison.OrdinalIgnoreCase)))
        {
            return new RerankRemoval(c.VideoId, "region", $"not allowed in {country.ToUpperInvariant()}");
        }

        if (options.RemoveConsumed)
        {
            if (v.Hidden)
            {
                return new RerankRemoval(c.VideoId, "consumed", "hidden or deleted");
            }

            if (context.Disliked.Contains(c.VideoId))
            {
                return new RerankRemoval(c.VideoId, "consumed", "disliked by the user");
            }

            if (context.Completed.Contains(c.VideoId))
            {
                return new RerankRemoval(c.VideoId, "consumed", "already watched to completion");
            }
        }

        if (options.RemoveMisinformation && v.Misinformation)
        {
            return new RerankRemoval(c.VideoId, "misinformation", "flagged as misinformation");
        }

        return served.Count > 0 && served.Contains(PageToken.Hash(c.VideoId))
            ? new RerankRemoval(c.VideoId, "pagination", "served on an earlier page")
            : null;
    }

    private static Working Adjust(RerankCandidate c, RerankContext context, RerankOptions options)
    {
        var w = new Working(c);
        if (c.Sources.Count > 0)
        {
            w.Reasons.Add($"proposed by {string.Join(", ", c.Sources)}");
        }

        if (!double.IsFinite(w.Score))
        {
            w.Usable = false;
            w.Score = double.MinValue / 4;
            w.Reasons.Add("no usable score: ranked last");
        }

        if (options.OverexposureImpressions > 0 && context.ShownWithoutClick.TryGetValue(c.VideoId, out var shown) && shown >= options.OverexposureImpressions)
        {
            w.Score = Scale(w.Score, options.OverexposureFactor);
            w.Reasons.Add($"shown {shown} times without a click: score × {options.OverexposureFactor.ToString(CultureInfo.InvariantCulture)}");
        }

        if (options.FreshnessBoost > 0 && c.Video.UploadedAt is { } at && at <= context.Now)
        {
            var boost = options.FreshnessBoost * Math.Pow(2, -(context.Now - at).TotalHours / options.FreshnessHalfLife.TotalHours);
            if (boost >= options.FreshnessBoost * 0.01)
            {
                w.Score += boost;
                w.Reasons.Add($"fresh upload: +{boost.ToString("0.###", CultureInfo.InvariantCulture)}");
            }
        }

        if (options.ClickbaitPenalty > 0)
        {
            var bait = Clickbait.Score(c.Video.Impressions, c.Video.Clicks, c.Video.Views, c.Video.Completions, options.PriorClickThroughRate, options.PriorCompletionRate);
            if (bait >= 0.05)
            {
                var factor = 1 - options.ClickbaitPenalty * bait;
                w.Score = Scale(w.Score, factor);
                w.Reasons.Add($"clickbait score {bait.ToString("0.00", CultureInfo.InvariantCulture)}: score × {factor.ToString("0.00", CultureInfo.InvariantCulture)}");
            }
        }

        return w;
    }

    /// <summary>Demotes a score by a factor in [0, 1] whatever its sign (a negative score moves further down).</summary>
    private static double Scale(double score, double factor) => score >= 0 ? score * factor : score / Math.Max(factor, 1e-3);

    private static List<Working> RemoveNearDuplicates(List<Working> sorted, RerankOptions options, List<RerankRemoval> removed)
    {
        var kept = new List<Working>(sorted.Count);
        var groups = new Dictionary<string, string>(StringComparer.Ordinal);
        var compare = options.NearDuplicateCosine <= 1;
        foreach (var w in sorted)
        {
            var v = w.Candidate.Video;
            if (v.DuplicateGroup is { } group && groups.TryGetValue(group, out var better))
            {
                removed.Add(new RerankRemoval(w.Candidate.VideoId, "near_duplicate", $"same duplicate group '{group}' as {better}, which ranks higher"));
                continue;
            }

            if (compare && !v.Embedding.IsEmpty && kept.Count > 0)
            {
                var twin = kept.Take(200).FirstOrDefault(k => Cosine(k.Candidate.Video.Embedding.Span, v.Embedding.Span) >= options.NearDuplicateCosine);
                if (twin is not null)
                {
                    removed.Add(new RerankRemoval(w.Candidate.VideoId, "near_duplicate",
                        $"embedding cosine ≥ {options.NearDuplicateCosine.ToString(CultureInfo.InvariantCulture)} with {twin.Candidate.VideoId}, which ranks higher"));
                    continue;
                }
            }

            if (v.DuplicateGroup is { } g)
            {
                groups[g] = w.Candidate.VideoId;
            }

            kept.Add(w);
        }

        return kept;
    }

    private static List<Working> Explore(List<Working> pool, RerankContext context, RerankOptions options, Caps caps, int k)
    {
        var slots = (int)Math.Floor(options.ExplorationShare * k + 1e-9);
        var fresh = pool.Where(w => IsNew(w.Candidate.Video, context.Now, options)).ToList();
        var chosen = new List<Working>();
        if (slots == 0 || fresh.Count == 0)
        {
            return chosen;
        }

        var random = new Random(context.Seed);
        while (chosen.Count < slots && fresh.Count > 0)
        {
            Working pick;
            string how;
            if (options.Exploration == ExplorationPolicy.Thompson)
            {
                var draws = fresh.Select(w => (w, Draw: Sampling.Beta(random, Successes(w.Candidate.Video) + 1, Failures(w.Candidate.Video) + 1))).ToList();
                var best = draws.MaxBy(d => d.Draw);
                (pick, how) = (best.w, $"Thompson draw {best.Draw.ToString("0.000", CultureInfo.InvariantCulture)}");
            }
            else if (random.NextDouble() < options.ExplorationEpsilon)
            {
                (pick, how) = (fresh[random.Next(fresh.Count)], "ε-greedy: random new video");
            }
            else
            {
                (pick, how) = (fresh[0], "ε-greedy: best-scored new video");
            }

            fresh.Remove(pick);
            if (!caps.Allows(pick))
            {
                continue;
            }

            caps.Take(pick);
            pick.Reasons.Add($"exploration slot for a new video ({how})");
            chosen.Add(pick);
        }

        return chosen;
    }

    /// <summary>Clicks as a Thompson-sampling success count: never negative, computed in double so long.MaxValue + 1 cannot wrap.</summary>
    private static double Successes(RerankVideo video) => Math.Max(0d, video.Clicks);

    /// <summary>Impressions without a click, never negative (statistics may be inconsistent or corrupt).</summary>
    private static double Failures(RerankVideo video) => Math.Max(0d, (double)video.Impressions - Successes(video));

    /// <summary>Evenly spread positions for <paramref name="count"/> exploration items on a page of k, starting after the top.</summary>
    private static int[] ExplorationPositions(int k, int count)
    {
        var positions = new int[count];
        for (var i = 0; i < count; i++)
        {
            positions[i] = Math.Min(k - 1, (int)((i + 1) * (double)k / (count + 1)));
        }

        return positions;
    }

    private static List<Working> SelectByMmr(List<Working> pool, int count, RerankOptions options, Caps caps, List<RerankRemoval> removed)
    {
        count = Math.Min(count, pool.Count);
        var chosen = new List<Working>(Math.Max(0, count));
        if (count <= 0)
        {
            return chosen;
        }

        // Candidates beyond the best 4k (at least 100) seldom matter for a page of k; cap the quadratic work. When
        // creator or tag caps refuse so many that the window runs dry, it widens by the same step (the new entries
        // keep the first window's normalisation), so caps never leave the page short while the pool has videos.
        var step = (int)Math.Min(int.MaxValue, Math.Max(4L * count, 100));
        var window = pool.Take(step).ToList();
        // Relevance is min-max normalised over the usable scores only: the sentinel of a video without a usable
        // score (or a score demoted to -infinity) would otherwise squash every real score to 1, or make the span
        // infinite and every value NaN. Halving first keeps max − min finite for scores near the double range.
        var usable = window.Where(w => w.Usable && double.IsFinite(w.Score)).Select(w => w.Score / 2).ToList();
        var max = usable.Count > 0 ? usable.Max() : 0;
        var min = usable.Count > 0 ? usable.Min() : 0;
        var span = max - min > 0 ? max - min : 1;
        double Relevance(Working w) => w.Usable && double.IsFinite(w.Score) ? Math.Clamp((w.Score / 2 - min) / span, -1, 1) : -2;
        var lambda = options.DiversityLambda;
        var maxSimilarity = new List<double>(window.Count);
        var taken = new List<bool>(window.Count);
        maxSimilarity.AddRange(Enumerable.Repeat(0.0, window.Count));
        taken.AddRange(Enumerable.Repeat(false, window.Count));
        while (chosen.Count < count)
        {
            var best = -1;
            var bestValue = double.NegativeInfinity;
            for (var i = 0; i < window.Count; i++)
            {
                if (taken[i])
                {
                    continue;
                }

                var value = lambda * Relevance(window[i]) - (1 - lambda) * maxSimilarity[i];
                if (value > bestValue)
                {
                    (best, bestValue) = (i, value);
                }
            }

            if (best < 0)
            {
                if (window.Count == pool.Count)
                {
                    break;
                }

                foreach (var w in pool.Skip(window.Count).Take(step))
                {
                    var similarity = 0.0;
                    if (lambda < 1 && !w.Candidate.Video.DiversityEmbedding.IsEmpty)
                    {
                        foreach (var c in chosen)
                        {
                            if (!c.Candidate.Video.DiversityEmbedding.IsEmpty)
                            {
                                similarity = Math.Max(similarity, Cosine(c.Candidate.Video.DiversityEmbedding.Span, w.Candidate.Video.DiversityEmbedding.Span));
                            }
                        }
                    }

                    window.Add(w);
                    maxSimilarity.Add(similarity);
                    taken.Add(false);
                }

                continue;
            }

            taken[best] = true;
            var pick = window[best];
            if (!caps.Allows(pick))
            {
                removed.Add(new RerankRemoval(pick.Candidate.VideoId, caps.Rule(pick)!, caps.Reason(pick)));
                continue;
            }

            caps.Take(pick);
            if (chosen.Count > 0 && lambda < 1 && Enumerable.Range(0, best).Any(j => !taken[j]))
            {
                pick.Reasons.Add("diversity: chosen over higher-scored videos similar to those above it");
            }

            chosen.Add(pick);
            var e = pick.Candidate.Video.DiversityEmbedding.Span;
            if (!e.IsEmpty && lambda < 1)
            {
                for (var i = 0; i < window.Count; i++)
                {
                    if (!taken[i] && !window[i].Candidate.Video.DiversityEmbedding.IsEmpty)
                    {
                        maxSimilarity[i] = Math.Max(maxSimilarity[i], Cosine(e, window[i].Candidate.Video.DiversityEmbedding.Span));
                    }
                }
            }
        }

        return chosen;
    }

    private static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b) =>
        a.Length != b.Length || a.IsEmpty ? 0 : TensorPrimitives.CosineSimilarity(a, b) is var c && float.IsFinite(c) ? c : 0;

    private sealed class Working(RerankCandidate candidate)
    {
        public RerankCandidate Candidate { get; } = candidate;

        public double Score { get; set; } = candidate.Score;

        /// <summary>False when the scorer gave no finite score (the video is ranked last).</summary>
        public bool Usable { get; set; } = true;

        public List<string> Reasons { get; } = [];
    }

    /// <summary>Per-creator and per-tag counts of a page.</summary>
    private sealed class Caps(int perCreator, int perTag)
    {
        private readonly Dictionary<string, int> _creators = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _tags = new(StringComparer.OrdinalIgnoreCase);

        public bool Allows(Working w) => Rule(w) is null;

        /// <summary>The creator the cap counts, or <c>null</c> when unknown (null or blank: no cap applies).</summary>
        private static string? Creator(RerankVideo v) => string.IsNullOrWhiteSpace(v.CreatorId) ? null : v.CreatorId;

        /// <summary>The tags the cap counts: a missing list, null and blank tags are skipped.</summary>
        private static IEnumerable<string> TagsOf(RerankVideo v) => (v.Tags ?? []).Where(t => !string.IsNullOrWhiteSpace(t));

        public string? Rule(Working w)
        {
            var v = w.Candidate.Video;
            if (Creator(v) is { } creator && _creators.GetValueOrDefault(creator) >= perCreator)
            {
                return "creator_cap";
            }

            return perTag > 0 && TagsOf(v).Any(t => _tags.GetValueOrDefault(t) >= perTag) ? "tag_cap" : null;
        }

        public string Reason(Working w) => Rule(w) == "creator_cap"
            ? $"creator {w.Candidate.Video.CreatorId} already has {perCreator} videos on this page"
            : $"tag '{TagsOf(w.Candidate.Video).First(t => _tags.GetValueOrDefault(t) >= perTag)}' already has {perTag} videos on this page";

        public void Take(Working w)
        {
            var v = w.Candidate.Video;
            if (Creator(v) is { } creator)
            {
                _creators[creator] = _creators.GetValueOrDefault(creator) + 1;
            }

            foreach (var t in TagsOf(v).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                _tags[t] = _tags.GetValueOrDefault(t) + 1;
            }
        }
    }
}
