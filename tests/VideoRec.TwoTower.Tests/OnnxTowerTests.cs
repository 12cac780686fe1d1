using Google.Protobuf;
using Onnx;
using VideoRec.TwoTower.Onnx;
using VideoRec.TwoTower.Towers;

namespace VideoRec.TwoTower.Tests;

public sealed class OnnxTowerTests
{
    private static readonly Dictionary<string, string> Extra = new()
    {
        ["videorec.feature_spec_version"] = "3",
        ["videorec.trained_at"] = "2025-01-31T12:00:00Z",
    };

    [Fact]
    public void MetadataRoundTripsLayoutAndExtraKeysThroughAFile()
    {
        var layout = TestTowers.UserLayout(16, 12);
        var weights = TestTowers.RandomWeights(layout, 61);
        using var folder = new TempDirectory();
        var path = Path.Combine(folder.Path, "models", "user_tower.onnx");
        TowerOnnxExporter.Export(weights, path, Extra);

        using var tower = OnnxTower.Load(path, new OnnxTowerOptions { IntraOpThreads = 2 });

        Assert.Equal(layout.ToJson(), tower.Layout.ToJson());
        Assert.Equal(8, tower.OutputDimensions);
        Assert.Equal("3", tower.Metadata["videorec.feature_spec_version"]);
        Assert.Equal("2025-01-31T12:00:00Z", tower.Metadata["videorec.trained_at"]);
        Assert.Equal(layout.ToJson(indented: false), tower.Metadata[TowerOnnxExporter.LayoutMetadataKey]);
        Assert.False(File.Exists(path + ".tmp"));

        var inputs = TestTowers.RandomInputs(layout, 4, 62);
        Assert.True(TestTowers.MaxAbsDifference(new TowerReference(weights).Forward(inputs), tower.Embed(inputs)) < 1e-5f);

        // Layout is a copy: changing it does not change the checks the tower makes.
        tower.Layout.Bags.Clear();
        Assert.Equal(4 * 8, tower.Embed(inputs).Length);
    }

    [Fact]
    public void ExportToStreamEqualsExportToBytesAndIsDeterministic()
    {
        var weights = TestTowers.RandomWeights(TestTowers.UserLayout(16), 71);
        using var stream = new MemoryStream();
        TowerOnnxExporter.Export(weights, stream, Extra);

        var bytes = TowerOnnxExporter.ExportToBytes(weights, new Dictionary<string, string>(Extra.Reverse()));
        Assert.Equal(bytes, stream.ToArray());
        Assert.Equal(bytes, TowerOnnxExporter.ExportToBytes(weights, Extra));
    }

