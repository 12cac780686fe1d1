using System.Globalization;
using VideoRec.Core.Domain;

namespace VideoRec.Core.Online;

/// <summary>
/// Online metrics of served lists and the events attributed to them (design, "Evaluation: online metrics"), per group of
/// model version, experiment arm, candidate source and position: impressions, clicks, CTR with its Wilson interval,
/// completions and completion rate, total and mean watch time, likes and dislikes per 1,000 impressions, and the
/// coverage and intra-list diversity of what was served. The unit is the shown item (one video in one list): repeated
/// clicks or likes on it count once; watch seconds add up.
/// </summary>
public static class OnlineMetrics
{
    /// <summary>The value of the source dimension for an item no source is recorded for.</summary>
    public const string NoSource = "(none)";

    /// <summary>Computes one row per group, ordered by the group's values (positions numerically).</summary>
    /// <param name="impressions">The served lists.</param>
    /// <param name="attributed">The events attributed to them (<see cref="Attributor"/>).</param>
    /// <param name="groupBy">Dimensions to group by, in order; empty for one overall row.</param>
    /// <param name="context">Durations, completion fraction, catalogue size, dissimilarity.</param>
    public static IReadOnlyList<OnlineMetricsRow> Compute(IEnumerable<Impression> impressions, IEnumerable<AttributedEvent> attributed,
        IReadOnlyList<MetricsDimension> groupBy, MetricsContext context)
    {
        ArgumentNullException.ThrowIfNull(impressions);
        ArgumentNullException.ThrowIfNull(attributed);
        ArgumentNullException.ThrowIfNull(groupBy);
        ArgumentNullException.ThrowIfNull(context);
        var outcomes = new Dictionary<(string Request, string Video), Outcome>();
        foreach (var a in attributed)
        {
            var key = (a.Impression.RequestId, a.Item.VideoId);
            outcomes.TryGetValue(key, out var o);
            switch (a.Event.Type)
            {
                case InteractionType.Click:
                    o.Clicked = true;
                    break;
                case InteractionType.Watch:
                    o.Clicked = true;
                    o.WatchSeconds += a.Event.Seconds ?? 0;
                    break;
                case InteractionType.Like:
                    o.Liked = true;
                    break;
                case InteractionType.Dislike:
                    o.Disliked = true;
                    break;
            }

            outcomes[key] = o;
        }

        var groups = new Dictionary<string, Accumulator>(StringComparer.Ordinal);
        var seenRequests = new HashSet<string>(StringComparer.Ordinal);
        foreach (var impression in impressions)
        {
            if (!seenRequests.Add(impression.RequestId))
            {
                continue;
            }

            var itemsByGroup = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var item in impression.Items)
            {
                outcomes.TryGetValue((impression.RequestId, item.VideoId), out var o);
                var completed = o.WatchSeconds > 0 && context.DurationSeconds(item.VideoId) is { } duration && duration > 0 &&
                    o.WatchSeconds >= context.CompletionFraction * duration;
                foreach (var values in Keys(impression, item, groupBy))
                {
                    var key = string.Join("\u001f", values);
                    if (!groups.TryGetValue(key, out var acc))
                    {
                        groups[key] = acc = new Accumulator(values);
                    }

                    acc.Add(item.VideoId, o, completed);
                    if (!itemsByGroup.TryGetValue(key, out var list))
                    {
                        itemsByGroup[key] = list = [];
                        acc.Requests++;
                    }

                    list.Add(item.VideoId);
                }
            }

            if (context.Dissimilarity is { } dissimilarity)
            {
                foreach (var (key, videos) in itemsByGroup)
                {
                    if (videos.Count >= 2)
                    {
                        groups[key].AddList(MeanPairwise(videos, dissimilarity));
                    }
                }
            }
        }

