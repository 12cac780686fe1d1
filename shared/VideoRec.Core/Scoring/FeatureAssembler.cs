using System.Numerics.Tensors;
using VideoRec.Core.CandidateGeneration;

namespace VideoRec.Core.Scoring;

/// <summary>
/// Fills the feature matrix <c>[candidates, features]</c> of one request in one pass over the candidates (then one
/// pass over two columns for the per-request z-scores and percentiles), into a buffer the caller owns: no allocation
/// per candidate, and none per request once the scratch buffers have grown to the largest request.
/// </summary>
/// <remarks>
/// <para>Column formulas (raw values; the model standardises them with the saved <see cref="NormalizationStats"/>):
/// <c>twotower_score</c> = u·v of the two-tower embeddings (cosine: the towers output unit vectors); <c>wals_score</c>
/// = xᵤ·yᵥ; <c>*_z</c> = (s − mean) / std over the request's candidates that have the score (0 when std = 0);
/// <c>*_percentile</c> = 1 for the best of them, 0 for the worst, evenly between (equal scores share their mean rank); <c>search_title_cosine</c> = cosine
/// of the search-history and title embeddings; <c>recent_tag_overlap</c> = ln(1 + number of the recent watches sharing
/// a tag with the video); <c>tag_affinity</c> = mean over the video's tags of the share of recent watches carrying
/// it; <c>popularity_gap</c> = the video's ln(1 + positives) minus the mean of the recent watches' (0 without recent
/// watches); <c>upload_age_gap</c> = the same for ln(1 + days since upload) (0 when either side is unknown);
/// <c>cowatch_sum</c> = Σ over the newest <see cref="ScoringFeatureSettings.CoWatchWatches"/> watches r of s(r, video)
/// when the video is among r's co-watch neighbours (<see cref="CoWatchNeighbours"/>), <c>cowatch_mean</c> = that sum /
/// the number of those watches, <c>cowatch_max</c> = the largest such s (all 0 and <c>cowatch_missing</c> = 1 without
/// lists or watches), <c>cowatch_sum_z</c> and <c>cowatch_sum_percentile</c> = the sum's per-request z-score and
/// percentile (<see cref="ScoringFeatureSettings.CoWatchNormalized"/>; 0 when missing);
/// <c>reciprocal_rank_s</c> = 1 / (1 + rank in source s's list); <c>fused_score</c> = the merger's fused score × 60
/// (one first place = 1); <c>merged_log_position</c> = ln(1 + position).</para>
/// <para>Missing inputs (no vector, unknown video, no profile) take the defaults described on
/// <see cref="ScoringFeatures"/> and set their indicator; NaN and infinite inputs count as missing, finite ones are
/// clamped to ±<see cref="FeatureValues.Limit"/>, so every value written is finite.</para>
/// <para>Not thread-safe (it owns scratch buffers): use one per thread; the <see cref="VideoFeatureTable"/> can be shared.</para>
/// </remarks>
public sealed class FeatureAssembler
{
    private readonly VideoFeatureTable _videos;
    private readonly ScoringFeatures _layout;
    private readonly float[] _user;
    private readonly int[] _tagCounts;
    private readonly int[] _recent;
    private readonly string[] _sources;
    private readonly int _features;
    private readonly int _tt, _ttZ, _ttPct, _ttMissing, _wals, _walsZ, _walsPct, _walsMissing, _search, _searchMissing;
    private readonly int _langMatch, _langUnknown, _region, _overlap, _affinity, _popularityGap, _ageGap, _fused, _position;
    private readonly bool _coWatch;
    private readonly int _coSumColumn, _coMeanColumn, _coMaxColumn, _coMissingColumn, _coZColumn = -1, _coPercentileColumn = -1;
    private readonly float[] _coSum = [];
    private readonly float[] _coMax = [];
    private int[] _coTouched = [];
    private int _coTouchedCount;
    private float _recentLogPositives;
    private float _recentLogAge;
    private readonly int[] _proposed, _reciprocal;
    private int[] _videoIndex = new int[1024];
    private float[] _keys = new float[1024];
    private int[] _order = new int[1024];

