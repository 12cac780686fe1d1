using System.Text.Json;
using VideoRec.TwoTower.Towers;

namespace VideoRec.TwoTower.Tests;

public sealed class LayoutTests
{
    [Fact]
    public void InputWidthAddsTableDimensionsOfEveryInputAndDenseWidths()
    {
        // user_id 8 + country 3 + watched 6 + liked 6 + activity 4 + age 1.
        Assert.Equal(28, TestTowers.UserLayout(16).InputWidth);
    }

    [Fact]
    public void JsonIsCamelCaseAndRoundTrips()
    {
        var layout = TestTowers.UserLayout(16, 12);
        var json = layout.ToJson();

        using (var document = JsonDocument.Parse(json))
        {
            var root = document.RootElement;
            Assert.Equal("user", root.GetProperty("name").GetString());
            Assert.Equal(8, root.GetProperty("outputDimensions").GetInt32());
            Assert.Equal([16, 12], root.GetProperty("hidden").EnumerateArray().Select(e => e.GetInt32()));
            var table = root.GetProperty("tables")[2];
            Assert.Equal("video_id", table.GetProperty("name").GetString());
            Assert.Equal(40, table.GetProperty("rows").GetInt32());
            Assert.Equal(6, table.GetProperty("dimensions").GetInt32());
            Assert.Equal("video_id", root.GetProperty("bags")[1].GetProperty("table").GetString());
            Assert.Equal(4, root.GetProperty("denses")[0].GetProperty("width").GetInt32());
            Assert.False(root.TryGetProperty("inputWidth", out _));
        }

        var back = TowerLayout.FromJson(json);
        back.Validate();
        Assert.Equal(layout.Name, back.Name);
        Assert.Equal(layout.Tables, back.Tables);
        Assert.Equal(layout.Categoricals, back.Categoricals);
        Assert.Equal(layout.Bags, back.Bags);
        Assert.Equal(layout.Denses, back.Denses);
        Assert.Equal(layout.Hidden, back.Hidden);
        Assert.Equal(layout.OutputDimensions, back.OutputDimensions);
        Assert.Equal(layout.InputWidth, back.InputWidth);
        Assert.Equal(json, back.ToJson());
        Assert.Equal(json, TowerLayout.FromJson(layout.ToJson(indented: false)).ToJson());
    }

    [Theory]
    [InlineData("empty-name", "Name")]
    [InlineData("unknown-table", "Categoricals[1].Table")]
    [InlineData("bag-unknown-table", "Bags[0].Table")]
    [InlineData("duplicate-bag", "Bags[1].Name")]
    [InlineData("dense-named-like-categorical", "Denses[0].Name")]
    [InlineData("reserved-output-name", "Denses[1].Name")]
    [InlineData("dotted-input-name", "Categoricals[0].Name")]
    [InlineData("duplicate-table", "Tables[1].Name")]
    [InlineData("zero-rows", "Tables[0].Rows")]
    [InlineData("negative-dimensions", "Tables[2].Dimensions")]
    [InlineData("zero-width", "Denses[1].Width")]
    [InlineData("zero-hidden", "Hidden[1]")]
    [InlineData("zero-output", "OutputDimensions")]
    [InlineData("no-input", "Categoricals")]
    public void ValidateNamesTheBadField(string change, string field)
    {
        var layout = TestTowers.UserLayout(16, 12);
        switch (change)
        {
            case "empty-name": layout.Name = ""; break;
            case "unknown-table": layout.Categoricals[1] = new CategoricalFeature("country", "region"); break;
            case "bag-unknown-table": layout.Bags[0] = new BagFeature("watched", "videos"); break;
            case "duplicate-bag": layout.Bags[1] = new BagFeature("watched", "video_id"); break;
            case "dense-named-like-categorical": layout.Denses[0] = new DenseFeature("user_id", 4); break;
            case "reserved-output-name": layout.Denses[1] = new DenseFeature("embedding", 1); break;
            case "dotted-input-name": layout.Categoricals[0] = new CategoricalFeature("user.id", "user_id"); break;
            case "duplicate-table": layout.Tables[1] = new EmbeddingTable("user_id", 5, 3); break;
            case "zero-rows": layout.Tables[0] = new EmbeddingTable("user_id", 0, 8); break;
            case "negative-dimensions": layout.Tables[2] = new EmbeddingTable("video_id", 40, -6); break;
            case "zero-width": layout.Denses[1] = new DenseFeature("age", 0); break;
            case "zero-hidden": layout.Hidden = [16, 0]; break;
            case "zero-output": layout.OutputDimensions = 0; break;
            case "no-input": layout.Categoricals = []; layout.Bags = []; layout.Denses = []; break;
            default: throw new ArgumentOutOfRangeException(nameof(change));
        }

        var exception = Assert.Throws<ArgumentException>(layout.Validate);
        Assert.Equal(field, exception.ParamName);
        Assert.Contains(field, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidLayoutPasses()
    {
        TestTowers.UserLayout().Validate();
        TestTowers.UserLayout(16, 12).Validate();
    }

    [Fact]
    public void LayoutFromJsonWithMissingFieldsFailsValidation()
    {
        var layout = TowerLayout.FromJson("""{"name":"video","tables":[{"name":"video_id","rows":10}],"categoricals":[{"name":"video_id","table":"video_id"}],"outputDimensions":4}""");
        var exception = Assert.Throws<ArgumentException>(layout.Validate);
        Assert.Equal("Tables[0].Dimensions", exception.ParamName);
    }
}
