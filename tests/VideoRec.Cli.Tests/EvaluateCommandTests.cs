using System.Text.Json.Nodes;
using VideoRec.Cli.Tests.Support;

namespace VideoRec.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class EvaluateCommandTests : IDisposable
{
    private static readonly string[] Metrics = ["precision", "recall", "ndcg", "map", "map_at_k", "hit_rate", "coverage", "diversity"];

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Stratified_evaluation_of_the_shipped_sample_ranks_wals_over_popularity_over_random()
    {
        var jsonPath = _temp["evaluate.json"];

        var result = await Vrec.SucceedsAsync("evaluate", "--data", Repository.ShippedSample, "--models", "wals,popularity,random", "--k", "5", "--seeds", "1", "--iterations", "3", "--json", jsonPath);

        var json = Vrec.ReadJson(jsonPath);
        Assert.Equal("ml-latest-small", (string?)json["dataset"]);
        Assert.Equal("stratified", (string?)json["protocol"]);
        Assert.Equal(5, (int)json["k"]!);
        Assert.Equal([1], json["seeds"]!.AsArray().Select(s => (int)s!));
        var models = json["models"]!.AsObject();
        Assert.Equal(["wals", "popularity", "random"], models.Select(m => m.Key));
        foreach (var (name, node) in models)
        {
            AssertOneSeedModel(name, node!.AsObject());
            Assert.Equal(610, (int)node!["users"]!); // every user of the sample has held-out items under the 75/25 split
        }

        var walsNdcg = (double)models["wals"]!["ndcg"]!;
        var popularityNdcg = (double)models["popularity"]!["ndcg"]!;
        var randomNdcg = (double)models["random"]!["ndcg"]!;
        Assert.True(walsNdcg > popularityNdcg, $"wals nDCG {walsNdcg} should beat popularity {popularityNdcg}");
        Assert.True(popularityNdcg > randomNdcg, $"popularity nDCG {popularityNdcg} should beat random {randomNdcg}");
        Assert.True(randomNdcg < 0.05, $"random nDCG@5 {randomNdcg} on 9,742 videos should be near 0");
        Assert.Contains("nDCG@5", result.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("time")]
    [InlineData("leave-last-out")]
    public async Task Other_split_protocols_are_reported_by_name(string split)
    {
        var jsonPath = _temp["evaluate.json"];

        await Vrec.SucceedsAsync("evaluate", "--data", Repository.ShippedSample, "--models", "wals,popularity,random", "--split", split, "--k", "5", "--seeds", "1", "--iterations", "3", "--json", jsonPath);

        var json = Vrec.ReadJson(jsonPath);
        Assert.Equal(split, (string?)json["protocol"]);
        Assert.Equal(5, (int)json["k"]!);
        foreach (var (name, node) in json["models"]!.AsObject())
        {
            AssertOneSeedModel(name, node!.AsObject());
        }
    }

    [Fact]
    public async Task Two_seeds_give_two_runs_and_their_mean()
    {
        var data = TinyData.WriteLatest(_temp.Folder("tiny"));
        var jsonPath = _temp["evaluate.json"];

        await Vrec.SucceedsAsync("evaluate", "--data", data, "--models", "wals,popularity,random", "--k", "3", "--seeds", "7, 8", "--factors", "4", "--iterations", "2", "--json", jsonPath);

        var json = Vrec.ReadJson(jsonPath);
        Assert.Equal([7, 8], json["seeds"]!.AsArray().Select(s => (int)s!));
        foreach (var (_, node) in json["models"]!.AsObject())
        {
            var perSeed = node!["per_seed"]!["ndcg"]!.AsArray().Select(v => (double)v!).ToArray();
            Assert.Equal(2, perSeed.Length);
            Assert.Equal(perSeed.Average(), (double)node["ndcg"]!, 5);
        }
    }

    [Fact]
    public async Task The_two_tower_joins_the_comparison_with_its_blend_and_the_cold_start_figures()
    {
        var data = TinyData.WritePlanted100K(_temp.Folder("planted"));
        var jsonPath = _temp["evaluate.json"];

        var result = await Vrec.SucceedsAsync("evaluate", "--data", data, "--models", "wals,popularity,twotower,wals_twotower", "--k", "5", "--seeds", "3",
            "--factors", "8", "--iterations", "3", "--two-tower-epochs", "3", "--json", jsonPath);

        var json = Vrec.ReadJson(jsonPath);
        Assert.Equal(["wals", "popularity", "twotower", "wals_twotower"], json["models"]!.AsObject().Select(m => m.Key));
        var twoTower = (double)json["models"]!["twotower"]!["ndcg"]!;
        var popularity = (double)json["models"]!["popularity"]!["ndcg"]!;
        Assert.True(twoTower > popularity, $"two-tower {twoTower} vs popularity {popularity}: each user watches only one genre\n{result}");
        var newUsers = json["cold_start"]!["new_users"]!.AsObject();
        foreach (var key in new[] { "popularity", "demographic_popularity", "features_only", "first5", "wals_fold_in" })
        {
            Assert.InRange((double)newUsers[key]!, 0, 1);
        }

        // 20 of 200 users held out; all have 10 targets after their first 5.
        Assert.Equal(20, (int)newUsers["users"]!);
        Assert.True((double)newUsers["demographic_popularity"]! > (double)newUsers["popularity"]!, "gender decides the genre here");
        Assert.Equal(4, (int)json["cold_start"]!["new_videos"]!["videos"]!);
        Assert.Contains("New users (20 held out", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Data_too_small_for_cold_start_keeps_the_results_and_says_why()
    {
        var data = TinyData.WriteLatest(_temp.Folder("tiny"));
        var jsonPath = _temp["evaluate.json"];

        var result = await Vrec.SucceedsAsync("evaluate", "--data", data, "--models", "popularity,twotower", "--k", "3", "--seeds", "1", "--two-tower-epochs", "1", "--json", jsonPath);

        var json = Vrec.ReadJson(jsonPath);
        Assert.Equal(["popularity", "twotower"], json["models"]!.AsObject().Select(m => m.Key));
        Assert.Null(json["cold_start"]!["new_users"]);
        Assert.StartsWith("No held-out user has more than 5 interactions", (string)json["cold_start"]!["skipped"]!, StringComparison.Ordinal);
        Assert.Contains("Cold start skipped", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_model_is_bad_input_naming_the_choices()
    {
        var message = await Vrec.FailsWithBadInputAsync("evaluate", "--data", Repository.ShippedSample, "--models", "wals,bogus");

        Assert.Equal("--models: unknown model 'bogus'; choose from wals, popularity, random, twotower, wals_twotower.", message);
    }

    [Theory]
    [InlineData("--split", "bogus", "--split must be one of stratified, time, leave-last-out; found 'bogus'.")]
    [InlineData("--k", "0", "--k must be between 1 and 500, found 0.")]
    [InlineData("--k", "501", "--k must be between 1 and 500, found 501.")]
    [InlineData("--factors", "0", "--factors must be between 1 and 1024, found 0.")]
    [InlineData("--factors", "1025", "--factors must be between 1 and 1024, found 1025.")]
    [InlineData("--iterations", "0", "--iterations must be between 1 and 1000, found 0.")]
    [InlineData("--solver", "lu", "--solver must be one of cg, cholesky; found 'lu'.")]
    [InlineData("--min-watch-fraction", "1.5", "--min-watch-fraction must be between 0 and 1, found 1.5.")]
    [InlineData("--threads", "0", "--threads must be between 1 and 1024, found 0.")]
    [InlineData("--threads", "1025", "--threads must be between 1 and 1024, found 1025.")]
    [InlineData("--k", "abc", "Cannot parse argument 'abc' for option '--k' as expected type 'System.Int32'.")]
    public async Task Invalid_option_values_are_usage_errors_naming_the_option(string option, string value, string expected)
    {
        var message = await Vrec.FailsWithUsageErrorAsync("evaluate", "--data", Repository.ShippedSample, option, value);

        Assert.Equal(expected, message);
    }

    [Fact]
    public async Task Every_invalid_option_is_reported_on_its_own_line()
    {
        var messages = await Vrec.FailsWithUsageErrorsAsync("evaluate", "--k", "0", "--factors", "0", "--bogus");

        Assert.Equal(
            ["Unrecognized command or argument '--bogus'.", "--k must be between 1 and 500, found 0.", "--factors must be between 1 and 1024, found 0."],
            messages);
    }

    [Fact]
    public async Task An_unknown_split_lists_the_protocols()
    {
        var message = await Vrec.FailsWithUsageErrorAsync("evaluate", "--data", Repository.ShippedSample, "--split", "bogus");

        Assert.Equal("--split must be one of stratified, time, leave-last-out; found 'bogus'.", message);
    }

    [Theory]
    [InlineData("--seeds", "1,x", "--seeds: 'x' is not a valid integer (expected a comma-separated list such as 1,2,3).")]
    [InlineData("--seeds", "1,1", "--seeds: '1,1' repeats a value; give each once.")]
    [InlineData("--regularization", "-1", "--regularization must be a positive number up to 1e9.")]
    [InlineData("--regularization", "0", "--regularization must be a positive number up to 1e9.")]
    [InlineData("--regularization", "2e9", "--regularization must be a positive number up to 1e9.")]
    [InlineData("--alpha", "-0.5", "--alpha must be between 0 and 1e6.")]
    [InlineData("--alpha", "2e6", "--alpha must be between 0 and 1e6.")]
    [InlineData("--unobserved-weight", "-1", "--unobserved-weight must be between 0 and 1e6.")]
    [InlineData("--unobserved-weight", "2e6", "--unobserved-weight must be between 0 and 1e6.")]
    public async Task Invalid_values_checked_after_parsing_are_bad_input_naming_the_option(string option, string value, string expected)
    {
        var result = await Vrec.RunAsync("evaluate", "--data", Repository.ShippedSample, option, value);

        Assert.Equal(expected, Vrec.BadInputMessage(result, option, value));
        Assert.True(result.Out.Length == 0, $"checked before the data is read\n{result}");
    }

    [Fact]
    public async Task A_json_path_that_is_a_folder_is_bad_input_before_any_work()
    {
        var folder = _temp.Folder("a-folder");

        var result = await Vrec.RunAsync("evaluate", "--data", Repository.ShippedSample, "--seeds", "1", "--iterations", "1", "--json", folder);

        Assert.Equal($"--json: {folder} is a folder; give a file name.", Vrec.BadInputMessage(result));
        Assert.True(result.Out.Length == 0, $"nothing is imported or evaluated\n{result}");
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
    }

    [Fact]
    public async Task Data_with_no_ratings_is_bad_input_saying_there_are_no_interactions()
    {
        var data = TinyData.WriteLatest(_temp.Folder("no-ratings"), "userId,movieId,rating,timestamp\n", withTags: false);

        var message = await Vrec.FailsWithBadInputAsync("evaluate", "--data", data, "--seeds", "1", "--iterations", "1");

        Assert.Equal("no-ratings: the data holds no (user, video) interactions to evaluate.", message);
    }

    [Fact]
    public async Task A_cancelled_run_exits_130()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var result = await Vrec.RunAsync(["evaluate", "--data", Repository.ShippedSample, "--models", "wals,popularity,random", "--seeds", "1", "--iterations", "3"], cancelled.Token);

        Assert.True(result.ExitCode == 130, result.ToString());
        Assert.Contains("Cancelled.", result.Out, StringComparison.Ordinal);
    }

    private static void AssertOneSeedModel(string name, JsonObject model)
    {
        var std = model["std"]!.AsObject();
        var perSeed = model["per_seed"]!.AsObject();
        foreach (var metric in Metrics)
        {
            var mean = (double)model[metric]!;
            Assert.True(metric == "diversity" ? mean is >= -1 and <= 1 : mean is >= 0 and <= 1, $"{name}.{metric} = {mean}");
            Assert.Equal(0, (double)std[metric]!);
            var runs = perSeed[metric]!.AsArray();
            Assert.Single(runs);
            Assert.Equal(mean, (double)runs[0]!);
        }
    }
}
