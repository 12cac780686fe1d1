namespace VideoRec.Core.Scoring;

/// <summary>
/// The video side of the scoring features, computed once per catalogue snapshot and looked up by id per request (the
/// cache of video features: in production rebuilt from the feature store's bulk reads every few minutes, like the
/// activity snapshot; offline built from the training part). Holds each video's ready-made video block (raw values),
/// its WALS factors, two-tower and title embeddings for the cross features, and its tags, language and regions.
/// </summary>
/// <remarks>Vectors with a wrong length or a non-finite value count as missing. Read-only after construction: safe to share between threads.</remarks>
public sealed class VideoFeatureTable
{
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly float[] _blocks;
    private readonly float[] _default;
    private readonly float[] _twoTower;
    private readonly bool[] _hasTwoTower;
    private readonly float[] _wals;
    private readonly bool[] _hasWals;
    private readonly float[] _titles;
    private readonly bool[] _hasTitle;
    private readonly float[] _titleNorms;
    private readonly int[][] _tags;
    private readonly float[] _logAgeDays;
    private readonly int _positivesColumn;
    private readonly string?[] _languages;
    private readonly IReadOnlyList<string>[] _regions;
    private readonly int[] _coOffsets;
    private readonly int[] _coNeighbours;
    private readonly float[] _coWeights;

    /// <summary>Builds the table.</summary>
    /// <param name="layout">The feature layout.</param>
    /// <param name="videos">The videos (distinct ids).</param>
    /// <param name="now">The time upload ages are measured at.</param>
    /// <param name="walsFactors">Width of the WALS vectors (0 without WALS).</param>
    /// <param name="textDimensions">Width of title and search embeddings (0 without text).</param>
    /// <param name="twoTowerDimensions">Width of the two-tower embeddings the <c>twotower_score</c> reads; <c>null</c> takes the
    /// layout's embedding width. It may be set when the layout leaves the raw embeddings out (width 0) but the score is wanted.</param>
    /// <param name="coWatch">Co-watch neighbour lists for the <c>cowatch_*</c> features (re-indexed onto
    /// <paramref name="videos"/>; neighbours outside it are dropped); <c>null</c> when there are none (the features then
    /// take their missing defaults).</param>
    /// <exception cref="ArgumentException">Two videos share an id, a width is negative, or the layout's embedding width is neither 0 nor <paramref name="twoTowerDimensions"/>.</exception>
    public VideoFeatureTable(ScoringFeatures layout, IReadOnlyList<VideoScoringInput> videos, DateTimeOffset now, int walsFactors, int textDimensions, int? twoTowerDimensions = null,
        CoWatchNeighbours? coWatch = null)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(videos);
        ArgumentOutOfRangeException.ThrowIfNegative(walsFactors);
        ArgumentOutOfRangeException.ThrowIfNegative(textDimensions);
        Layout = layout;
        WalsFactors = walsFactors;
        TextDimensions = textDimensions;
        var video = layout.Blocks.Where(b => b.Group == FeatureGroup.Video).ToArray();
        BlockOffset = video[0].Offset;
        BlockWidth = video.Sum(b => b.Width);
        var n = videos.Count;
        var blockDimensions = layout.Settings.TwoTowerDimensions;
        var d = twoTowerDimensions ?? blockDimensions;
        ArgumentOutOfRangeException.ThrowIfNegative(d, nameof(twoTowerDimensions));
        if (blockDimensions != 0 && blockDimensions != d)
        {
            throw new ArgumentException($"The layout's two-tower embedding blocks are {blockDimensions} wide; the vectors are {d}.", nameof(twoTowerDimensions));
        }

