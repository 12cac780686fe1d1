using VideoRec.Core.Ranking;

namespace VideoRec.Core.CandidateGeneration.Activity;

/// <summary>
/// The popular, trending and fresh rankings as of one moment, precomputed from view events (in production, rebuilt
/// every few minutes from the feature store; offline, from the training interactions). Each list holds catalogue
/// indices with scores, best first, truncated to <see cref="CandidateGenerationOptions.RankedListLength"/>; the
/// generators walk them, skipping videos their request's filter refuses.
/// </summary>
public sealed class ActivitySnapshot
{
    private ActivitySnapshot(CandidateCatalogue catalogue, DateTimeOffset asOf, ScoredIndex[] popular,
        Dictionary<string, ScoredIndex[]> popularByCountry, ScoredIndex[] trending, ScoredIndex[] fresh)
    {
        Catalogue = catalogue;
        AsOf = asOf;
        Popular = popular;
        PopularByCountry = popularByCountry;
        Trending = trending;
        Fresh = fresh;
    }

    /// <summary>The videos the lists index.</summary>
    public CandidateCatalogue Catalogue { get; }

    /// <summary>The moment the windows end.</summary>
    public DateTimeOffset AsOf { get; }

    /// <summary>Views in the popular window, every viewer; score = number of views.</summary>
    public IReadOnlyList<ScoredIndex> Popular { get; }

    /// <summary>Views in the popular window by viewers of one country (upper-case ISO code); score = number of views.</summary>
    public IReadOnlyDictionary<string, ScoredIndex[]> PopularByCountry { get; }

    /// <summary>Videos whose recent views grow fastest; score defined in <see cref="TrendingScore"/>.</summary>
    public IReadOnlyList<ScoredIndex> Trending { get; }

    /// <summary>Uploads within the fresh window, newest first; score = 1 − age / window, in (0, 1].</summary>
    public IReadOnlyList<ScoredIndex> Fresh { get; }

    /// <summary>
    /// The trending score of a video: ln(1 + r) · (r + 1) / (e + 1), where r is its recent views weighted
    /// 2^(−age / half-life) over the trending window, and e the same weighted count expected had it kept its baseline
    /// rate (views per hour in the baseline window before the recent one): e = rate · h / ln 2 · (1 − 2^(−W / h)) for
    /// window W and half-life h in hours. The ratio rewards growth over the video's own past; the logarithm keeps a
    /// video with two views from outranking one with two thousand. 0 when r = 0.
    /// </summary>
    /// <param name="recentDecayed">r, the decayed recent view count.</param>
    /// <param name="baselineViews">Views in the baseline window (before the recent window).</param>
    /// <param name="options">The windows and half-life.</param>
    public static double TrendingScore(double recentDecayed, double baselineViews, CandidateGenerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (recentDecayed <= 0)
        {
            return 0;
        }

        var h = options.TrendingHalfLife.TotalHours;
        var w = options.TrendingWindow.TotalHours;
        var rate = baselineViews / (options.TrendingBaseline.TotalHours - w);
        var expected = rate * h / Math.Log(2) * (1 - Math.Pow(2, -w / h));
        return Math.Log(1 + recentDecayed) * (recentDecayed + 1) / (expected + 1);
    }

    /// <summary>Computes the lists from <paramref name="views"/> as of <paramref name="asOf"/>; later views, unknown videos, views without a video id and counts below 1 are ignored.</summary>
    /// <param name="catalogue">The videos.</param>
    /// <param name="views">View events, any order.</param>
    /// <param name="asOf">The end of every window.</param>
    /// <param name="options">Windows and list length (validated).</param>
    /// <param name="popularPrior">
    /// Views to add to each video's popular count, <c>[catalogue videos]</c> (serving adds the model bundle's training
    /// popularity as a standing prior); they count neither for trending nor as a first view for fresh. <c>null</c> for none.
    /// </param>
    /// <exception cref="ArgumentException">The options are invalid, or the prior's length is not the catalogue's.</exception>
    public static ActivitySnapshot Build(CandidateCatalogue catalogue, IEnumerable<ViewEvent> views, DateTimeOffset asOf,
        CandidateGenerationOptions options, IReadOnlyList<float>? popularPrior = null)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        ArgumentNullException.ThrowIfNull(views);
        options = (options ?? throw new ArgumentNullException(nameof(options))).EnsureValid();
        var n = catalogue.Count;
        if (popularPrior is not null && popularPrior.Count != n)
        {
            throw new ArgumentException($"The popularity prior has {popularPrior.Count} values for {n} videos.", nameof(popularPrior));
        }

