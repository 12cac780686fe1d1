using TorchSharp;
using VideoRec.Core.CandidateGeneration;
using VideoRec.Core.Pipeline;
using VideoRec.Core.Scoring;
using VideoRec.Scoring.Model;
using VideoRec.Scoring.Onnx;
using VideoRec.Scoring.Serving;
using VideoRec.Training.Scoring;
using static TorchSharp.torch;

namespace VideoRec.Training.Tests.Scoring;

public sealed class RankerServingTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "vrec-ranker-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    /// <summary>A linear ranker whose relevance logit is 2 × wals_score (stats: mean 0, std 1).</summary>
    private static RankerWeights WalsOnly(ScoringFeatures layout)
    {
        var f = layout.Count;
        var head = new float[2 * f];
        head[layout.Offset("wals_score")] = 2;
        return new RankerWeights(RankerArchitecture.Mlp, layout, new NormalizationStats(new float[f], [.. Enumerable.Repeat(1f, f)]), [], [],
            new DenseLayer(head, [0, 0]), new DenseLayer(new float[2 * f], [0, 0]), 1, 0);
    }

    private static VideoFeatureTable Videos(ScoringFeatures layout) => new(layout,
    [
        new("a", null, default, Wals: new float[] { 1, 0 }),
        new("b", null, default, Wals: new float[] { 3, 0 }),
        new("c", null, default, Wals: new float[] { 2, 0 }),
    ], DateTimeOffset.UnixEpoch, walsFactors: 2, textDimensions: 0);

    [Fact]
    public async Task The_bundle_folder_round_trips_and_the_candidate_scorer_orders_by_the_model()
    {
        var layout = new ScoringFeatures(new ScoringFeatureSettings());
        RankerBundle.Write(WalsOnly(layout), _folder);
        Assert.Equal(new[] { "features.json", "normalization.json", "ranker.json", "ranker.onnx" }, Directory.GetFiles(_folder).Select(f => Path.GetFileName(f)!).Order().ToArray());

        using var scorer = new RankerCandidateScorer(RankerBundle.Load(_folder), Videos(layout),
            (r, _) => ValueTask.FromResult(new ScoringUser { UserId = r.UserId, Wals = new float[] { 0.5f, 0 } }));
        ICandidateScorer stage = scorer;
        MergedCandidate[] candidates = [new("a", 0, [], 0.03), new("b", 1, [], 0.02), new("c", 2, [], 0.01), new("unknown", 3, [], 0.005)];

        var scores = await stage.ScoreAsync(new CandidateRequest { UserId = "u", Now = DateTimeOffset.UnixEpoch }, candidates, CancellationToken.None);

        // Logit 2 × wals_score: a 1.0, b 3.0, c 2.0 (WALS 0.5·1, 0.5·3, 0.5·2), unknown 0 (missing → default 0).
        Assert.Equal(4, scores.Length);
        Assert.Equal(1 / (1 + Math.Exp(-1.0)), scores[0], 5);
        Assert.Equal(1 / (1 + Math.Exp(-3.0)), scores[1], 5);
        Assert.Equal(1 / (1 + Math.Exp(-2.0)), scores[2], 5);
        Assert.Equal(0.5, scores[3], 5);
        Assert.StartsWith("ranker-v1-", stage.Name);
        Assert.Empty(await stage.ScoreAsync(new CandidateRequest { UserId = "u", Now = DateTimeOffset.UnixEpoch }, [], CancellationToken.None));
    }

    [Fact]
    public void A_folder_with_a_missing_or_disagreeing_file_is_refused_naming_the_file()
    {
        var layout = new ScoringFeatures(new ScoringFeatureSettings());
        RankerBundle.Write(WalsOnly(layout), _folder);
        var stats = Path.Combine(_folder, RankerBundle.NormalizationFile);
        var f = layout.Count;
        File.WriteAllText(stats, new NormalizationStats(new float[f], [.. Enumerable.Repeat(2f, f)]).ToJson());
        Assert.Contains("normalization.json", Assert.Throws<InvalidDataException>(() => RankerBundle.Load(_folder)).Message);

        File.Delete(stats);
        Assert.Contains("normalization.json", Assert.Throws<FileNotFoundException>(() => RankerBundle.Load(_folder)).Message);
        Assert.Throws<DirectoryNotFoundException>(() => RankerBundle.Load(Path.Combine(_folder, "nope")));
    }

    [Fact]
    public void A_cache_of_another_layout_is_refused()
    {
        var layout = new ScoringFeatures(new ScoringFeatureSettings());
        var other = new ScoringFeatures(new ScoringFeatureSettings { RecentWatches = 7 });
        using var onnx = OnnxScorer.Load(RankerOnnxExporter.ExportToBytes(WalsOnly(layout)));
        Assert.Contains("layout", Assert.Throws<ArgumentException>(() =>
            new RankerCandidateScorer(onnx, Videos(other), (r, _) => ValueTask.FromResult(new ScoringUser { UserId = r.UserId }))).Message);
    }

    [Fact]
    public void An_untrained_residual_ranker_orders_every_group_exactly_as_its_residual_column()
    {
        TorchRuntime.Initialize();
        var rows = PlantedRows.Make(200, 21);
        var stats = NormalizationStats.Compute(rows.Rows, rows.Features);
        using var generator = new Generator(5);
        var column = PlantedRows.Layout.Offset("wals_score");
        using var module = new RankerModule(RankerArchitecture.Dcn, PlantedRows.Layout, stats, [16, 8], 2, generator, column, 1.5f);

        var probabilities = RankerTrainer.Predict(module, rows);

        // sigmoid(1.5 · (x − mean) / std + 0): strictly increasing in the column, the same order.
        for (var r = 0; r < rows.Count; r++)
        {
            var z = (rows.Rows[r * rows.Features + column] - stats.Mean[column]) / stats.Std[column];
            Assert.Equal(1 / (1 + Math.Exp(-1.5 * z)), probabilities[r], 4);
        }
    }
}