        TwoTowerDimensions = d;
        _blocks = new float[n * BlockWidth];
        _twoTower = new float[n * d];
        _hasTwoTower = new bool[n];
        _wals = new float[n * walsFactors];
        _hasWals = new bool[n];
        _titles = new float[n * textDimensions];
        _hasTitle = new bool[n];
        _titleNorms = new float[n];
        _tags = new int[n][];
        _logAgeDays = new float[n];
        _languages = new string?[n];
        _regions = new IReadOnlyList<string>[n];
        var tagIds = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        _positivesColumn = layout.Offset("video_log_positives") - BlockOffset;
        _default = new float[BlockWidth];
        WriteDefaults(_default);
        for (var v = 0; v < n; v++)
        {
            var input = videos[v] ?? throw new ArgumentException($"Video {v} is null.", nameof(videos));
            if (!_index.TryAdd(input.Id, v))
            {
                throw new ArgumentException($"The video '{input.Id}' appears twice.", nameof(videos));
            }

            var block = _blocks.AsSpan(v * BlockWidth, BlockWidth);
            _default.CopyTo(block);
            _hasTwoTower[v] = d > 0 && input.TwoTower.Length == d && FeatureValues.Usable(input.TwoTower.Span);
            if (_hasTwoTower[v])
            {
                input.TwoTower.Span.CopyTo(_twoTower.AsSpan(v * d, d));
                if (blockDimensions > 0)
                {
                    input.TwoTower.Span.CopyTo(block.Slice(Local("video_twotower_embedding"), d));
                }

                block[Local("video_twotower_missing")] = 0;
            }

            _hasWals[v] = walsFactors > 0 && input.Wals.Length == walsFactors && FeatureValues.Usable(input.Wals.Span);
            if (_hasWals[v])
            {
                input.Wals.Span.CopyTo(_wals.AsSpan(v * walsFactors, walsFactors));
            }

            _hasTitle[v] = textDimensions > 0 && input.Title.Length == textDimensions && FeatureValues.Usable(input.Title.Span);
            if (_hasTitle[v])
            {
                input.Title.Span.CopyTo(_titles.AsSpan(v * textDimensions, textDimensions));
                _titleNorms[v] = System.Numerics.Tensors.TensorPrimitives.Norm(input.Title.Span);
            }

            var catalogue = input.Catalogue;
            _tags[v] = [.. (catalogue?.Tags ?? []).Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => tagIds.TryGetValue(t, out var id) ? id : tagIds[t] = tagIds.Count).Distinct().Order()];
            _languages[v] = string.IsNullOrWhiteSpace(catalogue?.Language) ? null : catalogue.Language;
            _regions[v] = catalogue?.AllowedRegions ?? [];
            OneHot(block, "video_duration", layout.Settings.DurationSeconds.Of(catalogue?.DurationSeconds is > 0 ? catalogue.DurationSeconds : null));
            block[Local("video_language_missing")] = _languages[v] is null ? 1 : 0;
            double? ageDays = catalogue?.UploadedAt is { } at ? Math.Max(0, (now - at).TotalDays) : null;
            OneHot(block, "video_upload_age", layout.Settings.UploadAgeDays.Of(ageDays));
            _logAgeDays[v] = ageDays is { } days && double.IsFinite(days) ? FeatureValues.Log1p(days) : float.NaN;
            var a = input.Activity;
            block[Local("video_log_views")] = FeatureValues.Log1p(a.Views);
            if (a.Impressions > 0)
            {
                block[Local("video_ctr")] = FeatureValues.Clean(Math.Clamp((double)a.Clicks / a.Impressions, 0, 1));
                block[Local("video_ctr_missing")] = 0;
            }

            var watched = a.CompletionViews ?? a.Views;
            if (watched > 0)
            {
                block[Local("video_completion_rate")] = FeatureValues.Clean(Math.Clamp((double)a.Completions / watched, 0, 1));
                block[Local("video_completion_missing")] = 0;
            }

