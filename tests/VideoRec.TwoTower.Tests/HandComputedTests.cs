using VideoRec.TwoTower.Onnx;
using VideoRec.TwoTower.Towers;

namespace VideoRec.TwoTower.Tests;

/// <summary>Tiny towers whose outputs are worked out by hand.</summary>
public sealed class HandComputedTests
{
    // Table t, 3 × 2: row 0 = [1, 2], row 1 = [3, 4], row 2 = [5, 6].
    private static readonly float[] Table = [1, 2, 3, 4, 5, 6];

    /// <summary>
    /// Features [item (2), history (2), boost (1)], no hidden layer, output layer
    /// W = [[1, 0, 0, 0, 0], [0, 0, 0, 1, 1]], b = 0: out = [item₀, history₁ + boost].
    /// </summary>
    private static TowerWeights LinearTower()
    {
        var layout = new TowerLayout
        {
            Name = TowerLayout.VideoTower,
            Tables = [new EmbeddingTable("t", 3, 2)],
            Categoricals = [new CategoricalFeature("item", "t")],
            Bags = [new BagFeature("history", "t")],
            Denses = [new DenseFeature("boost", 1)],
            OutputDimensions = 2,
        };
        return new TowerWeights(
            layout,
            [new("t", Table)],
            [new LinearLayer([1, 0, 0, 0, 0, 0, 0, 0, 1, 1], [0, 0])]);
    }

    private static TowerInputs LinearInputs() => new TowerInputs(3)
        .WithCategorical("item", [1, 0, 2])
        .WithBag("history", [[0, 2], [], [1]]) // padded with -1 to [3, 2]
        .WithDense("boost", [0, 0, 8]);

    // Example 0: item 1 → [3, 4]; history {0, 2} → mean([1, 2], [5, 6]) = [3, 4]; out = [3, 4 + 0] → /5 → [0.6, 0.8].
    // Example 1: item 0 → [1, 2]; history all padding → [0, 0]; out = [1, 0] → [1, 0].
    // Example 2: item 2 → [5, 6]; history {1} → [3, 4]; boost 8; out = [5, 4 + 8] = [5, 12] → /13 → [5/13, 12/13].
    private static readonly float[] LinearExpected = [0.6f, 0.8f, 1f, 0f, 5f / 13f, 12f / 13f];

    [Fact]
    public void ReferenceComputesTheHandWorkedNumbers()
    {
        var actual = new TowerReference(LinearTower()).Forward(LinearInputs());
        AssertNumbers(LinearExpected, actual);
    }

    [Fact]
    public void OnnxComputesTheHandWorkedNumbers()
    {
        using var tower = OnnxTower.Load(TowerOnnxExporter.ExportToBytes(LinearTower()));
        AssertNumbers(LinearExpected, tower.Embed(LinearInputs()));
    }

    [Fact]
    public void ReluZeroesNegativeHiddenUnits()
    {
        // item → [t row] → hidden 2 × 2, W = [[1, 0], [0, -1]] → ReLU → output identity → normalise.
        var layout = new TowerLayout
        {
            Name = TowerLayout.UserTower,
            Tables = [new EmbeddingTable("t", 3, 2)],
            Categoricals = [new CategoricalFeature("item", "t")],
            Hidden = [2],
            OutputDimensions = 2,
        };
        var weights = new TowerWeights(layout, [new("t", Table)], [new LinearLayer([1, 0, 0, -1], [0, 0]), new LinearLayer([1, 0, 0, 1], [0, 0])]);
        var inputs = new TowerInputs(2).WithCategorical("item", [1, 2]);

        // item 1 → [3, 4] → [3, -4] → ReLU [3, 0] → [1, 0]; item 2 → [5, 6] → [5, -6] → [5, 0] → [1, 0].
        float[] expected = [1, 0, 1, 0];
        AssertNumbers(expected, new TowerReference(weights).Forward(inputs));
        using var tower = OnnxTower.Load(TowerOnnxExporter.ExportToBytes(weights));
        AssertNumbers(expected, tower.Embed(inputs));
    }

    private static void AssertNumbers(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            if (expected[i] is 0f or 1f or 0.6f or 0.8f)
            {
                // Exact in both paths: every sum, square root and quotient on the way is exact or correctly rounded.
                Assert.Equal(expected[i], actual[i]);
            }
            else
            {
                // 5/13 and 12/13: the reference divides in double then rounds, ONNX divides in float; at most a last-bit difference.
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-7f, $"element {i}: expected {expected[i]:R}, got {actual[i]:R}");
            }
        }
    }
}
