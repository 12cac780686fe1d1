using VideoRec.Core.CandidateGeneration;
using VideoRec.Core.Domain;
using VideoRec.Core.Scoring;
using VideoRec.Scoring.Model;

namespace VideoRec.Cli.Infrastructure;

/// <summary>
/// A seeded stand-in world for the scoring benchmark: videos with tags, languages, durations, upload times, activity
/// and random unit vectors (two-tower 64-d, WALS 64-d, titles 384-d), 200 co-watch neighbours per video with signed
/// weights (as EASE writes them), users with vectors and 500 watches (the co-watch sum reads them all, the tag features the first 50), merged
/// candidate lists with one to three sources each, and a ranker of the served shape with random weights. Scoring time
/// depends on the shapes, not the values.
/// </summary>
public sealed class SyntheticScoringWorld
{
    public const int TwoTowerDimensions = 64;
    public const int WalsFactors = 64;
    public const int TextDimensions = 384;
    public const int CoWatchNeighboursPerVideo = 200;

    /// <summary>Watches per user, what the recommend handler hands the ranker at most (its co-watch sum reads them all).</summary>
    public const int HistoryWatches = 500;

    public SyntheticScoringWorld(int videos, int candidates, bool embeddings, RankerArchitecture architecture, int seed)
    {
        var random = new Random(seed);
        // The layout train --ranker writes: co-watch sums over 500 watches, standardised per request.
        Layout = new ScoringFeatures(new ScoringFeatureSettings { TwoTowerDimensions = embeddings ? TwoTowerDimensions : 0, CoWatch = true, CoWatchHistory = HistoryWatches, CoWatchNormalized = true });
        Now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        string[] languages = ["en", "fr", "de", "ja", "es"];
        VideoIds = [.. Enumerable.Range(0, videos).Select(v => "v" + v)];
        var inputs = VideoIds.Select(id => new VideoScoringInput(id,
            new Video(id, id)
            {
                Tags = [.. Enumerable.Range(0, 1 + random.Next(4)).Select(_ => "tag" + random.Next(40))],
                Language = languages[random.Next(languages.Length)],
                DurationSeconds = 30 + random.Next(7200),
                UploadedAt = Now.AddDays(-random.Next(3000)),
            },
            new VideoActivity(random.Next(100_000), random.Next(1_000_000), random.Next(50_000), random.Next(10_000), random.Next(20_000), random.NextDouble() * 50),
            Unit(random, TwoTowerDimensions), Unit(random, WalsFactors), Unit(random, TextDimensions))).ToArray();
        var coWatch = CoWatchNeighbours.FromLists(VideoIds, [.. Enumerable.Range(0, videos).Select(v =>
        {
            var neighbours = Enumerable.Range(0, Math.Min(CoWatchNeighboursPerVideo, videos - 1)).Select(_ => random.Next(videos - 1)).Select(j => j >= v ? j + 1 : j).Distinct().ToArray();
            return (neighbours, neighbours.Select(_ => (float)(random.NextDouble() * 0.2 - 0.05)).ToArray());
        })]);
        Videos = new VideoFeatureTable(Layout, inputs, Now, WalsFactors, TextDimensions, TwoTowerDimensions, coWatch);
        Users = [.. Enumerable.Range(0, 64).Select(u => new ScoringUser
        {
            UserId = "u" + u,
            Profile = new UserProfile("u" + u) { Age = 15 + random.Next(60), Gender = random.Next(2) == 0 ? "F" : "M" },
            Country = "US",
            Language = languages[random.Next(languages.Length)],
            TwoTower = Unit(random, TwoTowerDimensions),
            Wals = Unit(random, WalsFactors),
            SearchEmbedding = Unit(random, TextDimensions),
            RecentWatches = [.. Enumerable.Range(0, HistoryWatches).Select(_ => VideoIds[random.Next(videos)])],
            HistoryLength = HistoryWatches + random.Next(500),
        })];
        Requests = [.. Enumerable.Range(0, 16).Select(_ => Candidates(random, candidates, videos))];
        Ranker = RandomRanker(random, Layout, architecture);
    }

    public ScoringFeatures Layout { get; }

    public DateTimeOffset Now { get; }

    public string[] VideoIds { get; }

    public VideoFeatureTable Videos { get; }

    public ScoringUser[] Users { get; }

    public MergedCandidate[][] Requests { get; }

    public RankerWeights Ranker { get; }

    private static MergedCandidate[] Candidates(Random random, int count, int videos)
    {
        var chosen = new HashSet<int>();
        while (chosen.Count < Math.Min(count, videos))
        {
            chosen.Add(random.Next(videos));
        }

        return [.. chosen.Select((v, position) =>
        {
            var sources = CandidateSources.All.OrderBy(_ => random.Next()).Take(1 + random.Next(3))
                .Select(s => new CandidateProvenance(s, (float)random.NextDouble(), random.Next(count))).ToArray();
            return new MergedCandidate("v" + v, position, sources, sources.Sum(s => 1.0 / (CandidateMerger.FusionOffset + s.Rank)));
        })];
    }

    private static RankerWeights RandomRanker(Random random, ScoringFeatures layout, RankerArchitecture architecture)
    {
        var f = layout.Count;
        DenseLayer Layer(int inputs, int outputs) => new(
            [.. Enumerable.Range(0, inputs * outputs).Select(_ => (float)((random.NextDouble() * 2 - 1) / Math.Sqrt(inputs)))],
            [.. Enumerable.Range(0, outputs).Select(_ => (float)(random.NextDouble() * 0.1))]);
        var hidden = new Training.Scoring.RankerOptions().Hidden;
        var cross = architecture == RankerArchitecture.Dcn ? Enumerable.Range(0, new Training.Scoring.RankerOptions().CrossLayers).Select(_ => Layer(f, f)).ToList() : [];
        var layers = new List<DenseLayer>();
        var width = f;
        foreach (var h in hidden)
        {
            layers.Add(Layer(width, h));
            width = h;
        }

        return new RankerWeights(architecture, layout, new NormalizationStats(new float[f], [.. Enumerable.Repeat(1f, f)]), cross, layers, Layer(width, RankerWeights.Heads), Layer(f, RankerWeights.Heads) with { Bias = new float[RankerWeights.Heads] }, 1, 0);
    }

    private static float[] Unit(Random random, int dimensions)
    {
        var v = new float[dimensions];
        var norm = 0.0;
        for (var i = 0; i < dimensions; i++)
        {
            v[i] = (float)(random.NextDouble() * 2 - 1);
            norm += v[i] * v[i];
        }

        var scale = (float)(1 / Math.Sqrt(norm));
        for (var i = 0; i < dimensions; i++)
        {
            v[i] *= scale;
        }

        return v;
    }
}
