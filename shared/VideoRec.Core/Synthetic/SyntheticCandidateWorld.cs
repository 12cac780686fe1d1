using VideoRec.Core.CandidateGeneration.Activity;
using VideoRec.Core.CandidateGeneration.Index;
using VideoRec.Core.Matrix;

namespace VideoRec.Core.Synthetic;

/// <summary>
/// A synthetic catalogue for the candidate-generation benchmark, shaped like trained embeddings rather than noise:
/// videos belong to latent topics (a Gaussian cluster per topic), popularity follows a power law, and each video has
/// a language, allowed regions, an upload time and a hidden flag. Two embedding spaces: two-tower style (unit-length
/// rows, as the towers L2-normalise) and WALS style (the same topic structure, row norms growing with log popularity, as
/// factorization gives popular videos longer vectors). Users are query vectors near one or two topics, with a country,
/// a language, recent watches and exclusions; views over the last 30 days drive the popular, trending and fresh lists.
/// Deterministic for a seed.
/// </summary>
public sealed class SyntheticCandidateWorld
{
    /// <summary>The languages drawn (Zipf-weighted, English first).</summary>
    public static readonly string[] Languages = ["en", "es", "pt", "hi", "ja", "de", "fr", "ar", "ko", "it"];

    /// <summary>The countries drawn (Zipf-weighted).</summary>
    public static readonly string[] Countries = ["US", "IN", "BR", "JP", "DE", "MX", "GB", "FR", "ES", "KR", "IT", "CA", "AR", "EG", "ID", "PH", "TR", "NG", "PL", "AU"];

    private SyntheticCandidateWorld() { }

    /// <summary>Video ids (<c>v0</c>, <c>v1</c>, …).</summary>
    public required IdIndex VideoIds { get; init; }

    /// <summary>Filter attributes by video.</summary>
    public required VideoIndexAttributes[] Attributes { get; init; }

    /// <summary>Two-tower video embeddings, unit rows, <c>[videos, dimensions]</c>.</summary>
    public required float[] TwoTowerVideos { get; init; }

    /// <summary>WALS video factors, <c>[videos, dimensions]</c>.</summary>
    public required float[] WalsVideos { get; init; }

    /// <summary>Two-tower user embeddings, unit rows, <c>[users, dimensions]</c>.</summary>
    public required float[] TwoTowerUsers { get; init; }

    /// <summary>WALS user factors, <c>[users, dimensions]</c>.</summary>
    public required float[] WalsUsers { get; init; }

    /// <summary>Vector length.</summary>
    public required int Dimensions { get; init; }

    /// <summary>Each user's country.</summary>
    public required string[] UserCountries { get; init; }

    /// <summary>Each user's language.</summary>
    public required string[] UserLanguages { get; init; }

    /// <summary>Each user's recent watches, newest first (10 each).</summary>
    public required string[][] RecentWatches { get; init; }

    /// <summary>Each user's excluded videos (their watch history, 50 each, including the recent ones).</summary>
    public required HashSet<string>[] Excluded { get; init; }

    /// <summary>View events over the 30 days before <see cref="Now"/>.</summary>
    public required ViewEvent[] Views { get; init; }

    /// <summary>The end of every window.</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>Number of videos.</summary>
    public int Videos => VideoIds.Count;

    /// <summary>Number of users.</summary>
    public int Users => UserCountries.Length;