        var popular = new float[n];
        for (var v = 0; popularPrior is not null && v < n; v++)
        {
            popular[v] = float.IsFinite(popularPrior[v]) && popularPrior[v] > 0 ? popularPrior[v] : 0;
        }

        var byCountry = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var recent = new double[n];
        var baseline = new double[n];
        var firstSeen = new DateTimeOffset?[n];
        var popularFrom = WindowStart(asOf, options.PopularWindow);
        var recentFrom = WindowStart(asOf, options.TrendingWindow);
        var baselineFrom = WindowStart(asOf, options.TrendingBaseline);
        var halfLifeHours = options.TrendingHalfLife.TotalHours;
        foreach (var view in views)
        {
            if (view.Timestamp > asOf || view.Count < 1 || view.VideoId is null || !catalogue.VideoIds.TryGetIndex(view.VideoId, out var v))
            {
                continue;
            }

            if (firstSeen[v] is not { } seen || view.Timestamp < seen)
            {
                firstSeen[v] = view.Timestamp;
            }

            if (view.Timestamp >= popularFrom)
            {
                popular[v] += view.Count;
                if (view.Country is { Length: > 0 } country)
                {
                    var key = country.ToUpperInvariant();
                    if (!byCountry.TryGetValue(key, out var counts))
                    {
                        byCountry[key] = counts = new float[n];
                    }

                    counts[v] += view.Count;
                }
            }

            if (view.Timestamp > recentFrom)
            {
                recent[v] += view.Count * Math.Pow(2, -(asOf - view.Timestamp).TotalHours / halfLifeHours);
            }
            else if (view.Timestamp > baselineFrom)
            {
                baseline[v] += view.Count;
            }
        }

        var trending = new float[n];
        var fresh = new float[n];
        var freshFrom = WindowStart(asOf, options.FreshWindow);
        for (var v = 0; v < n; v++)
        {
            trending[v] = (float)TrendingScore(recent[v], baseline[v], options);
            var uploaded = catalogue.Attributes(v).UploadedAt ?? firstSeen[v];
            fresh[v] = uploaded is { } at && at >= freshFrom && at <= asOf
                ? (float)(1 - (asOf - at).TotalSeconds / options.FreshWindow.TotalSeconds)
                : 0f;
        }

        var length = options.RankedListLength;
        return new ActivitySnapshot(catalogue, asOf, Ranked(popular, length),
            byCountry.ToDictionary(c => c.Key, c => Ranked(c.Value, length), StringComparer.Ordinal),
            Ranked(trending, length), Ranked(fresh, length));
    }

    /// <summary>
    /// The start of a window of <paramref name="window"/> ending at <paramref name="asOf"/>, in UTC; a window reaching
    /// back past year 1 (such as <see cref="TimeSpan.MaxValue"/>, "all history") starts at <see cref="DateTimeOffset.MinValue"/>
    /// instead of throwing.
    /// </summary>
    private static DateTimeOffset WindowStart(DateTimeOffset asOf, TimeSpan window) =>
        window.Ticks >= asOf.UtcTicks ? DateTimeOffset.MinValue : new DateTimeOffset(asOf.UtcTicks - window.Ticks, TimeSpan.Zero);

    /// <summary>Positive scores only, best first, ties by index.</summary>
    private static ScoredIndex[] Ranked(float[] scores, int length)
    {
        for (var i = 0; i < scores.Length; i++)
        {
            if (scores[i] <= 0)
            {
                scores[i] = float.NaN;
            }
        }

        return TopK.Select(scores, length);
    }

}
