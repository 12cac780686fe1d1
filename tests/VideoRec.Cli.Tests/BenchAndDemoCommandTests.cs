using VideoRec.Cli.Tests.Support;

namespace VideoRec.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class BenchAndDemoCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Bench_wals_reports_its_figures_for_the_requested_matrix()
    {
        var jsonPath = _temp["bench.json"];

        var result = await Vrec.SucceedsAsync("bench", "wals", "--users", "200", "--videos", "100", "--nnz", "2000", "--factors", "8", "--iterations", "2", "--threads", "1", "--json", jsonPath);

        var json = Vrec.ReadJson(jsonPath);
        Assert.Equal("wals", (string?)json["benchmark"]);
        Assert.True((double)json["seconds_per_iteration"]! > 0, $"seconds_per_iteration {json["seconds_per_iteration"]}");
        Assert.Equal(1, (int)json["threads"]!);
        Assert.True((double)json["memory_mb"]! > 0, $"memory_mb {json["memory_mb"]}");
        Assert.Equal(200, (int)json["users"]!);
        Assert.Equal(100, (int)json["videos"]!);
        Assert.InRange((long)json["nnz"]!, 1980L, 2020L);
        Assert.Equal(8, (int)json["factors"]!);
        Assert.Equal("cg", (string?)json["solver"]);
        Assert.Equal(3, json["iteration_seconds"]!.AsArray().Count); // one warm-up plus two measured
        Assert.Contains("seconds per iteration (median)", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bench_wals_uses_every_core_by_default()
    {
        var jsonPath = _temp["bench.json"];

        await Vrec.SucceedsAsync("bench", "wals", "--users", "50", "--videos", "40", "--nnz", "300", "--factors", "4", "--iterations", "1", "--solver", "cholesky", "--json", jsonPath);

        var json = Vrec.ReadJson(jsonPath);
        Assert.Equal(Environment.ProcessorCount, (int)json["threads"]!);
        Assert.True((int)json["threads"]! >= 1);
        Assert.Equal("cholesky", (string?)json["solver"]);
        Assert.InRange((long)json["nnz"]!, 297L, 303L);
    }

    [Theory]
    [InlineData("51")] // more than half of the 10 × 10 matrix
    [InlineData("9")] // fewer than one pair per user
    public async Task Bench_wals_rejects_a_pair_count_outside_users_to_half_the_matrix(string nnz)
    {
        var result = await Vrec.RunAsync("bench", "wals", "--users", "10", "--videos", "10", "--nnz", nnz, "--iterations", "1");

        Assert.Equal($"--nnz must be between --users (10) and --users × --videos / 2 (50), found {nnz}.", Vrec.BadInputMessage(result));
        Assert.True(result.Out.Length == 0, $"checked before the matrix is generated\n{result}");
    }

    [Theory]
    [InlineData("--solver", "lu", "--solver must be one of cg, cholesky; found 'lu'.")]
    [InlineData("--threads", "0", "--threads must be between 1 and 1024, found 0.")]
    [InlineData("--threads", "1025", "--threads must be between 1 and 1024, found 1025.")]
    [InlineData("--users", "0", "--users must be between 1 and 100000000, found 0.")]
    [InlineData("--users", "100000001", "--users must be between 1 and 100000000, found 100000001.")]
    [InlineData("--videos", "0", "--videos must be between 1 and 100000000, found 0.")]
    [InlineData("--iterations", "0", "--iterations must be between 1 and 100, found 0.")]
    [InlineData("--iterations", "101", "--iterations must be between 1 and 100, found 101.")]
    [InlineData("--factors", "0", "--factors must be between 1 and 1024, found 0.")]
    [InlineData("--users", "99999999999", "Cannot parse argument '99999999999' for option '--users' as expected type 'System.Int32'.")]
    public async Task Bench_wals_rejects_an_invalid_option_value_as_a_usage_error_naming_the_option(string option, string value, string expected)
    {
        var message = await Vrec.FailsWithUsageErrorAsync("bench", "wals", option, value);

        Assert.Equal(expected, message);
    }

    [Fact]
    public async Task Bench_wals_rejects_a_json_folder_before_generating_anything()
    {
        var folder = _temp.Folder("a-folder");

        var result = await Vrec.RunAsync("bench", "wals", "--users", "10", "--videos", "10", "--nnz", "20", "--iterations", "1", "--json", folder);

        Assert.Equal($"--json: {folder} is a folder; give a file name.", Vrec.BadInputMessage(result));
        Assert.True(result.Out.Length == 0, result.ToString());
    }

    [Fact]
    public async Task Demo_on_the_shipped_sample_evaluates_trains_and_recommends()
    {
        var models = _temp["models"];
        var jsonPath = _temp["demo.json"];

        var db = _temp["demo.db"];
        var result = await Vrec.SucceedsAsync("demo", "--data", Repository.ShippedSample, "--output", models, "--factors", "16", "--iterations", "3", "--db", db, "--json", jsonPath);

        var json = Vrec.ReadJson(jsonPath);
        Assert.Equal("ml-latest-small", (string?)json["dataset"]);
        Assert.Equal(["wals", "popularity", "random"], json["models"]!.AsObject().Select(m => m.Key));
        var walsNdcg = (double)json["models"]!["wals"]!["ndcg"]!;
        Assert.True(walsNdcg > (double)json["models"]!["random"]!["ndcg"]!, $"wals nDCG {walsNdcg} should beat random");

        var version = File.ReadAllText(Path.Combine(models, "CURRENT")).Trim();
        Assert.Equal(version, (string?)json["model_version"]);
        Assert.Equal(Path.GetFullPath(Path.Combine(models, version)), (string?)json["bundle"]);

        var lists = json["recommendations"]!.AsArray().Select(l => l!.AsObject()).ToArray();
        Assert.Equal(["1", "2", "3", "new-user-without-history"], lists.Select(l => (string)l["userId"]!));
        for (var i = 0; i < lists.Length; i++)
        {
            var items = lists[i]["items"]!.AsArray();
            Assert.Equal(10, items.Count);
            Assert.Equal(version, (string?)lists[i]["modelVersion"]);
            var sources = items.Select(item => item!["sources"]!.AsArray().Select(s => (string)s!).ToArray()).ToArray();
            if (i < 3)
            {
                Assert.All(sources, s => Assert.Contains("wals", s));
            }
            else
            {
                Assert.All(sources, s => Assert.Equal(["popular"], s));
            }
        }

        // The shipped sample's most rated movie is Forrest Gump (329 ratings, all watched: relevant).
        var top = lists[3]["items"]![0]!;
        Assert.Equal("356", (string?)top["videoId"]);
        Assert.Equal(0, (int)top["position"]!);
        Assert.Contains("cold start serves popular videos", result.Out, StringComparison.Ordinal);

        // Text embeddings: every title and tag text of the 9,742 movies, the genre check well above random, tag neighbours.
        var embeddings = json["embeddings"]!;
        Assert.Equal(2 * 9742, (int)embeddings["texts_embedded"]! + (int)embeddings["texts_unchanged"]!);
        Assert.Equal(384, (int)embeddings["dimensions"]!);
        Assert.Equal(0.4502, (double)embeddings["random_genre_share_rate"]!, 3);
        Assert.True((double)embeddings["genre_share_rate"]! > (double)embeddings["random_genre_share_rate"]! + 0.1, embeddings.ToJsonString());
        Assert.Contains("pixar", embeddings["tag_neighbours"]!.AsObject().Select(p => p.Key));
        var titles = new VideoRec.Local.Sqlite.SqliteEmbeddingStore(new VideoRec.Local.Sqlite.SqliteDatabase(db));
        Assert.Equal(384, (await titles.GetVideoEmbeddingAsync("356", VideoRec.Core.Embeddings.VideoTextField.Title, CancellationToken.None))!.Vector.Length);
    }

    [Fact]
    public async Task Tune_ranks_every_grid_point_by_validation_ndcg()
    {
        var data = TinyData.WriteLatest(_temp.Folder("tiny"));
        var jsonPath = _temp["tune.json"];

        await Vrec.SucceedsAsync("tune", "--data", data, "--factors", "2,4", "--regularization", "1,10", "--alpha", "1", "--iterations", "2", "--k", "3", "--json", jsonPath);

        var json = Vrec.ReadJson(jsonPath);
        Assert.Equal("stratified", (string?)json["protocol"]);
        Assert.Equal(3, (int)json["k"]!);
        var results = json["results"]!.AsArray().Select(r => r!.AsObject()).ToArray();
        Assert.Equal(4, results.Length);
        Assert.Equal(
            new[] { (2, 1.0), (2, 10.0), (4, 1.0), (4, 10.0) },
            results.Select(r => ((int)r["factors"]!, (double)r["regularization"]!)).Order());
        var ndcg = results.Select(r => (double)r["ndcg"]!).ToArray();
        Assert.Equal(ndcg.OrderDescending(), ndcg);
    }

    [Fact]
    public async Task Tune_rejects_a_bad_grid_value_naming_the_option()
    {
        var data = TinyData.WriteLatest(_temp.Folder("tiny"));

        var message = await Vrec.FailsWithBadInputAsync("tune", "--data", data, "--factors", "4,zero");

        Assert.Equal("--factors: 'zero' is not a valid integer (expected a comma-separated list such as 1,2,3).", message);
    }

    [Theory]
    [InlineData("--factors", "0", "--factors must be between 1 and 1024.")]
    [InlineData("--regularization", "-1", "--regularization must be a positive number up to 1e9.")]
    [InlineData("--alpha", "1,2e6", "--alpha must be between 0 and 1e6.")]
    [InlineData("--unobserved-weight", "-1", "--unobserved-weight must be between 0 and 1e6.")]
    [InlineData("--iterations", "1001", "--iterations must be between 1 and 1000.")]
    public async Task Tune_rejects_an_out_of_range_grid_point_naming_the_option(string option, string value, string expected)
    {
        var data = TinyData.WriteLatest(_temp.Folder("tiny"));

        var message = await Vrec.FailsWithBadInputAsync("tune", "--data", data, option, value);

        Assert.Equal(expected, message);
    }

    [Theory]
    [InlineData("--factors", "4,4", "--factors: '4,4' repeats a value; give each once.")]
    [InlineData("--seeds", "1,1", "--seeds: '1,1' repeats a value; give each once.")]
    public async Task Tune_rejects_a_repeated_grid_value_naming_the_option(string option, string value, string expected)
    {
        var data = TinyData.WriteLatest(_temp.Folder("tiny"));

        var message = await Vrec.FailsWithBadInputAsync("tune", "--data", data, option, value);

        Assert.Equal(expected, message);
    }

    [Theory]
    [InlineData("--k", "0", "--k must be between 1 and 500, found 0.")]
    [InlineData("--k", "501", "--k must be between 1 and 500, found 501.")]
    [InlineData("--top", "0", "--top must be at least 1, found 0.")]
    [InlineData("--split", "bogus", "--split must be one of stratified, time, leave-last-out; found 'bogus'.")]
    public async Task Tune_rejects_an_invalid_option_value_as_a_usage_error(string option, string value, string expected)
    {
        var message = await Vrec.FailsWithUsageErrorAsync("tune", option, value);

        Assert.Equal(expected, message);
    }

    [Fact]
    public async Task Tune_rejects_a_json_folder_before_any_work()
    {
        var data = TinyData.WriteLatest(_temp.Folder("tiny"));
        var folder = _temp.Folder("a-folder");

        var result = await Vrec.RunAsync("tune", "--data", data, "--factors", "2", "--regularization", "1", "--alpha", "1", "--iterations", "1", "--json", folder);

        Assert.Equal($"--json: {folder} is a folder; give a file name.", Vrec.BadInputMessage(result));
        Assert.True(result.Out.Length == 0, result.ToString());
    }

    [Fact]
    public async Task Demo_rejects_an_output_that_is_a_file_before_any_work()
    {
        var file = _temp["models"];
        File.WriteAllText(file, "not a folder");

        var result = await Vrec.RunAsync("demo", "--data", Repository.ShippedSample, "--output", file, "--iterations", "1");

        Assert.Equal($"--output: {file} is a file; give a folder.", Vrec.BadInputMessage(result));
        Assert.True(result.Out.Length == 0, result.ToString());
        Assert.Equal("not a folder", File.ReadAllText(file));
    }
}