    /// <summary>An assembler over <paramref name="videos"/> (and its layout).</summary>
    public FeatureAssembler(VideoFeatureTable videos)
    {
        _videos = videos ?? throw new ArgumentNullException(nameof(videos));
        _layout = videos.Layout;
        _features = _layout.Count;
        _user = new float[_layout.Blocks.Where(b => b.Group == FeatureGroup.User).Sum(b => b.Width)];
        _tagCounts = new int[Math.Max(1, videos.Tags)];
        _recent = new int[Math.Max(_layout.Settings.RecentWatches, _layout.Settings.CoWatch ? _layout.Settings.CoWatchWatches : 0)];
        _sources = [.. _layout.Settings.Sources];
        (_tt, _ttZ, _ttPct, _ttMissing) = (At("twotower_score"), At("twotower_score_z"), At("twotower_score_percentile"), At("twotower_score_missing"));
        (_wals, _walsZ, _walsPct, _walsMissing) = (At("wals_score"), At("wals_score_z"), At("wals_score_percentile"), At("wals_score_missing"));
        (_search, _searchMissing) = (At("search_title_cosine"), At("search_title_missing"));
        (_langMatch, _langUnknown, _region) = (At("language_match"), At("language_unknown"), At("region_allowed"));
        (_overlap, _affinity, _fused, _position) = (At("recent_tag_overlap"), At("tag_affinity"), At("fused_score"), At("merged_log_position"));
        (_popularityGap, _ageGap) = (At("popularity_gap"), At("upload_age_gap"));
        _coWatch = _layout.Settings.CoWatch;
        if (_coWatch)
        {
            (_coSumColumn, _coMeanColumn, _coMaxColumn, _coMissingColumn) = (At("cowatch_sum"), At("cowatch_mean"), At("cowatch_max"), At("cowatch_missing"));
            _coSum = new float[videos.Count];
            _coMax = new float[videos.Count];
            _coTouched = new int[videos.Count]; // each video is listed once, when first touched
            if (_layout.Settings.CoWatchNormalized)
            {
                (_coZColumn, _coPercentileColumn) = (At("cowatch_sum_z"), At("cowatch_sum_percentile"));
            }
        }

        _proposed = [.. _sources.Select(s => At("proposed_by_" + s))];
        _reciprocal = [.. _sources.Select(s => At("reciprocal_rank_" + s))];
    }

    /// <summary>The layout of the rows.</summary>
    public ScoringFeatures Layout => _layout;

    /// <summary>The video feature cache it reads.</summary>
    public VideoFeatureTable Videos => _videos;

    /// <summary>Columns per row.</summary>
    public int Features => _features;

    /// <summary>Writes one row per candidate into <paramref name="rows"/>, <c>[candidates, features]</c> row-major.</summary>
    /// <param name="user">The request's user.</param>
    /// <param name="candidates">The merged candidates, in any order; videos the table lacks get the unknown-video defaults.</param>
    /// <param name="rows">At least candidates × <see cref="Features"/> floats; only that prefix is written.</param>
    /// <exception cref="ArgumentException"><paramref name="rows"/> is too short.</exception>
    public void Assemble(ScoringUser user, IReadOnlyList<MergedCandidate> candidates, Span<float> rows)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(candidates);
        var n = candidates.Count;
        if (rows.Length < (long)n * _features)
        {
            throw new ArgumentException($"The buffer holds {rows.Length} floats; {n} candidates × {_features} features need {(long)n * _features}.", nameof(rows));
        }

        Grow(n);
        ClearCoWatch(); // normally clean already; not after a request that threw midway
        WriteUser(user);
        var read = ReadRecent(user);
        var recent = Math.Min(read, _layout.Settings.RecentWatches);
        var history = _coWatch ? Math.Min(read, _layout.Settings.CoWatchWatches) : 0;
        var coWatch = _coWatch && _videos.HasCoWatch && history > 0;
        if (coWatch)
        {
            AccumulateCoWatch(history);
        }

