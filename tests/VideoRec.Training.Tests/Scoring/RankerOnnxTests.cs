using TorchSharp;
using VideoRec.Core.CandidateGeneration;
using VideoRec.Core.Domain;
using VideoRec.Core.Scoring;
using VideoRec.Scoring.Model;
using VideoRec.Scoring.Onnx;
using VideoRec.Training.Scoring;
using static TorchSharp.torch;

namespace VideoRec.Training.Tests.Scoring;

public sealed class RankerOnnxTests
{
    [Theory]
    [InlineData(RankerArchitecture.Mlp)]
    [InlineData(RankerArchitecture.Dcn)]
    public void Onnx_scores_match_torchsharp_below_1e_5_on_a_batch_of_64_and_of_1(RankerArchitecture architecture)
    {
        TorchRuntime.Initialize();
        var rows = PlantedRows.Make(200, 11);
        var stats = NormalizationStats.Compute(rows.Rows, rows.Features);
        using var generator = new Generator(3);
        using var module = new RankerModule(architecture, PlantedRows.Layout, stats, [24, 12], 2, generator);
        var weights = module.ToWeights(relevanceWeight: 0.7f, watchWeight: 0.3f);
        using var scorer = OnnxScorer.Load(RankerOnnxExporter.ExportToBytes(weights));
        var batch = rows.Rows.AsSpan(0, 64 * rows.Features).ToArray();

        float[] expected;
        using (no_grad())
        {
            using var logits = module.Forward(tensor(batch, [64, rows.Features]));
            using var p = sigmoid(logits);
            using var relevanceWeight = 0.7f.ToScalar();
            using var watchWeight = 0.3f.ToScalar();
            using var combined = p.select(1, 0) * relevanceWeight + p.select(1, 1) * watchWeight;
            expected = combined.data<float>().ToArray();
        }

        var actual = new float[64];
        scorer.Score(batch, 64, actual);
        var single = new float[1];
        scorer.Score(batch, 1, single);

        Assert.True(expected.Zip(actual).Max(x => Math.Abs(x.First - x.Second)) < 1e-5, "ONNX and TorchSharp differ by 1e-5 or more");
        Assert.Equal(actual[0], single[0], 6);
        Assert.True(expected.Max() - expected.Min() > 1e-3, "the scores should vary over the batch");
    }

    [Fact]
    public void The_model_carries_its_layout_stats_and_version_and_a_foreign_onnx_model_is_refused()
    {
        var rows = PlantedRows.Make(100, 12);
        var stats = NormalizationStats.Compute(rows.Rows, rows.Features);
        using var generator = new Generator(4);
        using var module = new RankerModule(RankerArchitecture.Dcn, PlantedRows.Layout, stats, [8], 1, generator);
        using var scorer = OnnxScorer.Load(RankerOnnxExporter.ExportToBytes(module.ToWeights(1, 0)));

        Assert.Equal(PlantedRows.Layout.Fingerprint, scorer.Features.Fingerprint);
        Assert.Equal(stats.Mean, scorer.Normalization.Mean);
        Assert.Equal(stats.Std, scorer.Normalization.Std);
        Assert.Equal("dcn", scorer.Description.architecture);
        Assert.Equal(1, scorer.Description.cross_layers);
        Assert.Equal(RankerOnnxExporter.Version, scorer.Description.version);

        var tower = VideoRec.TwoTower.Onnx.TowerOnnxExporter.ExportToBytes(TwoTowerTowers());
        Assert.Contains("ranker metadata", Assert.Throws<InvalidDataException>(() => OnnxScorer.Load(tower)).Message);
        Assert.Throws<ArgumentException>(() => scorer.Score(new float[rows.Features], 2, new float[2]));
    }

    [Fact]
    public void NaN_infinite_and_missing_inputs_give_finite_scores_in_a_sane_order()
    {
        // A linear ranker on the standardised row: relevance logit = 2·wals_score_z + tag_affinity − 3·wals_score_missing.
        var layout = new ScoringFeatures(new ScoringFeatureSettings { TwoTowerDimensions = 2 });
        var f = layout.Count;
        var head = new float[2 * f];
        head[layout.Offset("wals_score_z")] = 2;
        head[layout.Offset("tag_affinity")] = 1;
        head[layout.Offset("wals_score_missing")] = -3;
        var weights = new RankerWeights(RankerArchitecture.Mlp, layout, new NormalizationStats(new float[f], [.. Enumerable.Repeat(1f, f)]), [], [], new DenseLayer(head, [0, 0]), new DenseLayer(new float[2 * f], [0, 0]), 1, 0);
        using var scorer = OnnxScorer.Load(RankerOnnxExporter.ExportToBytes(weights));
        var now = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var table = new VideoFeatureTable(layout,
        [
            new("strong", new Video("strong", "S") { DurationSeconds = double.NaN, UploadedAt = now.AddYears(5) }, new VideoActivity(-1, 0, 5, 2, -7, double.PositiveInfinity), new float[] { 1, 0 }, new float[] { 3, 0 }),
            new("weak", null, new VideoActivity(long.MaxValue, 1, 1, long.MaxValue, 1, double.NaN), new float[] { float.NaN, 0 }, new float[] { 1, 0 }),
            new("broken", null, default, default, new float[] { float.NegativeInfinity, 0 }),
        ], now, walsFactors: 2, textDimensions: 0);
        var user = new ScoringUser
        {
            UserId = "u",
            TwoTower = new float[] { float.NaN, float.NaN },
            Wals = new float[] { 1, 0 },
            SearchEmbedding = new float[] { float.PositiveInfinity },
            Profile = new UserProfile("u") { Age = int.MaxValue },
            HistoryLength = int.MaxValue,
            RecentWatches = [null!, "strong", "unknown"],
        };
        MergedCandidate[] candidates =
        [
            new("broken", 0, [new(CandidateSources.Wals, float.NaN, 0)], double.NaN),
            new("weak", 1, [new(CandidateSources.Popular, float.NegativeInfinity, int.MaxValue)], double.NegativeInfinity),
            new("never-heard-of", 2, [], 1e300),
            new("strong", 3, [new(CandidateSources.Wals, 3, 0)], 1 / 60.0),
        ];
        var rows = new float[candidates.Length * f];
        var assembler = new FeatureAssembler(table);
        assembler.Assemble(user, candidates, rows);
        var scores = new float[candidates.Length];

        scorer.Score(rows, candidates.Length, scores);

        Assert.All(rows, x => Assert.True(float.IsFinite(x)));
        Assert.All(scores, s => Assert.True(float.IsFinite(s) && s is >= 0 and <= 1, $"score {s}"));
        // strong (WALS 3) above weak (WALS 1) above the two without a WALS score.
        Assert.True(scores[3] > scores[1], $"strong {scores[3]} should beat weak {scores[1]}");
        Assert.True(scores[1] > scores[0] && scores[1] > scores[2], $"weak {scores[1]} should beat the videos without WALS score ({scores[0]}, {scores[2]})");
    }

    private static VideoRec.TwoTower.Towers.TowerWeights TwoTowerTowers()
    {
        var layout = new VideoRec.TwoTower.Towers.TowerLayout
        {
            Name = "video",
            Denses = [new VideoRec.TwoTower.Towers.DenseFeature("x", 2)],
            Hidden = [],
            OutputDimensions = 2,
        };
        return new VideoRec.TwoTower.Towers.TowerWeights(layout, [], [new VideoRec.TwoTower.Towers.LinearLayer([1, 0, 0, 1], [0, 0])]);
    }
}
