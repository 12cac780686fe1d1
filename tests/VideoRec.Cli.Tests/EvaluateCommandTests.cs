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

        var result = await Vrec.SucceedsAsync("evaluate", "--data", Repository.ShippedSample, "--k", "5", "--seeds", "1", "--iterations", "3", "--json", jsonPath);

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

        await Vrec.SucceedsAsync("evaluate", "--data", Repository.ShippedSample, "--split", split, "--k", "5", "--seeds", "1", "--iterations", "3", "--json", jsonPath);

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

        await Vrec.SucceedsAsync("evaluate", "--data", data, "--k", "3", "--seeds", "7, 8", "--factors", "4", "--iterations", "2", "--json", jsonPath);

        var json = Vrec.ReadJson(jsonPath);
        Assert.Equal([7, 8], json["seeds"]!.AsArray().Select(s => (int)s!));
        foreach (var (_, node) in json["models"]!.AsObject())
        {
            var perSeed = node!["per_seed"]!["ndcg"]!.AsArray().Select(v => (double)v!).ToArray();
            Assert.Equal(2, perSeed.Length);
            Assert.Equal(perSeed.Average(), (double)node["ndcg"]!, 5);
        }
    }

    [Theory]
    [InlineData("--split", "bogus")]
    [InlineData("--k", "0")]
    [InlineData("--factors", "0")]
    [InlineData("--iterations", "0")]
    [InlineData("--solver", "lu")]
    [InlineData("--min-watch-fraction", "1.5")]
    public async Task Invalid_option_values_are_usage_errors_naming_the_option(string option, string value)
    {
        var result = await Vrec.RunAsync("evaluate", "--data", Repository.ShippedSample, option, value);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.StartsWith(option + " ", result.Err, StringComparison.Ordinal);
        Assert.Contains("Usage:", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_split_lists_the_protocols()
    {
        var result = await Vrec.RunAsync("evaluate", "--data", Repository.ShippedSample, "--split", "bogus");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal("--split must be one of stratified, time, leave-last-out; found 'bogus'.", result.Err.Trim());
    }

    [Theory]
    [InlineData("--seeds", "1,x", "'x'")]
    [InlineData("--regularization", "-1", "positive")]
    [InlineData("--alpha", "-0.5", "zero or positive")]
    [InlineData("--unobserved-weight", "-1", "zero or positive")]
    [InlineData("--threads", "0", "at least 1")]
    public async Task Invalid_values_checked_after_parsing_are_bad_input_naming_the_option(string option, string value, string rule)
    {
        var message = await Vrec.FailsWithBadInputAsync("evaluate", "--data", Repository.ShippedSample, option, value);

        Assert.StartsWith(option + ": ", message, StringComparison.Ordinal);
        Assert.Contains(rule, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cancelled_run_exits_130()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var result = await Vrec.RunAsync(["evaluate", "--data", Repository.ShippedSample, "--seeds", "1", "--iterations", "3"], cancelled.Token);

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
