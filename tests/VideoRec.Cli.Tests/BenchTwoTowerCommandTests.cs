using VideoRec.Cli.Tests.Support;

namespace VideoRec.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class BenchTwoTowerCommandTests : IDisposable
{
    private static readonly string[] PositiveFigures =
    [
        "ml100k_epoch_s", "ml100k_examples_per_s",
        "synthetic_epoch_s", "synthetic_batch_ms", "synthetic_examples_per_s", "synthetic_memory_mb",
        "synthetic_batch_ms_dense", "synthetic_batch_ms_sparse", "synthetic_epoch_s_sparse", "synthetic_examples_per_s_sparse",
        "user_tower_p50_ms", "user_tower_p99_ms", "user_tower_encode_p50_ms", "user_tower_encode_p99_ms",
        "video_tower_videos_per_s", "video_tower_encode_videos_per_s",
    ];

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Bench_twotower_reports_positive_finite_figures_for_tiny_sizes()
    {
        var data = TinyData.Write100K(_temp.Folder("ml-100k"));
        var jsonPath = _temp["twotower.json"];

        var result = await Vrec.SucceedsAsync("bench", "twotower", "--data", data, "--users", "2000", "--videos", "500", "--steps", "5", "--threads", "1", "--json", jsonPath);

        var json = Vrec.ReadJson(jsonPath);
        Assert.Equal("twotower", (string?)json["benchmark"]);
        foreach (var key in PositiveFigures)
        {
            Assert.True(json.ContainsKey(key), $"missing {key}");
            var value = (double)json[key]!;
            Assert.True(double.IsFinite(value) && value > 0, $"{key} = {value}");
        }

        Assert.Equal(6, (int)json["ml100k_examples"]!); // the 6 ratings of known items, every one a watch
        Assert.Equal(2, json["ml100k_epoch_seconds"]!.AsArray().Count);
        Assert.Equal(2000, (int)json["synthetic_users"]!);
        Assert.Equal(500, (int)json["synthetic_videos"]!);
        Assert.InRange((int)json["synthetic_pairs"]!, 38_000, 42_000);
        Assert.Equal(5, (int)json["synthetic_steps"]!);
        Assert.Equal((int)json["synthetic_pairs"]! / 512 + 1, (int)json["synthetic_batches_per_epoch"]!);
        Assert.Equal((double)json["synthetic_batch_ms_dense"]!, (double)json["synthetic_batch_ms"]!);
        Assert.Equal(1, (int)json["threads"]!);
        Assert.Equal(384, (int)json["text_dimensions"]!);
        Assert.Contains("SparseAdam", (string?)json["sparse_optimizer"], StringComparison.Ordinal);
        Assert.Contains("ONNX user tower, batch 1: p50 / p99", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bench_twotower_requires_data()
    {
        var message = await Vrec.FailsWithUsageErrorAsync("bench", "twotower", "--users", "2000");

        Assert.Equal("Option '--data' is required.", message);
    }

    [Fact]
    public async Task Bench_twotower_refuses_more_steps_than_the_synthetic_world_has_batches_before_any_work()
    {
        var result = await Vrec.RunAsync("bench", "twotower", "--data", _temp.Folder("empty"), "--users", "100", "--interactions", "5", "--steps", "10");

        Assert.Equal("--steps: the synthetic world has about 0 batches of 512 per epoch, fewer than the 11 to run (1 warm-up); lower --steps or raise --users.", Vrec.BadInputMessage(result));
        Assert.True(result.Out.Length == 0, result.ToString());
    }

    [Theory]
    [InlineData("--users", "99", "--users must be between 100 and 20000000, found 99.")]
    [InlineData("--videos", "9", "--videos must be between 10 and 10000000, found 9.")]
    [InlineData("--steps", "0", "--steps must be between 1 and 100000, found 0.")]
    [InlineData("--threads", "0", "--threads must be between 1 and 256, found 0.")]
    [InlineData("--interactions", "0", "--interactions must be between 1 and 1000, found 0.")]
    public async Task Bench_twotower_rejects_an_invalid_option_value_as_a_usage_error_naming_the_option(string option, string value, string expected)
    {
        var message = await Vrec.FailsWithUsageErrorAsync("bench", "twotower", "--data", "x", option, value);

        Assert.Equal(expected, message);
    }
}