        var names = groupBy.Select(MetricsDimensions.Name).ToArray();
        return groups.Values
            .OrderBy(g => g.Values, ValuesComparer.Instance)
            .Select(g => g.ToRow(names, context))
            .ToArray();
    }

    /// <summary>Mean of d(a, b) over the unordered pairs of <paramref name="videos"/> (at least two).</summary>
    public static double MeanPairwise(IReadOnlyList<string> videos, Func<string, string, double> dissimilarity)
    {
        ArgumentNullException.ThrowIfNull(videos);
        ArgumentNullException.ThrowIfNull(dissimilarity);
        var sum = 0.0;
        var pairs = 0;
        for (var i = 0; i < videos.Count; i++)
        {
            for (var j = i + 1; j < videos.Count; j++)
            {
                sum += dissimilarity(videos[i], videos[j]);
                pairs++;
            }
        }

        return pairs == 0 ? double.NaN : sum / pairs;
    }

    private static IEnumerable<string[]> Keys(Impression impression, ImpressionItem item, IReadOnlyList<MetricsDimension> groupBy)
    {
        IEnumerable<string[]> keys = [[]];
        foreach (var dimension in groupBy)
        {
            IReadOnlyList<string> values = dimension switch
            {
                MetricsDimension.ModelVersion => [impression.ModelVersion],
                MetricsDimension.Arm => [impression.Arm],
                MetricsDimension.Position => [item.Position.ToString(CultureInfo.InvariantCulture)],
                _ => item.Sources.Count == 0 ? [NoSource] : item.Sources.Distinct(StringComparer.Ordinal).ToArray(),
            };
            keys = keys.SelectMany(k => values.Select(v => (string[])[.. k, v])).ToArray();
        }

        return keys;
    }

    private struct Outcome
    {
        public bool Clicked;
        public double WatchSeconds;
        public bool Liked;
        public bool Disliked;
    }

    private sealed class Accumulator(string[] values)
    {
        private readonly HashSet<string> _videos = new(StringComparer.Ordinal);
        private long _impressions;
        private long _clicks;
        private long _completions;
        private long _likes;
        private long _dislikes;
        private double _watch;
        private double _diversitySum;
        private int _lists;

        public string[] Values { get; } = values;

        public long Requests { get; set; }

        public void Add(string video, Outcome o, bool completed)
        {
            _videos.Add(video);
            _impressions++;
            _clicks += o.Clicked ? 1 : 0;
            _completions += completed ? 1 : 0;
            _likes += o.Liked ? 1 : 0;
            _dislikes += o.Disliked ? 1 : 0;
            _watch += o.WatchSeconds;
        }

        public void AddList(double meanDissimilarity)
        {
            _diversitySum += meanDissimilarity;
            _lists++;
        }

        public OnlineMetricsRow ToRow(string[] names, MetricsContext context)
        {
            var (low, high) = WilsonInterval.Compute(_clicks, _impressions);
            var group = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < names.Length; i++)
            {
                group[names[i]] = Values[i];
            }

            return new OnlineMetricsRow(group, Requests, _impressions, _clicks, Ratio(_clicks, _impressions), low, high,
                _completions, Ratio(_completions, _clicks), _watch, _clicks == 0 ? 0 : _watch / _clicks, _likes, _dislikes,
                1000 * Ratio(_likes, _impressions), 1000 * Ratio(_dislikes, _impressions), _videos.Count,
                context.CatalogueSize is { } size && size > 0 ? (double)_videos.Count / size : null,
                _lists == 0 ? null : _diversitySum / _lists);
        }

        private static double Ratio(double a, double b) => b == 0 ? 0 : a / b;
    }

    /// <summary>Orders group values element by element: numbers numerically (positions), text ordinally.</summary>
    private sealed class ValuesComparer : IComparer<string[]>
    {
        public static readonly ValuesComparer Instance = new();

        public int Compare(string[]? x, string[]? y)
        {
            for (var i = 0; i < Math.Min(x!.Length, y!.Length); i++)
            {
                var c = int.TryParse(x[i], CultureInfo.InvariantCulture, out var a) && int.TryParse(y[i], CultureInfo.InvariantCulture, out var b)
                    ? a.CompareTo(b)
                    : string.CompareOrdinal(x[i], y[i]);
                if (c != 0)
                {
                    return c;
                }
            }

            return x.Length.CompareTo(y.Length);
        }
    }
}