    /// <summary>Generates a world.</summary>
    /// <param name="videos">Catalogue size, at least 100.</param>
    /// <param name="dimensions">Embedding length, at least 2.</param>
    /// <param name="users">Users (queries), at least 1.</param>
    /// <param name="views">View events, at least 1.</param>
    /// <param name="seed">Random seed.</param>
    /// <param name="topics">Latent topics; default ⌈√videos / 4⌉ clamped to [16, 1024].</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range.</exception>
    public static SyntheticCandidateWorld Create(int videos, int dimensions, int users, int views, int seed, int? topics = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(videos, 100);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(users, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(views, 1);
        var t = topics ?? Math.Clamp((int)Math.Ceiling(Math.Sqrt(videos) / 4), 16, 1024);
        var random = new Random(seed);
        var now = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

        var centers = new float[t * dimensions];
        for (var c = 0; c < t; c++)
        {
            Normalise(Gaussian(random, centers.AsSpan(c * dimensions, dimensions), 1));
        }

        // Popularity: Zipf(1.0) rank over a permutation of the catalogue.
        var rank = Enumerable.Range(0, videos).ToArray();
        random.Shuffle(rank);
        var ids = new IdIndex(Enumerable.Range(0, videos).Select(v => $"v{v}"));
        var attributes = new VideoIndexAttributes[videos];
        var twoTower = new float[(long)videos * dimensions];
        var wals = new float[(long)videos * dimensions];
        var topicOf = new int[videos];
        var noise = new float[dimensions];
        for (var v = 0; v < videos; v++)
        {
            topicOf[v] = random.Next(t);
            var row = twoTower.AsSpan(v * dimensions, dimensions);
            Gaussian(random, noise, 0.35f / MathF.Sqrt(dimensions) * 4);
            for (var i = 0; i < dimensions; i++)
            {
                row[i] = centers[topicOf[v] * dimensions + i] + noise[i];
            }

            Normalise(row);
            var norm = 0.3f + 0.15f * MathF.Log(1 + videos / (float)(rank[v] + 1));
            var factors = wals.AsSpan(v * dimensions, dimensions);
            for (var i = 0; i < dimensions; i++)
            {
                factors[i] = row[i] * norm;
            }

            var regions = random.NextDouble() < 0.8 ? [] : Enumerable.Range(0, 1 + random.Next(3)).Select(_ => Countries[Sampling.Zipf(random, Countries.Length)]).Distinct().ToArray();
            attributes[v] = new VideoIndexAttributes
            {
                Language = random.NextDouble() < 0.05 ? null : Languages[Sampling.Zipf(random, Languages.Length)],
                AllowedRegions = regions,
                Hidden = random.NextDouble() < 0.01,
                UploadedAt = now - TimeSpan.FromHours(random.NextDouble() * 24 * 365 * 3),
            };
        }

        // Views: popularity by rank; a trending 0.1% of videos get a burst in the last day.
        var cdf = new double[videos];
        var byRank = new int[videos];
        var total = 0.0;
        for (var v = 0; v < videos; v++)
        {
            byRank[rank[v]] = v;
        }

        for (var r = 0; r < videos; r++)
        {
            total += 1.0 / (r + 1);
            cdf[r] = total;
        }

        var events = new ViewEvent[views];
        for (var e = 0; e < views; e++)
        {
            var burst = random.NextDouble() < 0.05;
            var video = burst ? byRank[videos / 2 + random.Next(Math.Max(1, videos / 1000))] : byRank[Sampling.Cumulative(cdf, random.NextDouble() * total)];
            var age = burst ? random.NextDouble() * 24 : random.NextDouble() * 24 * 30;
            events[e] = new ViewEvent(ids[video], now - TimeSpan.FromHours(age), Countries[Sampling.Zipf(random, Countries.Length)]);
        }

        // Users: a mix of one or two topics, history drawn from those topics.
        var byTopic = new List<int>[t];
        for (var v = 0; v < videos; v++)
        {
            (byTopic[topicOf[v]] ??= []).Add(v);
        }

        var userTwoTower = new float[users * dimensions];
        var userWals = new float[users * dimensions];
        var countries = new string[users];
        var languages = new string[users];
        var recent = new string[users][];
        var excluded = new HashSet<string>[users];
        for (var u = 0; u < users; u++)
        {
            var a = random.Next(t);
            var b = random.NextDouble() < 0.5 ? a : random.Next(t);
            var q = userTwoTower.AsSpan(u * dimensions, dimensions);
            Gaussian(random, noise, 0.2f / MathF.Sqrt(dimensions) * 4);
            for (var i = 0; i < dimensions; i++)
            {
                q[i] = centers[a * dimensions + i] + centers[b * dimensions + i] + noise[i];
            }

            Normalise(q);
            q.CopyTo(userWals.AsSpan(u * dimensions, dimensions));
            countries[u] = Countries[Sampling.Zipf(random, Countries.Length)];
            languages[u] = Languages[Sampling.Zipf(random, Languages.Length)];
            var history = Enumerable.Range(0, 50).Select(i => (i % 2 == 0 ? byTopic[a] : byTopic[b]) ?? byTopic.First(l => l is not null)!)
                .Select(list => ids[list[random.Next(list.Count)]]).Distinct(StringComparer.Ordinal).ToArray();
            recent[u] = history.Take(10).ToArray();
            excluded[u] = history.ToHashSet(StringComparer.Ordinal);
        }

        return new SyntheticCandidateWorld
        {
            VideoIds = ids,
            Attributes = attributes,
            TwoTowerVideos = twoTower,
            WalsVideos = wals,
            TwoTowerUsers = userTwoTower,
            WalsUsers = userWals,
            Dimensions = dimensions,
            UserCountries = countries,
            UserLanguages = languages,
            RecentWatches = recent,
            Excluded = excluded,
            Views = events,
            Now = now,
        };
    }



    private static Span<float> Gaussian(Random random, Span<float> target, float sigma)
    {
        for (var i = 0; i < target.Length; i++)
        {
            target[i] = sigma * (float)Sampling.Normal(random);
        }

        return target;
    }

    private static void Normalise(Span<float> row)
    {
        var norm = System.Numerics.Tensors.TensorPrimitives.Norm(row);
        if (norm > 0)
        {
            System.Numerics.Tensors.TensorPrimitives.Divide(row, norm, row);
        }
    }
}
