using VideoRec.Cli.Tests.Support;
using VideoRec.Scoring.Serving;

namespace VideoRec.Cli.Tests;

/// <summary><c>train --ranker</c> writes the scoring model serving loads: <c>ranker/</c> with its co-watch lists.</summary>
public sealed class TrainRankerTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Train_with_the_ranker_writes_a_ranker_folder_that_serving_scores_with()
    {
        var data = TinyData.WritePlanted100K(_temp.Folder("planted"));
        var models = _temp.Folder("models");
        var jsonPath = _temp["train.json"];

        await Vrec.SucceedsAsync("train", "--data", data, "--output", models, "--no-eval", "--factors", "8", "--iterations", "2", "--two-tower", "--two-tower-epochs", "2",
            "--ranker", "--json", jsonPath);

        var json = Vrec.ReadJson(jsonPath);
        var ranker = json["ranker"]!.AsObject();
        var folder = (string)ranker["folder"]!;
        Assert.Equal(Path.Combine((string)json["bundle"]!, RankerBundle.FolderName), folder);
        Assert.Equal(85, (int)ranker["features"]!);
        Assert.True((int)ranker["training_rows"]! > 0 && (int)ranker["validation_rows"]! > 0);
        Assert.True((int)ranker["cowatch_entries"]! > 0);
        Assert.InRange((double)ranker["validation_ndcg"]!, 0, 1);
        using (var onnx = RankerBundle.Load(folder))
        {
            Assert.Equal((string)ranker["feature_layout"]!, onnx.Features.Fingerprint);
            Assert.Equal((true, 500, true), (onnx.Features.Settings.CoWatch, onnx.Features.Settings.CoWatchHistory, onnx.Features.Settings.CoWatchNormalized));
        }

        Assert.Equal(40, RankerBundle.LoadCoWatch(folder)!.Count);
        Assert.Empty(Directory.GetDirectories(models, ".ranker-*"));

        // Serving scores with it.
        var recommendPath = _temp["recommend.json"];
        await Vrec.SucceedsAsync("recommend", "--model", models, "--user", "1", "--k", "5", "--explain", "--json", recommendPath);
        var page = Vrec.ReadJson(recommendPath);
        Assert.StartsWith("ranker-v", (string)page["explain"]!["scorer"]!);
        Assert.Equal(5, page["items"]!.AsArray().Count);
        Assert.Empty(page["degraded"]!.AsArray());
    }

    [Fact]
    public async Task The_ranker_on_data_with_one_user_is_bad_input_naming_the_option_and_leaves_no_bundle()
    {
        // One user with four ratings: WALS and the two-tower train, the ranker's validation needs a second user.
        var data = TinyData.Write100K(_temp.Folder("one-user"), "1\t1\t5\t881250949\n1\t2\t4\t881250950\n1\t3\t5\t881250951\n1\t4\t4\t881250952\n");
        var models = _temp.Folder("models");

        var message = await Vrec.FailsWithBadInputAsync("train", "--data", data, "--output", models, "--no-eval", "--factors", "4", "--iterations", "2",
            "--two-tower", "--two-tower-epochs", "1", "--ranker");

        Assert.Equal("--ranker: seed 42: the ranker needs at least two users with a training history; 1 found.", message);
        Assert.Empty(Directory.GetFileSystemEntries(models));
    }

    [Fact]
    public async Task The_ranker_needs_the_two_tower()
    {
        var data = TinyData.WritePlanted100K(_temp.Folder("planted"));

        var message = await Vrec.FailsWithBadInputAsync("train", "--data", data, "--output", _temp.Folder("models"), "--ranker");

        Assert.Equal("--ranker: the scoring model reads the two-tower score; add --two-tower.", message);
    }
}
