namespace VideoRec.Core.Reranking;

/// <summary>How exploration slots pick new videos.</summary>
public enum ExplorationPolicy
{
    /// <summary>With probability ε per slot a random new video, otherwise the best-scored new video.</summary>
    EpsilonGreedy,

    /// <summary>The new video with the highest draw from Beta(clicks + 1, impressions − clicks + 1) (Thompson sampling).</summary>
    Thompson,
}

/// <summary>
/// Settings of every re-ranking rule (configuration section <c>VideoRec:Reranking</c>; design, "Re-ranking"). Each
/// rule can be turned off; <see cref="Validate"/> names every bad setting.
/// </summary>
public sealed class RerankOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "VideoRec:Reranking";

    /// <summary>Never return a video not allowed in the viewer's country (default on).</summary>
    public bool RegionRestrictions { get; set; } = true;

    /// <summary>Remove videos watched to completion, disliked, hidden or deleted (default on).</summary>
    public bool RemoveConsumed { get; set; } = true;

    /// <summary>A video shown this many times to the user without a click is demoted (0 turns it off); default 3.</summary>
    public int OverexposureImpressions { get; set; } = 3;

    /// <summary>Score multiplier for an over-exposed video, in [0, 1]; default 0.5.</summary>
    public double OverexposureFactor { get; set; } = 0.5;

    /// <summary>Freshness boost added to a new upload's score: boost · 2^(−age / half-life); 0 turns it off. Default 0.1.</summary>
    public double FreshnessBoost { get; set; } = 0.1;

    /// <summary>Half-life of the freshness boost; default 2 days.</summary>
    public TimeSpan FreshnessHalfLife { get; set; } = TimeSpan.FromDays(2);

    /// <summary>Remove videos flagged as misinformation (default on).</summary>
    public bool RemoveMisinformation { get; set; } = true;

    /// <summary>Score multiplier strength for clickbait: score · (1 − strength · clickbait), clickbait in [0, 1]; 0 turns it off. Default 0.5.</summary>
    public double ClickbaitPenalty { get; set; } = 0.5;

    /// <summary>Embedding cosine at or above which two videos are near-duplicates (only the better stays); above 1 turns it off. Default 0.97.</summary>
    public double NearDuplicateCosine { get; set; } = 0.97;

    /// <summary>Maximal marginal relevance trade-off λ in [0, 1]: 1 ranks by score alone, lower values favour videos unlike those already chosen. Default 0.8.</summary>
    public double DiversityLambda { get; set; } = 0.8;

    /// <summary>At most this share of a page from one creator, in (0, 1] (at least one video each); default 0.3.</summary>
    public double MaxCreatorShare { get; set; } = 0.3;

    /// <summary>At most this many videos of a page share one tag; 0 turns it off. Default 0 (off: genres are broad).</summary>
    public int MaxPerTag { get; set; }

    /// <summary>Share of a page reserved for new videos (exploration), in [0, 1]; default 0.1.</summary>
    public double ExplorationShare { get; set; } = 0.1;

    /// <summary>A video counts as new when uploaded within this window or shown fewer than <see cref="NewVideoImpressions"/> times; default 7 days.</summary>
    public TimeSpan NewVideoWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>A video with fewer impressions than this counts as new; default 100.</summary>
    public long NewVideoImpressions { get; set; } = 100;

    /// <summary>How exploration slots choose; default Thompson sampling.</summary>
    public ExplorationPolicy Exploration { get; set; } = ExplorationPolicy.Thompson;

    /// <summary>ε of the ε-greedy policy, in [0, 1]; default 0.2.</summary>
    public double ExplorationEpsilon { get; set; } = 0.2;

    /// <summary>Prior click-through rate the clickbait heuristic compares with; default 0.05.</summary>
    public double PriorClickThroughRate { get; set; } = 0.05;

    /// <summary>Prior completion rate the clickbait heuristic compares with; default 0.4.</summary>
    public double PriorCompletionRate { get; set; } = 0.4;

    /// <summary>Every problem, each naming the setting; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        void Range(string name, double value, double min, double max)
        {
            if (!(value >= min && value <= max))
            {
                errors.Add($"{name} must be in [{min}, {max}] (found {value}).");
            }
        }

        if (OverexposureImpressions < 0)
        {
            errors.Add($"{nameof(OverexposureImpressions)} must be 0 (off) or more (found {OverexposureImpressions}).");
        }

        Range(nameof(OverexposureFactor), OverexposureFactor, 0, 1);
        Range(nameof(FreshnessBoost), FreshnessBoost, 0, 1000);
        if (FreshnessHalfLife <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(FreshnessHalfLife)} must be positive (found {FreshnessHalfLife}).");
        }

        Range(nameof(ClickbaitPenalty), ClickbaitPenalty, 0, 1);
        Range(nameof(NearDuplicateCosine), NearDuplicateCosine, -1, 2);
        Range(nameof(DiversityLambda), DiversityLambda, 0, 1);
        if (!(MaxCreatorShare > 0 && MaxCreatorShare <= 1))
        {
            errors.Add($"{nameof(MaxCreatorShare)} must be in (0, 1] (found {MaxCreatorShare}).");
        }

        if (MaxPerTag < 0)
        {
            errors.Add($"{nameof(MaxPerTag)} must be 0 (off) or more (found {MaxPerTag}).");
        }

        Range(nameof(ExplorationShare), ExplorationShare, 0, 1);
        if (NewVideoWindow < TimeSpan.Zero)
        {
            errors.Add($"{nameof(NewVideoWindow)} must not be negative (found {NewVideoWindow}).");
        }

        if (NewVideoImpressions < 0)
        {
            errors.Add($"{nameof(NewVideoImpressions)} must not be negative (found {NewVideoImpressions}).");
        }

        Range(nameof(ExplorationEpsilon), ExplorationEpsilon, 0, 1);
        Range(nameof(PriorClickThroughRate), PriorClickThroughRate, 1e-6, 1);
        Range(nameof(PriorCompletionRate), PriorCompletionRate, 1e-6, 1);
        return errors;
    }

    /// <summary>Throws when <see cref="Validate"/> finds a problem.</summary>
    /// <exception cref="ArgumentException">Every problem, one per line.</exception>
    public RerankOptions EnsureValid()
    {
        var errors = Validate();
        return errors.Count == 0 ? this : throw new ArgumentException("Invalid re-ranking settings:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
    }
}