    [Fact]
    public void ExportedGraphHasTheDeclaredOpsetNamesAndDynamicDimensions()
    {
        var weights = TestTowers.RandomWeights(TestTowers.UserLayout(16, 12), 81);
        var model = ModelProto.Parser.ParseFrom(TowerOnnxExporter.ExportToBytes(weights, Extra));

        Assert.Equal(8, model.IrVersion);
        var opset = Assert.Single(model.OpsetImport);
        Assert.Equal("", opset.Domain);
        Assert.Equal(17, opset.Version);
        Assert.Equal("VideoRec", model.ProducerName);
        Assert.Equal(
            [TowerOnnxExporter.LayoutMetadataKey, "videorec.feature_spec_version", "videorec.trained_at"],
            model.MetadataProps.Select(p => p.Key));

        var graph = model.Graph;
        Assert.Equal(["user_id", "country", "watched", "liked", "activity", "age"], graph.Input.Select(i => i.Name));
        var watched = graph.Input[2].Type.TensorType;
        Assert.Equal((int)TensorProto.Types.DataType.Int64, watched.ElemType);
        Assert.Equal(["batch", "watched_length"], watched.Shape.Dim.Select(d => d.DimParam));
        var activity = graph.Input[4].Type.TensorType;
        Assert.Equal("batch", activity.Shape.Dim[0].DimParam);
        Assert.Equal(4, activity.Shape.Dim[1].DimValue);

        var output = Assert.Single(graph.Output);
        Assert.Equal("embedding", output.Name);
        Assert.Equal("batch", output.Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal(8, output.Type.TensorType.Shape.Dim[1].DimValue);

        var initializers = graph.Initializer.Select(i => i.Name).ToList();
        Assert.Single(initializers, n => n == "table/video_id"); // one table, read by both bags
        Assert.Contains("hidden0/weight", initializers);
        Assert.Contains("hidden1/bias", initializers);
        Assert.Contains("output/weight", initializers);
        var table = graph.Initializer.Single(i => i.Name == "table/video_id");
        Assert.Equal([40L, 6L], table.Dims);
        Assert.Equal(40 * 6 * sizeof(float), table.RawData.Length);
        Assert.Equal([8L, 12L], graph.Initializer.Single(i => i.Name == "output/weight").Dims);

        string[] allowed = ["Gather", "Equal", "Not", "Where", "Cast", "Unsqueeze", "Mul", "ReduceSum", "Max", "Div", "Concat", "Gemm", "Relu", "ReduceL2"];
        Assert.All(graph.Node, n => Assert.Contains(n.OpType, allowed));
        Assert.Equal(2, graph.Node.Count(n => n.OpType == "Relu"));
        Assert.Equal(3, graph.Node.Count(n => n.OpType == "Gemm"));
        Assert.Contains(graph.Node, n => n.Name == "watched/mean");
        Assert.Equal("embedding", graph.Node[^1].Output.Single());
    }

    [Fact]
    public void ReservedOrEmptyMetadataKeysAreRejected()
    {
        var weights = TestTowers.RandomWeights(TestTowers.UserLayout(16), 91);
        Assert.Throws<ArgumentException>(() => TowerOnnxExporter.ExportToBytes(weights, new Dictionary<string, string> { [TowerOnnxExporter.LayoutMetadataKey] = "{}" }));
        Assert.Throws<ArgumentException>(() => TowerOnnxExporter.ExportToBytes(weights, new Dictionary<string, string> { [""] = "x" }));
    }

    [Fact]
    public void InvalidWeightsAreNotExported()
    {
        var weights = TestTowers.RandomWeights(TestTowers.UserLayout(16), 92);
        weights.Tables.Remove("country");
        var exception = Assert.Throws<ArgumentException>(() => TowerOnnxExporter.ExportToBytes(weights));
        Assert.Equal("Tables[country]", exception.ParamName);
    }

    [Fact]
    public void ModelWithoutLayoutMetadataIsRejected()
    {
        var model = TowerOnnxExporter.BuildModel(TestTowers.RandomWeights(TestTowers.UserLayout(16), 93));
        model.MetadataProps.Clear();
        var exception = Assert.Throws<InvalidDataException>(() => OnnxTower.Load(model.ToByteArray()));
        Assert.Contains(TowerOnnxExporter.LayoutMetadataKey, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelWhoseInputsDoNotMatchItsLayoutIsRejected()
    {
        var layout = TestTowers.UserLayout(16);
        var model = TowerOnnxExporter.BuildModel(TestTowers.RandomWeights(layout, 94));
        var other = TestTowers.UserLayout(16);
        other.Denses[1] = new DenseFeature("age_years", 1);
        model.MetadataProps[0].Value = other.ToJson(indented: false);
        var exception = Assert.Throws<InvalidDataException>(() => OnnxTower.Load(model.ToByteArray()));
        Assert.Contains("age", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingFileIsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => OnnxTower.Load(Path.Combine(Path.GetTempPath(), "no-such-tower-" + Guid.NewGuid() + ".onnx")));
    }

    [Fact]
    public void NonPositiveThreadCountIsRejected()
    {
        var bytes = TowerOnnxExporter.ExportToBytes(TestTowers.RandomWeights(TestTowers.UserLayout(16), 95));
        Assert.Throws<ArgumentOutOfRangeException>(() => OnnxTower.Load(bytes, new OnnxTowerOptions { IntraOpThreads = 0 }));
    }
}
