using VideoRec.TwoTower.Towers;

namespace VideoRec.TwoTower.Tests;

public sealed class WeightsTests
{
    [Theory]
    [InlineData("missing-table", "Tables[video_id]")]
    [InlineData("short-table", "Tables[country]")]
    [InlineData("extra-table", "Tables[genre]")]
    [InlineData("nan-in-table", "Tables[user_id]")]
    [InlineData("missing-layer", "Layers")]
    [InlineData("wrong-weight", "Layers[1].Weight")]
    [InlineData("wrong-bias", "Layers[0].Bias")]
    [InlineData("infinite-bias", "Layers[2].Bias")]
    [InlineData("bad-layout", "OutputDimensions")]
    public void ValidateNamesTheBadArray(string change, string field)
    {
        var layout = TestTowers.UserLayout(16, 12);
        var weights = TestTowers.RandomWeights(layout, 7);
        switch (change)
        {
            case "missing-table": weights.Tables.Remove("video_id"); break;
            case "short-table": weights.Tables["country"] = new float[14]; break;
            case "extra-table": weights.Tables["genre"] = new float[4]; break;
            case "nan-in-table": weights.Tables["user_id"][17] = float.NaN; break;
            case "missing-layer": weights.Layers.RemoveAt(2); break;
            case "wrong-weight": weights.Layers[1] = weights.Layers[1] with { Weight = new float[16 * 12 - 1] }; break;
            case "wrong-bias": weights.Layers[0] = weights.Layers[0] with { Bias = new float[15] }; break;
            case "infinite-bias": weights.Layers[2].Bias[3] = float.PositiveInfinity; break;
            case "bad-layout": layout.OutputDimensions = -1; break;
            default: throw new ArgumentOutOfRangeException(nameof(change));
        }

        var exception = Assert.Throws<ArgumentException>(weights.Validate);
        Assert.Equal(field, exception.ParamName);
    }

    [Fact]
    public void LinearLayerReportsItsWidths()
    {
        var layer = new LinearLayer(new float[12], new float[3]);
        Assert.Equal(3, layer.OutputWidth);
        Assert.Equal(4, layer.InputWidth);
    }
}
