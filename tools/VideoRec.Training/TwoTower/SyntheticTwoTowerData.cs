using System.Globalization;
using VideoRec.Core.Domain;
using VideoRec.Core.Feedback;
using VideoRec.Core.Matrix;

namespace VideoRec.Training.TwoTower;

/// <summary>
/// A synthetic world for two-tower benchmarks and tests, deterministic for a seed: users with demographics (age,
/// gender, country, city, language, occupation), videos with tags, duration, language and upload time, and relevant
/// watches that follow latent topics. Each video belongs to one topic (its tags are mostly the topic's, its title
/// vector is the topic's); each user prefers one to three topics, the first one tied to their age group and gender so
/// that demographics carry signal; a user's videos come from their topics by within-topic popularity (Zipf), or from
/// the global popularity for a fifth of them. Pairs are built directly (<see cref="PairTable.FromPairs"/>), without an
/// interaction log: about 96 bytes per pair.
/// </summary>
/// <param name="Dataset">Catalogue and profiles (no interaction log).</param>
/// <param name="Pairs">The relevant pairs: one complete watch each, a like for about 30% of them.</param>
/// <param name="TitleEmbeddings">Video id → title vector (its topic's unit vector; the arrays are shared by the topic's videos).</param>
/// <param name="TextDimensions">Width of the title vectors.</param>
/// <param name="Topics">Number of latent topics.</param>
public sealed record SyntheticTwoTowerData(Dataset Dataset, DatasetPairs Pairs, IReadOnlyDictionary<string, float[]> TitleEmbeddings, int TextDimensions, int Topics)
{
    private static readonly string[] Languages = ["en", "es", "pt", "fr", "de", "hi", "ja", "ko", "ar", "ru"];
    private static readonly double[] LanguageShares = [0.4, 0.15, 0.1, 0.07, 0.06, 0.06, 0.05, 0.04, 0.04, 0.03];
    private static readonly DateTimeOffset End = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Generates the world.</summary>
    /// <param name="users">Users, at least 1.</param>
    /// <param name="videos">Videos, at least 2.</param>
    /// <param name="interactionsPerUser">Mean relevant videos per user (uniform between half and one and a half times it, at most half the catalogue). Default 20.</param>
    /// <param name="seed">Seed. Default 42.</param>
    /// <param name="textDimensions">Width of the title vectors. Default 384 (all-MiniLM-L6-v2's).</param>
    /// <param name="topics">Latent topics. Default 50.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range.</exception>
    public static SyntheticTwoTowerData Generate(int users, int videos, int interactionsPerUser = 20, int seed = 42, int textDimensions = 384, int topics = 50)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(users, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(videos, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(interactionsPerUser, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(textDimensions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(topics, 1);
        if ((long)users * (interactionsPerUser + interactionsPerUser / 2) > int.MaxValue / 2)
        {
            throw new ArgumentOutOfRangeException(nameof(users), "users × interactions per user must stay under about a billion pairs.");
        }

        var random = new Random(seed);
        topics = Math.Min(topics, videos);

        // Topics: a unit title vector, 20 tags and a home language each.
        var topicVectors = new float[topics][];
        var topicTags = new string[topics][];
        var topicLanguage = new int[topics];
        for (var t = 0; t < topics; t++)
        {
            var vector = new float[textDimensions];
            var norm = 0.0;
            for (var d = 0; d < vector.Length; d++)
            {
                vector[d] = (float)Gaussian(random);
                norm += vector[d] * vector[d];
            }

            for (var d = 0; d < vector.Length; d++)
            {
                vector[d] /= (float)Math.Sqrt(norm);
            }

            topicVectors[t] = vector;
            topicTags[t] = [.. Enumerable.Range(0, 20).Select(j => string.Create(CultureInfo.InvariantCulture, $"topic{t}-tag{j}"))];
            topicLanguage[t] = Pick(random, LanguageShares);
        }

        var generalTags = Enumerable.Range(0, 50).Select(j => string.Create(CultureInfo.InvariantCulture, $"tag{j}")).ToArray();

        // Videos: a topic each; popularity by rank within the topic (Zipf 0.9) and over the whole catalogue.
        var videoIds = new string[videos];
        var videoTopic = new int[videos];
        var byTopic = new List<int>[topics];
        for (var t = 0; t < topics; t++)
        {
            byTopic[t] = [];
        }

        var catalogue = new Dictionary<string, Video>(videos, StringComparer.Ordinal);
        var titles = new Dictionary<string, float[]>(videos, StringComparer.Ordinal);
        var durations = new double?[videos];
        for (var v = 0; v < videos; v++)
        {
            var id = string.Create(CultureInfo.InvariantCulture, $"v{v}");
            var topic = v < topics ? v : random.Next(topics);
            videoIds[v] = id;
            videoTopic[v] = topic;
            byTopic[topic].Add(v);
            var tags = new List<string>(6);
            for (var j = 2 + random.Next(4); j > 0; j--)
            {
                tags.Add(topicTags[topic][(int)Math.Min(19, -Math.Log(1 - random.NextDouble()) * 5)]);
            }

            for (var j = random.Next(3); j > 0; j--)
            {
                tags.Add(generalTags[random.Next(generalTags.Length)]);
            }

            var duration = Math.Round(Math.Clamp(Math.Exp(6.4 + 1.1 * Gaussian(random)), 10, 4 * 3600));
            durations[v] = duration;
            catalogue[id] = new Video(id, string.Create(CultureInfo.InvariantCulture, $"Video {v}"))
            {
                DurationSeconds = duration,
                Tags = [.. tags.Distinct(StringComparer.Ordinal)],
                Language = Languages[random.NextDouble() < 0.7 ? topicLanguage[topic] : Pick(random, LanguageShares)],
                UploadedAt = End - TimeSpan.FromDays(random.NextDouble() * 3 * 365),
            };
            titles[id] = topicVectors[topic];
        }

        var topicCdf = byTopic.Select(list => ZipfCdf(list.Count)).ToArray();
        var globalOrder = Enumerable.Range(0, videos).ToArray();
        random.Shuffle(globalOrder);
        var globalCdf = ZipfCdf(videos);

        // Users: demographics from shared string instances, one to three topics, relevant watches over the last year.
        var countries = Enumerable.Range(0, 20).Select(c => string.Create(CultureInfo.InvariantCulture, $"C{c:D2}")).ToArray();
        var cities = countries.Select(c => Enumerable.Range(0, 10).Select(k => string.Create(CultureInfo.InvariantCulture, $"{c}-city{k}")).ToArray()).ToArray();
        var occupations = Enumerable.Range(0, 20).Select(o => string.Create(CultureInfo.InvariantCulture, $"occupation{o}")).ToArray();
        var userIds = new string[users];
        var profiles = new Dictionary<string, UserProfile>(users, StringComparer.Ordinal);
        // Counts first, so the pair array is allocated once at its exact size (no list growth, no final copy).
        var cap = Math.Max(1, videos / 2);
        var counts = new int[users];
        long total = 0;
        for (var u = 0; u < users; u++)
        {
            counts[u] = Math.Clamp(interactionsPerUser / 2 + random.Next(interactionsPerUser + 1), 1, cap);
            total += counts[u];
        }

        var pairs = new PairRecord[total];
        var next = 0;
        var seen = new HashSet<int>();
        var userTopics = new int[3];
        var userWeights = new double[3];
        for (var u = 0; u < users; u++)
        {
            var id = string.Create(CultureInfo.InvariantCulture, $"u{u}");
            userIds[u] = id;
            var age = (int)Math.Clamp(14 + Math.Abs(Gaussian(random)) * 18, 13, 80);
            var gender = random.NextDouble() switch { < 0.48 => "M", < 0.96 => "F", _ => null };
            var country = random.Next(countries.Length);
            profiles[id] = new UserProfile(id)
            {
                Age = age,
                Gender = gender,
                Country = countries[country],
                City = cities[country][random.Next(10)],
                Language = Languages[Pick(random, LanguageShares)],
                Occupation = occupations[random.Next(occupations.Length)],
            };

            var preferred = 1 + random.Next(3);
            var group = (age / 10 * 3 + (gender == "M" ? 1 : gender == "F" ? 2 : 0)) * 7;
            for (var k = 0; k < preferred; k++)
            {
                userTopics[k] = k == 0 ? (group + random.Next(3)) % topics : random.Next(topics);
                userWeights[k] = k == 0 ? 0.6 : 0.4 / (preferred - 1);
            }

            var time = End - TimeSpan.FromDays(365 * random.NextDouble());
            seen.Clear();
            for (var attempt = 0; seen.Count < counts[u]; attempt++)
            {
                int video;
                if (attempt >= counts[u] * 20)
                {
                    // A small catalogue ran out of fresh picks: take the most popular videos not yet seen.
                    video = globalOrder.First(v => !seen.Contains(v));
                }
                else if (random.NextDouble() < 0.2)
                {
                    video = globalOrder[Sample(random, globalCdf)];
                }
                else
                {
                    var topic = preferred == 1 ? userTopics[0] : userTopics[Pick(random, userWeights.AsSpan(0, preferred))];
                    video = byTopic[topic][Sample(random, topicCdf[topic])];
                }

                if (!seen.Add(video))
                {
                    continue;
                }

                time += TimeSpan.FromMinutes(1 + 600 * random.NextDouble());
                var feedback = new PairFeedback { Impressions = 1, Clicks = 1, Watches = 1, CompleteWatch = true, Likes = random.NextDouble() < 0.3 ? 1 : 0, First = time, Last = time };
                pairs[next] = new PairRecord(u, video, feedback, next);
                next++;
            }
        }

        var table = PairTable.FromPairs(new IdIndex(userIds), new IdIndex(videoIds), pairs);
        var dataset = new Dataset("synthetic", catalogue, profiles, []);
        return new SyntheticTwoTowerData(dataset, new DatasetPairs("synthetic", table, durations), titles, textDimensions, topics);
    }

    private static double[] ZipfCdf(int count)
    {
        var cdf = new double[count];
        var total = 0.0;
        for (var r = 0; r < count; r++)
        {
            total += 1.0 / Math.Pow(r + 1, 0.9);
            cdf[r] = total;
        }

        for (var r = 0; r < count; r++)
        {
            cdf[r] /= total;
        }

        return cdf;
    }

    private static int Sample(Random random, double[] cdf)
    {
        var index = Array.BinarySearch(cdf, random.NextDouble());
        return Math.Min(cdf.Length - 1, index < 0 ? ~index : index);
    }

    private static int Pick(Random random, ReadOnlySpan<double> shares)
    {
        var x = random.NextDouble() * TotalOf(shares);
        for (var i = 0; i < shares.Length; i++)
        {
            x -= shares[i];
            if (x < 0)
            {
                return i;
            }
        }

        return shares.Length - 1;
    }

    private static double TotalOf(ReadOnlySpan<double> shares)
    {
        var total = 0.0;
        foreach (var share in shares)
        {
            total += share;
        }

        return total;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
