using VideoRec.Core.Scoring;
using VideoRec.Scoring.Model;
using VideoRec.Scoring.Onnx;
using VideoRec.Training.Scoring;

namespace VideoRec.Training.Tests.Scoring;

public sealed class RankerTrainingTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly RankerOptions Options = new() { Hidden = [32, 16], Epochs = 25, BatchSize = 128, LearningRate = 3e-3, Seed = 7 };

    [Theory]
    [InlineData(RankerArchitecture.Mlp)]
    [InlineData(RankerArchitecture.Dcn)]
    public void The_ranker_learns_a_planted_cross_feature_and_onnx_scores_it_the_same(RankerArchitecture architecture)
    {
        var train = PlantedRows.Make(20000, 1);
        var validation = PlantedRows.Make(1000, 2);
        var test = PlantedRows.Make(2000, 3);

        var result = RankerTrainer.Fit(PlantedRows.Layout, train, validation, Options with { Architectures = [architecture] });

        Assert.Equal(architecture, result.Weights.Architecture);
        using var scorer = OnnxScorer.Load(RankerOnnxExporter.ExportToBytes(result.Weights));
        var scores = new float[test.Count];
        scorer.Score(test.Rows, test.Count, scores);
        var auc = ScoringMetrics.Auc(scores, test.Relevance);
        output.WriteLine($"{architecture}: test AUC {auc:F4}, validation AUC {result.Chosen.Auc:F4}, best epoch {result.Chosen.BestEpoch}");
        Assert.True(auc >= 0.9, $"{architecture}: test AUC {auc:F3} on the planted interaction (each column alone: 0.5)");
        Assert.True(result.Chosen.Auc >= 0.9, $"validation AUC {result.Chosen.Auc:F3}");
        Assert.Equal(10, result.Calibration.Length);
        Assert.Equal(validation.Count, result.Calibration.Sum(b => b.Rows));
        // One column alone carries nothing: the label is not in the features by leakage.
        var walsOnly = Enumerable.Range(0, test.Count).Select(r => test.Rows[r * test.Features + PlantedRows.Layout.Offset("wals_score")]).ToArray();
        Assert.InRange(ScoringMetrics.Auc(walsOnly, test.Relevance), 0.45, 0.55);
    }

    [Fact]
    public void Training_is_seeded_and_picks_the_architecture_with_the_better_validation_ndcg()
    {
        var train = PlantedRows.Make(1500, 4);
        var validation = PlantedRows.Make(500, 5);
        var quick = Options with { Epochs = 3 };

        var first = RankerTrainer.Fit(PlantedRows.Layout, train, validation, quick);
        var second = RankerTrainer.Fit(PlantedRows.Layout, train, validation, quick);

        Assert.Equal(first.Weights.Head.Weight, second.Weights.Head.Weight);
        Assert.Equal(2, first.Results.Count);
        Assert.Equal(first.Results.MaxBy(r => r.Ndcg)!.Architecture, first.Weights.Architecture);
    }

    [Fact]
    public void Training_without_a_positive_row_is_refused()
    {
        var train = PlantedRows.Make(200, 6);
        Array.Clear(train.Relevance);

        var error = Assert.Throws<ArgumentException>(() => RankerTrainer.Fit(PlantedRows.Layout, train, PlantedRows.Make(100, 7), Options));

        Assert.Contains("no positive", error.Message);
    }

    [Fact]
    public void Pooled_rows_keep_their_groups()
    {
        var a = new RankerData([1, 2, 3, 4, 5, 6], 2, [1, 0, 0], [1, 0, 0], [1, 1, 4], [0, 1, 3]);
        var b = new RankerData([7, 8, 9, 10], 2, [0, 1], [0, 1], [2, 1], [0, 2]);

        var pooled = RankerData.Concat([a, b]);

        Assert.Equal([0, 1, 3, 5], pooled.GroupStarts);
        Assert.Equal([1f, 0, 0, 0, 1], pooled.Relevance);
        Assert.Equal([1f, 1, 4, 2, 1], pooled.Weight);
        Assert.Equal(10, pooled.Rows.Length);
        Assert.Equal(7, pooled.Rows[6]);
        Assert.Throws<ArgumentException>(() => RankerData.Concat([a, new RankerData([1], 1, [1], [1], [1], [0, 1])]));
    }
}
