using VideoRec.Cli.Tests.Support;

namespace VideoRec.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class BenchAnnCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Bench_ann_with_candidates_times_the_whole_candidate_generation_on_both_spaces()
    {
        var jsonPath = _temp["candidates.json"];

        var result = await Vrec.SucceedsAsync("bench", "ann", "--videos", "3000", "--dim", "16", "--queries", "20", "--candidates", "--requests", "30", "--views", "20000", "--json", jsonPath);

        var candidates = Vrec.ReadJson(jsonPath)["candidates"]!.AsObject();
        Assert.Equal((3000, 16, 20000, 30), ((int)candidates["videos"]!, (int)candidates["dim"]!, (int)candidates["views"]!, (int)candidates["requests"]!));
        foreach (var space in new[] { "twotower", "wals" })
        {
            Assert.InRange((double)candidates["spaces"]![space]!["recall_at_100"]!, 0.5, 1.0);
            Assert.True((double)candidates["spaces"]![space]!["build_s"]! > 0);
        }

        Assert.True((double)candidates["p99_ms"]! >= (double)candidates["p50_ms"]! && (double)candidates["p50_ms"]! > 0);
        Assert.Equal(["twotower", "wals", "similar", "popular", "trending", "fresh"], candidates["source_p99_ms"]!.AsObject().Select(s => s.Key));
        // Six sources asked for 1,800 videos; the language, region and exclusion filters leave a few hundred of 3,000 (measured 462).
        Assert.InRange((double)candidates["mean_candidates"]!, 300, 1000);
        Assert.Contains("Candidate generation, six sources (budget 200 ms each) and the merge of 1,000", result.Out, StringComparison.Ordinal);
        // The pipeline runs at the smallest expansion measured that reaches recall 0.95 (or the last one).
        var wals = candidates["spaces"]!["wals"]!;
        var byExpansion = wals["recall_by_expansion"]!.AsObject().ToDictionary(e => int.Parse(e.Key, System.Globalization.CultureInfo.InvariantCulture), e => (double)e.Value!);
        Assert.Equal(byExpansion[(int)wals["expansion"]!], (double)wals["recall_at_100"]!);
    }

    [Fact]
    public async Task Only_candidates_skips_the_catalogue_and_needs_candidates()
    {
        var jsonPath = _temp["only.json"];

        await Vrec.SucceedsAsync("bench", "ann", "--videos", "1000", "--dim", "8", "--candidates", "--only-candidates", "--requests", "5", "--views", "5000", "--json", jsonPath);
        var message = await Vrec.FailsWithBadInputAsync("bench", "ann", "--videos", "1000", "--only-candidates");

        var json = Vrec.ReadJson(jsonPath);
        Assert.False(json.ContainsKey("recall_at_100"));
        Assert.Equal(1000, (int)json["candidates"]!["videos"]!);
        Assert.Equal("--only-candidates needs --candidates.", message);
    }

    [Fact]
    public async Task Bench_ann_reports_recall_latency_build_and_memory_for_every_expansion()
    {
        var jsonPath = _temp["ann.json"];

        var result = await Vrec.SucceedsAsync("bench", "ann", "--videos", "2000", "--dim", "16", "--queries", "50", "--expansion", "256,32", "--threads", "2", "--json", jsonPath);

        var json = Vrec.ReadJson(jsonPath);
        Assert.Equal("ann", (string?)json["benchmark"]);
        Assert.Equal((2000, 16, 50, 100, 16), ((int)json["videos"]!, (int)json["dim"]!, (int)json["queries"]!, (int)json["k"]!, (int)json["connectivity"]!));
        foreach (var key in new[] { "p50_ms", "p99_ms", "build_s", "memory_mb", "usearch_memory_mb", "queries_per_s" })
        {
            var value = (double)json[key]!;
            Assert.True(double.IsFinite(value) && value > 0, $"{key} = {value}");
        }

        Assert.True((double)json["p99_ms"]! >= (double)json["p50_ms"]!);
        Assert.True((double)json["recall_at_100"]! >= 0.9, $"recall {json["recall_at_100"]}");
        var settings = json["settings"]!.AsArray();
        Assert.Equal([32, 256], settings.Select(s => (int)s!["expansion"]!));
        Assert.All(settings, s => Assert.InRange((double)s!["recall_at_100"]!, 0.5, 1.0));
        var chosen = settings.Single(s => (int)s!["expansion"]! == (int)json["expansion"]!)!;
        Assert.Equal((double)json["recall_at_100"]!, (double)chosen["recall_at_100"]!);
        Assert.Equal((bool)json["reached_target"]!, (double)json["recall_at_100"]! >= 0.95);
        Assert.True(!(bool)json["reached_target"]! || settings.Where(s => (double)s!["recall_at_100"]! >= 0.95).Min(s => (int)s!["expansion"]!) == (int)json["expansion"]!);
        Assert.Contains("clustered low-rank", (string?)json["catalogue"], StringComparison.Ordinal);
        Assert.Contains("recall@100", result.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--videos", "0", "--videos must be between 1 and 100000000, found 0.")]
    [InlineData("--dim", "0", "--dim must be between 1 and 4096, found 0.")]
    [InlineData("--queries", "0", "--queries must be between 1 and 100000, found 0.")]
    [InlineData("--k", "0", "--k must be between 1 and 1000, found 0.")]
    [InlineData("--connectivity", "1", "--connectivity must be between 2 and 256, found 1.")]
    [InlineData("--threads", "0", "--threads must be between 1 and 1024, found 0.")]
    public async Task Bench_ann_rejects_an_invalid_option_value_as_a_usage_error_naming_the_option(string option, string value, string expected)
    {
        var message = await Vrec.FailsWithUsageErrorAsync("bench", "ann", option, value);

        Assert.Equal(expected, message);
    }

    [Theory]
    [InlineData("--expansion", "64,x", "--expansion: 'x' is not a valid integer (expected a comma-separated list such as 1,2,3).")]
    [InlineData("--expansion", "0,64", "--expansion: every value must be between 1 and 4096, found '0,64'.")]
    [InlineData("--k", "500", "--k (500) must not exceed --videos (100).")]
    public async Task Bench_ann_rejects_inconsistent_values_before_any_work(string option, string value, string expected)
    {
        var result = await Vrec.RunAsync("bench", "ann", "--videos", "100", "--dim", "8", option, value);

        Assert.Equal(expected, Vrec.BadInputMessage(result));
        Assert.True(result.Out.Length == 0, result.ToString());
    }
}