        var userTt = user.TwoTower.Span;
        var hasUserTt = _videos.TwoTowerDimensions > 0 && userTt.Length == _videos.TwoTowerDimensions && FeatureValues.Usable(userTt);
        var userWals = user.Wals.Span;
        var hasUserWals = _videos.WalsFactors > 0 && userWals.Length == _videos.WalsFactors && FeatureValues.Usable(userWals);
        var search = user.SearchEmbedding.Span;
        var searchNorm = _videos.TextDimensions > 0 && search.Length == _videos.TextDimensions && FeatureValues.Usable(search) ? TensorPrimitives.Norm(search) : 0f;
        var language = string.IsNullOrWhiteSpace(user.Language) ? null : user.Language;

        for (var i = 0; i < n; i++)
        {
            var candidate = candidates[i];
            var row = rows.Slice(i * _features, _features);
            _user.CopyTo(row);
            var v = candidate?.VideoId is { } id ? _videos.IndexOf(id) : -1;
            _videoIndex[i] = v;
            _videos.Block(v).CopyTo(row[_videos.BlockOffset..]);
            row[_videos.BlockOffset.._features].Slice(_videos.BlockWidth).Clear();

            Score(row, hasUserTt ? userTt : default, _videos.TwoTower(v), _tt, _ttMissing);
            Score(row, hasUserWals ? userWals : default, _videos.Wals(v), _wals, _walsMissing);

            var title = _videos.Title(v);
            var cosine = searchNorm > 0 && !title.IsEmpty ? TensorPrimitives.Dot(search, title) / (searchNorm * Math.Max(_videos.TitleNorm(v), 1e-12f)) : float.NaN;
            row[_search] = FeatureValues.Clean(cosine);
            row[_searchMissing] = float.IsFinite(cosine) ? 0 : 1;

            var videoLanguage = _videos.Language(v);
            var known = language is not null && videoLanguage is not null;
            row[_langUnknown] = known ? 0 : 1;
            row[_langMatch] = known && LanguagesMatch(language!, videoLanguage!) ? 1 : 0;
            row[_region] = _videos.AllowedIn(v, user.Country) ? 1 : 0;
            TagFeatures(row, v, recent);
            if (_coWatch)
            {
                var sum = coWatch && v >= 0 ? _coSum[v] : 0f;
                row[_coSumColumn] = Bounded(sum);
                row[_coMeanColumn] = coWatch ? Bounded(sum / history) : 0f;
                row[_coMaxColumn] = coWatch && v >= 0 ? Bounded(_coMax[v]) : 0f;
                row[_coMissingColumn] = coWatch ? 0 : 1;
            }

            if (recent > 0)
            {
                row[_popularityGap] = FeatureValues.Clean(_videos.LogPositives(v) - _recentLogPositives);
                row[_ageGap] = FeatureValues.Clean(_videos.LogUploadAgeDays(v) - _recentLogAge);
            }

            if (candidate is not null)
            {
                var provenance = candidate.Sources;
                for (var k = 0; k < provenance.Count; k++)
                {
                    var p = provenance[k];
                    var s = Array.IndexOf(_sources, p.Source);
                    if (s >= 0 && p.Rank >= 0)
                    {
                        row[_proposed[s]] = 1;
                        row[_reciprocal[s]] = 1f / (1 + p.Rank);
                    }
                }

                row[_fused] = FeatureValues.Clean(candidate.FusedScore * CandidateMerger.FusionOffset);
                row[_position] = FeatureValues.Log1p(candidate.Position);
            }
        }

        Standardise(rows, n, _tt, _ttMissing, _ttZ, _ttPct);
        Standardise(rows, n, _wals, _walsMissing, _walsZ, _walsPct);
        if (_coZColumn >= 0)
        {
            Standardise(rows, n, _coSumColumn, _coMissingColumn, _coZColumn, _coPercentileColumn);
        }

