using System.Globalization;
using VideoRec.Core.Common;
using VideoRec.Core.Synthetic;

namespace VideoRec.Core.Simulation;

/// <summary>
/// A deterministic simulated platform for offline policy comparison (design, "Evaluation: online metrics" measured
/// without live traffic): users with hidden topic tastes, languages and countries; videos with topics, languages,
/// regions, durations, creators, a power-law organic reach, and hidden quality and thumbnail appeal (clickbait: high
/// appeal, low quality). Its ground truth (<see cref="Relevance"/>) lets tests check that a recommender recovers known
/// preferences, and <see cref="UserBehaviour"/> turns a served list into clicks, watches, likes and dislikes.
/// </summary>
public sealed class SimulatedWorld
{
    /// <summary>Languages (drawn Zipf-weighted).</summary>
    public static readonly string[] Languages = ["en", "es", "pt", "hi", "ja"];

    /// <summary>Countries (drawn Zipf-weighted).</summary>
    public static readonly string[] Countries = ["US", "IN", "BR", "MX", "JP", "GB", "ES", "DE"];

    private readonly List<int>[] _byTopic;

    private SimulatedWorld(SimulationOptions options, SimulatedUser[] users, SimulatedVideo[] videos)
    {
        Options = options;
        Users = users;
        Videos = videos;
        _byTopic = Enumerable.Range(0, options.Topics).Select(_ => new List<int>()).ToArray();
        for (var v = 0; v < videos.Length; v++)
        {
            _byTopic[videos[v].Topic].Add(v);
        }
    }

    /// <summary>The settings the world was made with.</summary>
    public SimulationOptions Options { get; }

    /// <summary>Users by index.</summary>
    public IReadOnlyList<SimulatedUser> Users { get; }

    /// <summary>Videos by index.</summary>
    public IReadOnlyList<SimulatedVideo> Videos { get; }

    /// <summary>The videos of a topic, by index.</summary>
    public IReadOnlyList<int> VideosOfTopic(int topic) => _byTopic[topic];

    /// <summary>Creates the world for <paramref name="options"/>; the same options give the same world.</summary>
    /// <exception cref="ArgumentException">The options are invalid (every problem named).</exception>
    public static SimulatedWorld Create(SimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { Count: > 0 } errors)
        {
            throw new ArgumentException("Invalid simulation settings:" + Environment.NewLine + string.Join(Environment.NewLine, errors), nameof(options));
        }

        var random = new Random(options.Seed);
        var t = options.Topics;
        var creators = Math.Max(1, (int)Math.Ceiling(options.Videos / options.VideosPerCreator));
        var rank = Enumerable.Range(0, options.Videos).ToArray();
        random.Shuffle(rank);
        var videos = new SimulatedVideo[options.Videos];
        for (var v = 0; v < videos.Length; v++)
        {
            var creator = random.Next(creators);
            // A creator sticks to a topic and a language most of the time.
            var creatorRandom = new Random(Seeds.Derive(options.Seed, creator)); // HashCode.Combine is salted per process: not reproducible across runs.
            var topic = random.NextDouble() < 0.8 ? creatorRandom.Next(t) : random.Next(t);
            var language = random.NextDouble() < 0.9 ? Languages[Sampling.Zipf(creatorRandom, Languages.Length)] : Languages[Sampling.Zipf(random, Languages.Length)];
            var second = random.Next(t);
            var clickbait = random.NextDouble() < options.ClickbaitShare;
            var quality = clickbait ? 0.05 + 0.15 * random.NextDouble() : Sampling.Beta(random, 4, 2);
            var appeal = clickbait ? 0.85 + 0.15 * random.NextDouble() : Sampling.Beta(random, 2, 3);
            var regions = random.NextDouble() < 0.9 ? Array.Empty<string>() : [Countries[Sampling.Zipf(random, Countries.Length)]];
            videos[v] = new SimulatedVideo(
                $"v{v}",
                $"{TopicName(topic)} video {v.ToString(CultureInfo.InvariantCulture)}",
                topic,
                second == topic ? [TopicName(topic)] : [TopicName(topic), TopicName(second)],
                language,
                regions,
                Math.Round(Math.Exp(Sampling.Normal(random, Math.Log(420), 0.8)), 0) + 15,
                $"c{creator}",
                options.Start - TimeSpan.FromHours(random.NextDouble() * 24 * 730),
                quality,
                appeal,
                clickbait,
                1.0 / Math.Pow(rank[v] + 1, options.PopularityExponent));
        }

        var users = new SimulatedUser[options.Users];
        for (var u = 0; u < users.Length; u++)
        {
            // Sparse tastes: 1–3 favourite topics carry most of the mass.
            var preferences = new float[t];
            var favourites = 1 + random.Next(3);
            for (var f = 0; f < favourites; f++)
            {
                preferences[random.Next(t)] += (float)(0.5 + random.NextDouble());
            }

            for (var i = 0; i < t; i++)
            {
                preferences[i] += (float)(0.02 * random.NextDouble());
            }

            var sum = preferences.Sum();
            for (var i = 0; i < t; i++)
            {
                preferences[i] /= sum;
            }

            users[u] = new SimulatedUser($"u{u}", Countries[Sampling.Zipf(random, Countries.Length)], Languages[Sampling.Zipf(random, Languages.Length)],
                18 + random.Next(50), preferences, Math.Exp(Sampling.Normal(random, Math.Log(1.5), 0.6)));
        }

        return new SimulatedWorld(options, users, videos);
    }

    /// <summary>The name of a topic (<c>topic-07</c>).</summary>
    public static string TopicName(int topic) => $"topic-{topic.ToString("00", CultureInfo.InvariantCulture)}";

    /// <summary>Whether a user may be shown a video (its allowed regions include the user's country).</summary>
    public bool Allowed(int user, int video) =>
        Videos[video].AllowedRegions.Count == 0 || Videos[video].AllowedRegions.Contains(Users[user].Country);

    /// <summary>
    /// Ground-truth relevance in (0, 1): how much the user would enjoy the video if they watched it, from their taste for
    /// its topic (relative to an even spread), its quality, and whether they speak its language:
    /// σ(1.5 · ln(preference · topics / 2 + 0.01) + 4 · (quality − 0.5) − 2 · [language differs]).
    /// </summary>
    public double Relevance(int user, int video)
    {
        var u = Users[user];
        var v = Videos[video];
        var affinity = u.Preferences[v.Topic] * Options.Topics / 2.0;
        var x = 1.5 * Math.Log(affinity + 0.01) + 4 * (v.Quality - 0.5) - (u.Language == v.Language ? 0 : 2);
        return 1 / (1 + Math.Exp(-x));
    }

    /// <summary>
    /// What the user expects before clicking, in (0, 1): their taste for the topic and the language, not the hidden
    /// quality (a thumbnail cannot show it): σ(1.5 · ln(preference · topics / 2 + 0.01) − 2 · [language differs]).
    /// </summary>
    public double Interest(int user, int video)
    {
        var u = Users[user];
        var v = Videos[video];
        var x = 1.5 * Math.Log(u.Preferences[v.Topic] * Options.Topics / 2.0 + 0.01) - (u.Language == v.Language ? 0 : 2);
        return 1 / (1 + Math.Exp(-x));
    }
}
