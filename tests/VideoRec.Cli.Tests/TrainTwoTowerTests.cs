using VideoRec.Cli.Tests.Support;
using VideoRec.TwoTower.Serving;

namespace VideoRec.Cli.Tests;

/// <summary><c>train --two-tower</c> writes what serving loads: spec, ONNX towers and the catalogue's video embeddings.</summary>
public sealed class TrainTwoTowerTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Train_with_two_tower_writes_onnx_towers_that_load_and_embeddings_for_every_video()
    {
        var data = TinyData.WritePlanted100K(_temp.Folder("planted"));
        var models = _temp.Folder("models");
        var jsonPath = _temp["train.json"];

        await Vrec.SucceedsAsync("train", "--data", data, "--output", models, "--no-eval", "--factors", "8", "--iterations", "2", "--two-tower", "--two-tower-epochs", "2", "--json", jsonPath);

        var json = Vrec.ReadJson(jsonPath);
        var folder = (string)json["twotower"]!["folder"]!;
        Assert.Equal(Path.Combine((string)json["bundle"]!, "twotower"), folder);
        Assert.Equal(40, (int)json["twotower"]!["videos"]!);
        using var model = TwoTowerModel.Load(folder);
        Assert.Equal(64, model.Dimensions);
        Assert.Equal((string)json["twotower"]!["feature_spec"]!, model.Encoder.Spec.Fingerprint);
        Assert.Equal(40 * 64 * sizeof(float), new FileInfo(Path.Combine(folder, "video_embeddings.f32")).Length);
        Assert.Equal(40, File.ReadAllLines(Path.Combine(folder, "video_ids.txt")).Length);
        var vectors = new float[40 * 64];
        Buffer.BlockCopy(File.ReadAllBytes(Path.Combine(folder, "video_embeddings.f32")), 0, vectors, 0, vectors.Length * sizeof(float));
        Assert.All(Enumerable.Range(0, 40), v => Assert.Equal(1f, MathF.Sqrt(vectors.AsSpan(v * 64, 64).ToArray().Sum(x => x * x)), 3));

        // Serving loads the folder: the two-tower source runs with the ONNX user tower and proposes videos.
        var recommendPath = _temp["recommend.json"];
        await Vrec.SucceedsAsync("recommend", "--model", models, "--user", "1", "--k", "5", "--explain", "--json", recommendPath);
        var page = Vrec.ReadJson(recommendPath);
        var towerSource = page["explain"]!["sources"]!.AsArray().Single(s => (string?)s!["source"] == "twotower")!;
        Assert.Equal("ok", (string?)towerSource["status"]);
        Assert.True((int)towerSource["proposed"]! > 0);
        Assert.Empty(page["degraded"]!.AsArray());
        Assert.Contains(page["items"]!.AsArray(), i => i!["sources"]!.AsArray().Any(s => (string?)s == "twotower"));
    }
}