        ClearCoWatch();
    }

    /// <summary>Zeroes the co-watch accumulators the last accumulation touched.</summary>
    private void ClearCoWatch()
    {
        for (var t = 0; t < _coTouchedCount; t++)
        {
            _coSum[_coTouched[t]] = 0;
            _coMax[_coTouched[t]] = 0;
        }

        _coTouchedCount = 0;
    }

    /// <summary>A co-watch sum clamped to ±<see cref="FeatureValues.Limit"/> (large finite weights can add up to an infinity); 0 for NaN.</summary>
    private static float Bounded(float x) => float.IsNaN(x) ? 0f : Math.Clamp(x, -FeatureValues.Limit, FeatureValues.Limit);

    /// <summary>Adds each of the first <paramref name="history"/> watches' co-watch similarities onto its neighbours (sum and max), remembering which it touched.</summary>
    private void AccumulateCoWatch(int history)
    {
        for (var r = 0; r < history; r++)
        {
            var neighbours = _videos.CoWatch(_recent[r]);
            var weights = _videos.CoWatchWeights(_recent[r]);
            for (var k = 0; k < neighbours.Length; k++)
            {
                var j = neighbours[k];
                var w = weights[k];
                if (w == 0)
                {
                    // Adds nothing, and would leave the accumulators at 0: the video would be listed again on its next
                    // visit, overflowing _coTouched (one slot per video) and, with the count past its end, every later ClearCoWatch.
                    continue;
                }

                if (_coSum[j] == 0 && _coMax[j] == 0)
                {
                    _coTouched[_coTouchedCount++] = j;
                }

                _coSum[j] += w;
                if (w > _coMax[j])
                {
                    _coMax[j] = w;
                }
            }
        }
    }

    private int At(string name) => _layout.Offset(name);

    private void Grow(int n)
    {
        if (_videoIndex.Length < n)
        {
            var size = Math.Max(n, _videoIndex.Length * 2);
            _videoIndex = new int[size];
            _keys = new float[size];
            _order = new int[size];
        }
    }

    private void WriteUser(ScoringUser user)
    {
        var row = _user.AsSpan();
        row.Clear();
        var settings = _layout.Settings;
        var d = settings.TwoTowerDimensions;
        var missing = true;
        if (d > 0 && user.TwoTower.Length == d)
        {
            missing = !FeatureValues.CopyClean(user.TwoTower.Span, row.Slice(At("user_twotower_embedding"), d));
            if (missing)
            {
                row.Slice(At("user_twotower_embedding"), d).Clear();
            }
        }

        if (d == 0)
        {
            missing = !(_videos.TwoTowerDimensions > 0 && user.TwoTower.Length == _videos.TwoTowerDimensions && FeatureValues.Usable(user.TwoTower.Span));
        }

        row[At("user_twotower_missing")] = missing ? 1 : 0;
        row[At("user_age") + settings.AgeYears.Of(user.Profile?.Age is > 0 and < 130 ? user.Profile.Age : null)] = 1;
        var gender = user.Profile?.Gender?.Trim();
        var g = string.IsNullOrEmpty(gender) ? 3 : gender.Equals("F", StringComparison.OrdinalIgnoreCase) ? 0 : gender.Equals("M", StringComparison.OrdinalIgnoreCase) ? 1 : 2;
        row[At("user_gender") + g] = 1;
        var history = Math.Max(0, user.HistoryLength);
        row[At("user_history_length") + settings.HistoryLength.Of(history)] = 1;
        row[At("user_log_history")] = FeatureValues.Log1p(history);
    }

    /// <summary>
    /// Looks up the watches (the first known ones, as many as the larger of the tag and co-watch histories); fills the tag
    /// histogram and the popularity and age means from the first <see cref="ScoringFeatureSettings.RecentWatches"/> of
    /// them; returns how many are known.
    /// </summary>
    private int ReadRecent(ScoringUser user)
    {
        Array.Clear(_tagCounts);
        var count = 0;
        var tagged = _layout.Settings.RecentWatches;
        var watches = user.RecentWatches ?? [];
        for (var i = 0; i < watches.Count && count < _recent.Length; i++)
        {
            var v = watches[i] is null ? -1 : _videos.IndexOf(watches[i]);
            if (v < 0)
            {
                continue;
            }

            if (count < tagged)
            {
                foreach (var t in _videos.TagIds(v))
                {
                    _tagCounts[t]++;
                }
            }

            _recent[count++] = v;
        }

        tagged = Math.Min(count, tagged);
        double positives = 0, ages = 0;
        var aged = 0;
        for (var r = 0; r < tagged; r++)
        {
            positives += _videos.LogPositives(_recent[r]);
            var age = _videos.LogUploadAgeDays(_recent[r]);
            if (float.IsFinite(age))
            {
                ages += age;
                aged++;
            }
        }

        _recentLogPositives = tagged == 0 ? 0 : (float)(positives / tagged);
        _recentLogAge = aged == 0 ? float.NaN : (float)(ages / aged);
        return count;
    }

    private void TagFeatures(Span<float> row, int v, int recent)
    {
        var tags = _videos.TagIds(v);
        if (recent == 0 || tags.IsEmpty)
        {
            return;
        }

        var sharing = 0;
        for (var r = 0; r < recent; r++)
        {
            if (Intersects(tags, _videos.TagIds(_recent[r])))
            {
                sharing++;
            }
        }

        var affinity = 0.0;
        foreach (var t in tags)
        {
            affinity += (double)_tagCounts[t] / recent;
        }

        row[_overlap] = FeatureValues.Log1p(sharing);
        row[_affinity] = (float)(affinity / tags.Length);
    }

    private static bool Intersects(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        int i = 0, j = 0;
        while (i < a.Length && j < b.Length)
        {
            if (a[i] == b[j])
            {
                return true;
            }

            if (a[i] < b[j])
            {
                i++;
            }
            else
            {
                j++;
            }
        }

        return false;
    }

    private static void Score(Span<float> row, ReadOnlySpan<float> user, ReadOnlySpan<float> video, int column, int missingColumn)
    {
        var s = !user.IsEmpty && !video.IsEmpty ? TensorPrimitives.Dot(user, video) : float.NaN;
        row[column] = FeatureValues.Clean(s);
        row[missingColumn] = float.IsFinite(s) ? 0 : 1;
    }

    /// <summary>Per-request z-score and percentile of a score column over the candidates that have it.</summary>
    private void Standardise(Span<float> rows, int n, int column, int missingColumn, int zColumn, int percentileColumn)
    {
        var present = 0;
        var sum = 0.0;
        for (var i = 0; i < n; i++)
        {
            var row = rows.Slice(i * _features, _features);
            if (row[missingColumn] == 0)
            {
                _keys[present] = -row[column];
                _order[present] = i;
                sum += row[column];
                present++;
            }
        }

        if (present == 0)
        {
            return;
        }

        var mean = sum / present;
        var squares = 0.0;
        for (var p = 0; p < present; p++)
        {
            var x = -_keys[p] - mean;
            squares += x * x;
        }

        var std = Math.Sqrt(squares / present);
        for (var p = 0; p < present; p++)
        {
            rows[_order[p] * _features + zColumn] = std > 1e-9 ? FeatureValues.Clean((-_keys[p] - mean) / std) : 0f;
        }

        Array.Sort(_keys, _order, 0, present);
        for (var start = 0; start < present;)
        {
            // Equal scores (common for co-watch sums: every candidate no watch lists sums to 0) share their mean rank;
            // the unstable sort would otherwise spread them over arbitrary percentiles.
            var end = start + 1;
            while (end < present && _keys[end] == _keys[start])
            {
                end++;
            }

            var percentile = present == 1 ? 1f : 1f - (float)((start + end - 1) / 2.0 / (present - 1));
            for (var p = start; p < end; p++)
            {
                rows[_order[p] * _features + percentileColumn] = percentile;
            }

            start = end;
        }
    }

    private static bool LanguagesMatch(string a, string b)
    {
        var ia = a.IndexOf('-');
        var ib = b.IndexOf('-');
        return a.AsSpan(0, ia < 0 ? a.Length : ia).Equals(b.AsSpan(0, ib < 0 ? b.Length : ib), StringComparison.OrdinalIgnoreCase);
    }
}
