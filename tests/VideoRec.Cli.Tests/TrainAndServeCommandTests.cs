using System.Globalization;
using System.Text.Json.Nodes;
using VideoRec.Cli.Tests.Support;

namespace VideoRec.Cli.Tests;

/// <summary><c>vrec train</c>, then <c>vrec recommend</c> and <c>vrec similar</c> on the bundle it wrote.</summary>
[Collection(CliCollection.Name)]
public sealed class TrainAndServeCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Train_writes_a_bundle_that_CURRENT_names_with_a_full_manifest()
    {
        var data = TinyData.WriteLatest(_temp.Folder("tiny"));
        var models = _temp["models"];
        var jsonPath = _temp["train.json"];
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        await Vrec.SucceedsAsync("train", "--data", data, "--output", models, "--factors", "8", "--iterations", "3", "--json", jsonPath);

        var version = File.ReadAllText(Path.Combine(models, "CURRENT")).Trim();
        var bundle = Path.Combine(models, version);
        Assert.True(File.Exists(Path.Combine(bundle, "manifest.json")), $"CURRENT names '{version}', which has no manifest.json");

        var json = Vrec.ReadJson(jsonPath);
        Assert.Equal(Path.GetFullPath(bundle), (string?)json["bundle"]);
        var manifest = json["manifest"]!.AsObject();
        Assert.Equal(version, (string?)manifest["model_version"]);
        Assert.Equal(JsonNode.Parse(File.ReadAllText(Path.Combine(bundle, "manifest.json")))!.ToJsonString(), manifest.ToJsonString());
        Assert.StartsWith("wals-", version, StringComparison.Ordinal);

        var sha = (string)manifest["data"]!["sha256"]!;
        Assert.Matches("^[0-9a-f]{64}$", sha);
        Assert.Equal(TinyData.Sha256Of(data, "movies.csv", "tags.csv", "ratings.csv"), sha);
        Assert.Equal("tiny", (string?)manifest["data"]!["name"]);
        Assert.Equal(8, (int)manifest["data"]!["users"]!);
        Assert.Equal(8, (int)manifest["data"]!["videos"]!);
        Assert.Equal(28, (int)manifest["data"]!["pairs"]!);
        Assert.Equal(8, (int)manifest["wals"]!["factors"]!);
        Assert.Equal(3, (int)manifest["wals"]!["iterations"]!);

        var createdAt = DateTimeOffset.Parse((string)manifest["created_at"]!, CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.Zero, createdAt.Offset);
        Assert.InRange(createdAt, before, DateTimeOffset.UtcNow.AddSeconds(1));

        var metrics = manifest["metrics"]!.AsObject();
        var ndcg = (double)metrics["ndcg"]!;
        Assert.InRange(ndcg, 0.0, 1.0);
        Assert.Equal(new[] { "coverage", "diversity", "hit_rate", "map", "map_at_k", "ndcg", "precision", "recall" }, metrics.Select(m => m.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Train_with_no_eval_records_no_metrics()
    {
        var data = TinyData.WriteLatest(_temp.Folder("tiny"));
        var jsonPath = _temp["train.json"];

        var result = await Vrec.SucceedsAsync("train", "--data", data, "--output", _temp["models"], "--iterations", "3", "--no-eval", "--json", jsonPath);

        Assert.Empty(Vrec.ReadJson(jsonPath)["manifest"]!["metrics"]!.AsObject());
        Assert.DoesNotContain("Held-out", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_on_the_shipped_sample_reports_held_out_ndcg()
    {
        var jsonPath = _temp["train.json"];

        var result = await Vrec.SucceedsAsync("train", "--data", Repository.ShippedSample, "--output", _temp["models"], "--factors", "16", "--iterations", "3", "--json", jsonPath);

        var manifest = Vrec.ReadJson(jsonPath)["manifest"]!;
        Assert.Equal("ml-latest-small", (string?)manifest["data"]!["name"]);
        Assert.Equal(610, (int)manifest["data"]!["users"]!);
        Assert.Equal(9742, (int)manifest["data"]!["videos"]!);
        Assert.Equal(100_836, (int)manifest["data"]!["pairs"]!);
        var ndcg = (double)manifest["metrics"]!["ndcg"]!;
        Assert.InRange(ndcg, 0.05, 1.0); // random ranking of 9,742 videos scores about 0.005
        Assert.Contains($"nDCG@10 {ndcg:F4}", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Recommend_for_a_known_user_returns_unseen_wals_items()
    {
        var models = await TrainTinyAsync();
        var jsonPath = _temp["recommend.json"];

        var result = await Vrec.SucceedsAsync("recommend", "--model", models, "--user", "1", "--k", "3", "--json", jsonPath);

        var json = Vrec.ReadJson(jsonPath);
        Assert.Equal(["requestId", "userId", "modelVersion", "items", "nextPageToken", "degraded"], json.Select(p => p.Key));
        Assert.Equal("1", (string?)json["userId"]);
        Assert.Matches("^[0-9a-f]{32}$", (string)json["requestId"]!);
        Assert.Equal(CurrentVersion(models), (string?)json["modelVersion"]);
        var items = json["items"]!.AsArray().Select(i => i!.AsObject()).ToArray();
        Assert.Equal(3, items.Length);
        Assert.All(items, i => Assert.Contains("wals", i["sources"]!.AsArray().Select(s => (string?)s)));
        Assert.Equal([0, 1, 2], items.Select(i => (int)i["position"]!));
        var ids = items.Select(i => (string)i["videoId"]!).ToArray();
        Assert.Equal(3, ids.Distinct().Count());
        Assert.All(ids, id => Assert.DoesNotContain(id, new[] { "1", "2", "3", "4" })); // user 1 rated movies 1 to 4
        var titles = new Dictionary<string, string> { ["5"] = "Sabrina (1995)", ["6"] = "Balto (1995)", ["7"] = "Nixon (1995)", ["8"] = "GoldenEye (1995)" };
        Assert.All(items, i => Assert.Equal(titles[(string)i["videoId"]!], (string?)i["title"]));
        Assert.Contains("Top 3 for user 1", result.Out, StringComparison.Ordinal);
        Assert.Contains("Next page: --page-token ", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Recommend_for_an_unknown_user_serves_the_most_popular_videos()
    {
        var models = await TrainTinyAsync();
        var jsonPath = _temp["recommend.json"];

        await Vrec.SucceedsAsync("recommend", "--model", models, "--user", "stranger", "--k", "3", "--json", jsonPath);

        var json = Vrec.ReadJson(jsonPath);
        Assert.Equal("stranger", (string?)json["userId"]);
        var items = json["items"]!.AsArray().Select(i => i!.AsObject()).ToArray();
        Assert.All(items, i => Assert.Equal(["popular"], i["sources"]!.AsArray().Select(s => (string?)s)));
        // Cold start: the popular list alone. Positive pairs: movie 1 has 5 (users 1, 2, 3, 5, 7); movies 2 and 3 have 4
        // each; ties go to the lower index. The page keeps the list's order (its fused scores fall with the rank).
        Assert.Equal(["1", "2", "3"], items.Select(i => (string)i["videoId"]!));
        var scores = items.Select(i => (double)i["score"]!).ToArray();
        Assert.Equal(scores.OrderDescending(), scores);
    }

    [Theory]
    [InlineData("recommend", "--user", "0")]
    [InlineData("recommend", "--user", "501")]
    [InlineData("similar", "--video", "0")]
    [InlineData("similar", "--video", "501")]
    public async Task K_outside_1_to_500_is_a_usage_error_naming_k(string command, string idOption, string k)
    {
        var message = await Vrec.FailsWithUsageErrorAsync(command, "--model", _temp.Path, idOption, "1", "--k", k);

        Assert.Equal($"--k must be between 1 and 500, found {k}.", message);
    }

    [Fact]
    public async Task Recommend_with_k_500_returns_every_unseen_video()
    {
        var models = await TrainTinyAsync();
        var jsonPath = _temp["recommend.json"];

        await Vrec.SucceedsAsync("recommend", "--model", models, "--user", "1", "--k", "500", "--json", jsonPath);

        // The tiny catalogue has 8 movies; user 1 rated movies 1 to 4.
        Assert.Equal(["5", "6", "7", "8"], Vrec.ReadJson(jsonPath)["items"]!.AsArray().Select(i => (string)i!["videoId"]!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Recommend_from_a_missing_model_folder_is_bad_input_naming_it()
    {
        var missing = _temp["no-models-here"];

        var message = await Vrec.FailsWithBadInputAsync("recommend", "--model", missing, "--user", "1");

        Assert.Contains(missing, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Recommend_from_a_bundle_with_a_missing_file_names_the_file()
    {
        var models = await TrainTinyAsync();
        var factors = Path.Combine(models, CurrentVersion(models), "video_factors.f32");
        File.Delete(factors);

        var message = await Vrec.FailsWithBadInputAsync("recommend", "--model", models, "--user", "1");

        Assert.Equal($"{factors}: missing from the bundle.", message);
    }

    [Fact]
    public async Task Recommend_without_user_is_a_usage_error()
    {
        var message = await Vrec.FailsWithUsageErrorAsync("recommend", "--model", _temp.Path);

        Assert.Equal("Option '--user' is required.", message);
    }

    [Fact]
    public async Task An_unparseable_port_is_a_usage_error_naming_the_option()
    {
        var message = await Vrec.FailsWithUsageErrorAsync("serve", "--model", _temp.Path, "--port", "80abc");

        Assert.Equal("Cannot parse argument '80abc' for option '--port' as expected type 'System.Int32'.", message);
    }

    [Fact]
    public async Task A_port_out_of_range_is_a_usage_error_naming_the_option()
    {
        var message = await Vrec.FailsWithUsageErrorAsync("serve", "--model", _temp.Path, "--port", "65536");

        Assert.Equal("--port must be between 0 and 65535, found 65536.", message);
    }

    [Fact]
    public async Task Train_output_that_is_a_file_is_bad_input_naming_output_before_any_work()
    {
        var data = TinyData.WriteLatest(_temp.Folder("tiny"));
        var file = _temp["models"];
        File.WriteAllText(file, "not a folder");

        var result = await Vrec.RunAsync("train", "--data", data, "--output", file, "--iterations", "1");

        Assert.Equal($"--output: {file} is a file; give a folder.", Vrec.BadInputMessage(result));
        Assert.True(result.Out.Length == 0, $"nothing is imported or trained\n{result}");
        Assert.Equal("not a folder", File.ReadAllText(file));
    }

    [Fact]
    public async Task Train_json_that_is_a_folder_is_bad_input_before_any_work()
    {
        var data = TinyData.WriteLatest(_temp.Folder("tiny"));
        var folder = _temp.Folder("a-folder");
        var models = _temp["models"];

        var result = await Vrec.RunAsync("train", "--data", data, "--output", models, "--iterations", "1", "--json", folder);

        Assert.Equal($"--json: {folder} is a folder; give a file name.", Vrec.BadInputMessage(result));
        Assert.True(result.Out.Length == 0, $"nothing is imported or trained\n{result}");
        Assert.False(Directory.Exists(models), "no model folder is created");
    }

    [Fact]
    public async Task Train_on_data_with_no_ratings_is_bad_input_saying_there_are_no_interactions()
    {
        var data = TinyData.WriteLatest(_temp.Folder("no-ratings"), "userId,movieId,rating,timestamp\n", withTags: false);
        var models = _temp["models"];

        var message = await Vrec.FailsWithBadInputAsync("train", "--data", data, "--output", models, "--iterations", "1");

        Assert.Equal("no-ratings: the data holds no (user, video) interactions to train on.", message);
        Assert.False(File.Exists(Path.Combine(models, "CURRENT")), "no bundle is written");
    }

    [Fact]
    public async Task Similar_lists_other_videos_by_cosine()
    {
        var models = await TrainTinyAsync();
        var jsonPath = _temp["similar.json"];

        var result = await Vrec.SucceedsAsync("similar", "--model", models, "--video", "1", "--k", "2", "--json", jsonPath);

        var json = Vrec.ReadJson(jsonPath);
        Assert.Equal("1", (string?)json["videoId"]);
        Assert.Equal(CurrentVersion(models), (string?)json["modelVersion"]);
        var items = json["items"]!.AsArray().Select(i => i!.AsObject()).ToArray();
        Assert.Equal(2, items.Length);
        Assert.All(items, i => Assert.Equal("similar", (string?)i["source"]));
        Assert.All(items, i => Assert.NotEqual("1", (string?)i["videoId"]));
        Assert.All(items, i => Assert.InRange((double)i["score"]!, -1.0001, 1.0001));
        Assert.True((double)items[0]["score"]! >= (double)items[1]["score"]!);
        Assert.Contains("Most similar to video 1", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Similar_for_an_unknown_video_is_bad_input_naming_it()
    {
        var models = await TrainTinyAsync();

        var message = await Vrec.FailsWithBadInputAsync("similar", "--model", models, "--video", "424242", "--k", "2");

        Assert.Contains("'424242'", message, StringComparison.Ordinal);
        Assert.Contains(CurrentVersion(models), message, StringComparison.Ordinal);
    }

    private async Task<string> TrainTinyAsync()
    {
        var data = TinyData.WriteLatest(_temp.Folder("tiny"));
        var models = _temp["models"];
        await Vrec.SucceedsAsync("train", "--data", data, "--output", models, "--factors", "8", "--iterations", "3", "--no-eval");
        return models;
    }

    private static string CurrentVersion(string models) => File.ReadAllText(Path.Combine(models, "CURRENT")).Trim();
}