            block[Local("video_log_positives")] = FeatureValues.Log1p(a.Positives);
            block[Local("video_log_trending")] = FeatureValues.Log1p(a.Trending);
        }

        Tags = tagIds.Count;
        (_coOffsets, _coNeighbours, _coWeights) = IndexCoWatch(coWatch, n);
        HasCoWatch = coWatch is not null;
    }

    /// <summary>Whether co-watch neighbour lists were given.</summary>
    public bool HasCoWatch { get; }

    /// <summary>Video <paramref name="video"/>'s co-watch neighbours (indices into this table), best first; empty for -1.</summary>
    public ReadOnlySpan<int> CoWatch(int video) => video < 0 ? default : _coNeighbours.AsSpan(_coOffsets[video], _coOffsets[video + 1] - _coOffsets[video]);

    /// <summary>Their similarities, aligned with <see cref="CoWatch"/>.</summary>
    public ReadOnlySpan<float> CoWatchWeights(int video) => video < 0 ? default : _coWeights.AsSpan(_coOffsets[video], _coOffsets[video + 1] - _coOffsets[video]);

    private (int[] Offsets, int[] Neighbours, float[] Weights) IndexCoWatch(CoWatchNeighbours? coWatch, int n)
    {
        var offsets = new int[n + 1];
        if (coWatch is null)
        {
            return (offsets, [], []);
        }

        var map = new int[coWatch.Count];
        for (var i = 0; i < map.Length; i++)
        {
            map[i] = IndexOf(coWatch.Ids[i]);
        }

        var neighbours = new List<int>(coWatch.Entries);
        var weights = new List<float>(coWatch.Entries);
        var source = new int[n];
        Array.Fill(source, -1);
        for (var i = 0; i < map.Length; i++)
        {
            if (map[i] >= 0)
            {
                source[map[i]] = i;
            }
        }

        for (var v = 0; v < n; v++)
        {
            if (source[v] >= 0)
            {
                var list = coWatch.Neighbours(source[v]);
                var w = coWatch.Weights(source[v]);
                for (var k = 0; k < list.Length; k++)
                {
                    if (map[list[k]] >= 0 && float.IsFinite(w[k]))
                    {
                        neighbours.Add(map[list[k]]);
                        weights.Add(w[k]);
                    }
                }
            }

            offsets[v + 1] = neighbours.Count;
        }

        return (offsets, [.. neighbours], [.. weights]);
    }

    /// <summary>The layout the blocks follow.</summary>
    public ScoringFeatures Layout { get; }

    /// <summary>Number of videos.</summary>
    public int Count => _tags.Length;

    /// <summary>Number of distinct tags (tag ids are 0 to <see cref="Tags"/> − 1).</summary>
    public int Tags { get; }

    /// <summary>Width of the two-tower vectors the score reads (0 without them).</summary>
    public int TwoTowerDimensions { get; }

    /// <summary>Width of the WALS vectors.</summary>
    public int WalsFactors { get; }

    /// <summary>Width of the title embeddings.</summary>
    public int TextDimensions { get; }

    /// <summary>First column of the video group in a row.</summary>
    public int BlockOffset { get; }

    /// <summary>Columns of the video group.</summary>
    public int BlockWidth { get; }

    /// <summary>The index of <paramref name="videoId"/>, or −1 when the table does not hold it.</summary>
    public int IndexOf(string videoId) => _index.TryGetValue(videoId, out var v) ? v : -1;

    /// <summary>The video group of video <paramref name="video"/> (raw values), or of an unknown video for −1.</summary>
    public ReadOnlySpan<float> Block(int video) => video < 0 ? _default : _blocks.AsSpan(video * BlockWidth, BlockWidth);

    /// <summary>The two-tower embedding of video <paramref name="video"/>, empty when missing.</summary>
    public ReadOnlySpan<float> TwoTower(int video)
    {
        var d = TwoTowerDimensions;
        return video >= 0 && _hasTwoTower[video] ? _twoTower.AsSpan(video * d, d) : default;
    }

    /// <summary>The WALS factors of video <paramref name="video"/>, empty when missing.</summary>
    public ReadOnlySpan<float> Wals(int video) => video >= 0 && _hasWals[video] ? _wals.AsSpan(video * WalsFactors, WalsFactors) : default;

    /// <summary>The title embedding of video <paramref name="video"/>, empty when missing.</summary>
    public ReadOnlySpan<float> Title(int video) => video >= 0 && _hasTitle[video] ? _titles.AsSpan(video * TextDimensions, TextDimensions) : default;

    /// <summary>The L2 norm of the title embedding of video <paramref name="video"/> (0 when missing).</summary>
    public float TitleNorm(int video) => video >= 0 ? _titleNorms[video] : 0f;

    /// <summary>The tag ids of video <paramref name="video"/>, ascending.</summary>
    public ReadOnlySpan<int> TagIds(int video) => video >= 0 ? _tags[video] : default;

    /// <summary>ln(1 + days since upload) of video <paramref name="video"/>; NaN when unknown.</summary>
    public float LogUploadAgeDays(int video) => video >= 0 ? _logAgeDays[video] : float.NaN;

    /// <summary>ln(1 + relevant pairs) of video <paramref name="video"/> (its <c>video_log_positives</c>); 0 for an unknown video.</summary>
    public float LogPositives(int video) => Block(video)[_positivesColumn];

    /// <summary>The main language of video <paramref name="video"/>; <c>null</c> when unknown.</summary>
    public string? Language(int video) => video >= 0 ? _languages[video] : null;

    /// <summary>Whether video <paramref name="video"/> may be shown in <paramref name="country"/> (unknown videos and countries: yes).</summary>
    public bool AllowedIn(int video, string? country)
    {
        if (video < 0 || country is null)
        {
            return true;
        }

        var regions = _regions[video];
        if (regions.Count == 0)
        {
            return true;
        }

        for (var i = 0; i < regions.Count; i++)
        {
            if (string.Equals(regions[i], country, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private int Local(string block) => Layout.Offset(block) - BlockOffset;

    private void OneHot(Span<float> block, string name, int bucket)
    {
        var b = Layout[name];
        block.Slice(b.Offset - BlockOffset, b.Width).Clear();
        block[b.Offset - BlockOffset + bucket] = 1;
    }

    /// <summary>The video group of a video nobody knows anything about: missing indicators set, missing buckets hot, the rest 0.</summary>
    private void WriteDefaults(Span<float> block)
    {
        block.Clear();
        block[Local("video_twotower_missing")] = 1;
        OneHot(block, "video_duration", 0);
        block[Local("video_language_missing")] = 1;
        OneHot(block, "video_upload_age", 0);
        block[Local("video_ctr_missing")] = 1;
        block[Local("video_completion_missing")] = 1;
    }
}