public sealed class PlattScalingTests
{
    [Fact]
    public void Platt_scaling_fixes_an_overconfident_ranker_keeps_its_order_and_is_folded_into_the_onnx_graph()
    {
        // Labels drawn from p = σ(x) on a column x ~ N(0, 1); the ranker's logit is 4x + 1, too sharp and shifted.
        var layout = new ScoringFeatures(new ScoringFeatureSettings());
        var f = layout.Count;
        var column = layout.Offset("wals_score");
        var random = new Random(9);
        const int n = 4000;
        var rows = new float[n * f];
        var labels = new float[n];
        for (var i = 0; i < n; i++)
        {
            var x = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
            rows[i * f + column] = x;
            labels[i] = random.NextDouble() < 1 / (1 + Math.Exp(-x)) ? 1 : 0;
        }

        var validation = new RankerData(rows, f, labels, new float[n], [.. Enumerable.Repeat(1f, n)], [0, n]);
        var head = new float[2 * f];
        head[column] = 4;
        var weights = new RankerWeights(RankerArchitecture.Mlp, layout, new NormalizationStats(new float[f], [.. Enumerable.Repeat(1f, f)]), [], [],
            new DenseLayer(head, [1, 0]), new DenseLayer(new float[2 * f], [0, 0]), 1, 0);
        using var before = OnnxScorer.Load(RankerOnnxExporter.ExportToBytes(weights));
        var raw = new float[n];
        before.Score(rows, n, raw);

        var (calibrated, probabilities) = RankerTrainer.PlattScale(weights, raw, validation);

        // The fit recovers a ≈ 1/4 and b ≈ −1/4 (logit x): weight 1 on the column, bias ≈ 0.
        Assert.InRange(calibrated.Head.Weight[column], 0.85, 1.15);
        Assert.InRange(calibrated.Head.Bias[0], -0.15, 0.15);
        Assert.True(ScoringMetrics.LogLoss(probabilities, labels) < ScoringMetrics.LogLoss(raw, labels) - 0.05);
        using var after = OnnxScorer.Load(RankerOnnxExporter.ExportToBytes(calibrated));
        var served = new float[n];
        after.Score(rows, n, served);
        // Where the raw probability is not saturated in float32 (its logit is recoverable), the graph outputs the calibrated one.
        var unsaturated = Enumerable.Range(0, n).Where(i => raw[i] is > 1e-3f and < 1 - 1e-3f).ToArray();
        Assert.True(unsaturated.Length > n * 0.8);
        var gap = unsaturated.Max(i => Math.Abs(served[i] - probabilities[i]));
        Assert.True(gap < 1e-4, $"the graph should output the calibrated probability (largest gap {gap})");
        // Order kept where the raw probability is not saturated (near 0 or 1 float32 sigmoids are not even monotone).
        var order = unsaturated.OrderBy(i => raw[i]).ToArray();
        for (var k = 1; k < order.Length; k++)
        {
            // Rows whose raw probabilities tie in float32 (saturated at 0 or 1) may be in any order.
            Assert.True(raw[order[k]] == raw[order[k - 1]] || served[order[k]] >= served[order[k - 1]] - 1e-6f, $"calibration must keep the order: raw {raw[order[k - 1]]} → {served[order[k - 1]]}, raw {raw[order[k]]} → {served[order[k]]}");
        }
    }
}
