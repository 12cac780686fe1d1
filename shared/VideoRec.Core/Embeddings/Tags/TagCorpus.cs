using VideoRec.Core.Domain;
using VideoRec.Core.Feedback;

namespace VideoRec.Core.Embeddings.Tags;

/// <summary>
/// The co-occurrence pairs the tag model trains on: every two tags of the same video, and tags drawn from videos the
/// same user liked close together in time. Tags are keyed by <see cref="Normalize"/> (so "Sci-Fi" and "sci-fi" are one tag).
/// </summary>
public sealed class TagCorpus
{
    private TagCorpus(string[] tags, long[] counts, (int Center, int Context)[] pairs, int videoPairs)
    {
        Tags = tags;
        Counts = counts;
        Pairs = pairs;
        VideoPairs = videoPairs;
    }

    /// <summary>The vocabulary (normalised tags), most frequent first, ties by ordinal order.</summary>
    public IReadOnlyList<string> Tags { get; }

    /// <summary>Videos carrying each tag, aligned with <see cref="Tags"/>.</summary>
    public IReadOnlyList<long> Counts { get; }

    /// <summary>Ordered (center, context) pairs of tag indices; each co-occurrence appears in both directions.</summary>
    public IReadOnlyList<(int Center, int Context)> Pairs { get; }

    /// <summary>How many of <see cref="Pairs"/> come from tags of the same video (the rest from liked videos).</summary>
    public int VideoPairs { get; }

    /// <summary>A tag as the model keys it: whitespace collapsed, trimmed, lower-cased (invariant).</summary>
    public static string Normalize(string tag) => EmbeddingText.NormalizeQuery(tag);

    /// <summary>Collects the vocabulary and the pairs from <paramref name="dataset"/>.</summary>
    /// <param name="dataset">Catalogue (tags) and interactions (likes).</param>
    /// <param name="relevance">Which pairs count as liked.</param>
    /// <param name="options">Vocabulary and window settings.</param>
    public static TagCorpus Build(Dataset dataset, RelevancePolicy relevance, TagEmbeddingOptions options)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(relevance);
        options = (options ?? new TagEmbeddingOptions()).Validate();

        var videoTags = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var frequency = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var video in dataset.Videos.Values.OrderBy(v => v.Id, StringComparer.Ordinal))
        {
            var tags = video.Tags.Select(Normalize).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).Take(options.MaxTagsPerVideo).ToArray();
            videoTags[video.Id] = tags;
            foreach (var tag in tags)
            {
                frequency[tag] = frequency.GetValueOrDefault(tag) + 1;
            }
        }

        var vocabulary = frequency.Where(kv => kv.Value >= options.MinCount)
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).ToArray();
        var index = vocabulary.Select((kv, i) => (kv.Key, i)).ToDictionary(p => p.Key, p => p.i, StringComparer.Ordinal);
        var known = videoTags.ToDictionary(kv => kv.Key, kv => kv.Value.Where(index.ContainsKey).Select(t => index[t]).ToArray(), StringComparer.Ordinal);

        var pairs = new List<(int, int)>();
        foreach (var tags in known.Values)
        {
            AddAllPairs(pairs, tags);
        }

        var videoPairs = pairs.Count;
        if (options.LikedWindow > 0)
        {
            var random = new Random(Common.Seeds.Derive(options.Seed, 7));
            foreach (var liked in LikedSequences(dataset, relevance))
            {
                for (var i = 0; i < liked.Count; i++)
                {
                    if (!known.TryGetValue(liked[i], out var a) || a.Length == 0)
                    {
                        continue;
                    }

                    for (var j = i + 1; j <= i + options.LikedWindow && j < liked.Count; j++)
                    {
                        if (known.TryGetValue(liked[j], out var b) && b.Length > 0)
                        {
                            for (var s = 0; s < options.LikedPairsPerStep; s++)
                            {
                                var (x, y) = (a[random.Next(a.Length)], b[random.Next(b.Length)]);
                                if (x != y)
                                {
                                    pairs.Add((x, y));
                                    pairs.Add((y, x));
                                }
                            }
                        }
                    }
                }
            }
        }

        return new TagCorpus(vocabulary.Select(kv => kv.Key).ToArray(), vocabulary.Select(kv => kv.Value).ToArray(), pairs.ToArray(), videoPairs);
    }

    /// <summary>Adds (x, y) and (y, x) for every two different tags of one video.</summary>
    private static void AddAllPairs(List<(int, int)> pairs, int[] tags)
    {
        for (var i = 0; i < tags.Length; i++)
        {
            for (var j = i + 1; j < tags.Length; j++)
            {
                pairs.Add((tags[i], tags[j]));
                pairs.Add((tags[j], tags[i]));
            }
        }
    }

    /// <summary>Each user's liked videos in time order (ties by video id).</summary>
    private static IEnumerable<List<string>> LikedSequences(Dataset dataset, RelevancePolicy relevance)
    {
        var data = DatasetPairs.From(dataset);
        var table = data.Table;
        foreach (var user in table.Pairs.GroupBy(p => p.User).OrderBy(g => g.Key))
        {
            yield return user
                .Where(p => relevance.Label(p.Feedback, data.DurationSeconds[p.Video]) == Relevance.Positive)
                .OrderBy(p => p.Feedback.Last).ThenBy(p => table.Videos[p.Video], StringComparer.Ordinal)
                .Select(p => table.Videos[p.Video])
                .ToList();
        }
    }
}
