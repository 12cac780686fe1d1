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

    [Fact]
    public async Task Bench_wals_rejects_more_pairs_than_half_the_matrix()
    {
        var message = await Vrec.FailsWithBadInputAsync("bench", "wals", "--users", "10", "--videos", "10", "--nnz", "51", "--iterations", "1");

        Assert.Contains("half of users × videos", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bench_wals_rejects_an_unknown_solver_naming_the_option()
    {
        var result = await Vrec.RunAsync("bench", "wals", "--solver", "lu");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.StartsWith("--solver must be one of cg, cholesky; found 'lu'.", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bench_wals_rejects_zero_threads()
    {
        var message = await Vrec.FailsWithBadInputAsync("bench", "wals", "--users", "10", "--videos", "10", "--nnz", "20", "--threads", "0");

        Assert.Equal("--threads must be at least 1.", message);
    }

    [Fact]
    public async Task Demo_on_the_shipped_sample_evaluates_trains_and_recommends()
    {
        var models = _temp["models"];
        var jsonPath = _temp["demo.json"];

        var result = await Vrec.SucceedsAsync("demo", "--data", Repository.ShippedSample, "--output", models, "--factors", "16", "--iterations", "3", "--json", jsonPath);

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
            var expectedSource = i < 3 ? "wals" : "popular";
            Assert.All(items, item => Assert.Equal(expectedSource, (string?)item!["source"]));
        }

        // The shipped sample's most rated movie is Forrest Gump (329 ratings, all watched: relevant).
        var top = lists[3]["items"]![0]!;
        Assert.Equal("356", (string?)top["videoId"]);
        Assert.Equal(329.0, (double)top["score"]!);
        Assert.Contains("cold start serves popular videos", result.Out, StringComparison.Ordinal);
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

        Assert.StartsWith("--factors: 'zero' is not a valid integer", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0", "--factors")]
    [InlineData("-1", "--regularization")]
    public async Task Tune_rejects_an_out_of_range_grid_point_naming_the_option(string value, string option)
    {
        var data = TinyData.WriteLatest(_temp.Folder("tiny"));

        var message = await Vrec.FailsWithBadInputAsync("tune", "--data", data, option, value);

        Assert.StartsWith(option + ": ", message, StringComparison.Ordinal);
    }
}
