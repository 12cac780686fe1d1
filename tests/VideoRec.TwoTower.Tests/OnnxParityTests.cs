using VideoRec.TwoTower.Onnx;
using VideoRec.TwoTower.Towers;
using Xunit.Abstractions;

namespace VideoRec.TwoTower.Tests;

/// <summary>The exported ONNX model against the plain C# forward pass.</summary>
public sealed class OnnxParityTests(ITestOutputHelper output)
{
    private const float Tolerance = 1e-5f;

    [Theory]
    [InlineData(1, 1, 11)]
    [InlineData(1, 64, 12)]
    [InlineData(2, 1, 13)]
    [InlineData(2, 64, 14)]
    public void OnnxMatchesReference(int hiddenLayers, int batch, int seed)
    {
        var layout = TestTowers.UserLayout(hiddenLayers == 1 ? [16] : [16, 12]);
        var weights = TestTowers.RandomWeights(layout, seed);
        var inputs = TestTowers.RandomInputs(layout, batch, seed + 1000);

        var expected = new TowerReference(weights).Forward(inputs);
        using var tower = OnnxTower.Load(TowerOnnxExporter.ExportToBytes(weights));
        var actual = tower.Embed(inputs);

        Assert.Equal(batch * layout.OutputDimensions, actual.Length);
        var difference = TestTowers.MaxAbsDifference(expected, actual);
        output.WriteLine($"hidden layers {hiddenLayers}, batch {batch}: max |onnx - reference| = {difference:E2}");
        Assert.True(difference < Tolerance, $"max |onnx - reference| = {difference}");
        for (var b = 0; b < batch; b++)
        {
            Assert.Equal(1.0, TestTowers.RowNorm(actual, b, layout.OutputDimensions), 1e-5);
            Assert.Equal(1.0, TestTowers.RowNorm(expected, b, layout.OutputDimensions), 1e-5);
        }
    }

    [Fact]
    public void BagsOfLengthZeroAndAllPaddingRowsPoolToZeros()
    {
        var layout = TestTowers.UserLayout(16);
        var weights = TestTowers.RandomWeights(layout, 21);
        var inputs = TestTowers.RandomInputs(layout, 5, 22);
        inputs.WithBag("watched", [], 0); // [5, 0]: every row empty
        inputs.WithBag("liked", [.. Enumerable.Repeat(TowerLayout.Padding, 5 * 4)], 4); // [5, 4]: every row padding

        var expected = new TowerReference(weights).Forward(inputs);
        using var tower = OnnxTower.Load(TowerOnnxExporter.ExportToBytes(weights));
        Assert.True(TestTowers.MaxAbsDifference(expected, tower.Embed(inputs)) < Tolerance);

        // Empty bags pool to zeros: the same as non-empty bags reading a table of zeros.
        var zeroTables = TestTowers.RandomWeights(layout, 21);
        zeroTables.Tables["video_id"] = new float[40 * 6];
        var withZeroRows = TestTowers.RandomInputs(layout, 5, 22);
        Assert.True(TestTowers.MaxAbsDifference(expected, new TowerReference(zeroTables).Forward(withZeroRows)) < Tolerance);
    }

    [Fact]
    public void ZeroPreNormalisationVectorGivesZerosNotNaN()
    {
        var layout = TestTowers.UserLayout(16);
        var weights = TestTowers.RandomWeights(layout, 31);
        weights.Layers[^1] = new LinearLayer(new float[layout.OutputDimensions * 16], new float[layout.OutputDimensions]);
        var inputs = TestTowers.RandomInputs(layout, 9, 32);

        var expected = new TowerReference(weights).Forward(inputs);
        using var tower = OnnxTower.Load(TowerOnnxExporter.ExportToBytes(weights));
        var actual = tower.Embed(inputs);

        Assert.All(expected, v => Assert.Equal(0f, v));
        Assert.All(actual, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void ReluThatSilencesEveryUnitGivesZeros()
    {
        // Hidden layer with zero weights and negative bias: ReLU outputs zeros, the output layer has zero bias.
        var layout = TestTowers.UserLayout(4);
        var weights = TestTowers.RandomWeights(layout, 41);
        weights.Layers[0] = new LinearLayer(new float[4 * layout.InputWidth], [-1f, -2f, -0.5f, -3f]);
        weights.Layers[1] = weights.Layers[1] with { Bias = new float[layout.OutputDimensions] };
        var inputs = TestTowers.RandomInputs(layout, 3, 42);

        using var tower = OnnxTower.Load(TowerOnnxExporter.ExportToBytes(weights));
        Assert.All(tower.Embed(inputs), v => Assert.Equal(0f, v));
        Assert.All(new TowerReference(weights).Forward(inputs), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void TowerWithoutHiddenLayersOrTablesMatches()
    {
        var layout = new TowerLayout
        {
            Name = TowerLayout.VideoTower,
            Denses = [new DenseFeature("text_embedding", 12)],
            OutputDimensions = 5,
        };
        var weights = TestTowers.RandomWeights(layout, 51);
        var inputs = new TowerInputs(4).WithDense("text_embedding", TestTowers.Uniform(new Random(52), 48, 1f));

        using var tower = OnnxTower.Load(TowerOnnxExporter.ExportToBytes(weights));
        Assert.True(TestTowers.MaxAbsDifference(new TowerReference(weights).Forward(inputs), tower.Embed(inputs)) < Tolerance);
    }
}
