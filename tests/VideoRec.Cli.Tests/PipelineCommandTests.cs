using VideoRec.Cli.Tests.Support;

namespace VideoRec.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class PipelineCommandTests : IDisposable
{
    private static readonly string[] Metrics = ["precision", "recall", "ndcg", "map", "map_at_k", "hit_rate", "coverage", "diversity"];

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Evaluate_with_the_pipeline_adds_the_merged_and_scored_rows_and_the_pipeline_key()
    {
        var data = TinyData.WritePlanted100K(_temp.Folder("planted"));
        var jsonPath = _temp["evaluate.json"];

        var result = await Vrec.SucceedsAsync("evaluate", "--data", data, "--models", "wals,popularity,twotower", "--pipeline", "--no-cold-start", "--k", "5", "--seeds", "3",
            "--factors", "8", "--iterations", "3", "--two-tower-epochs", "2", "--json", jsonPath);

        var json = Vrec.ReadJson(jsonPath);
        Assert.Equal(["wals", "popularity", "twotower", "merged", "pipeline"], json["models"]!.AsObject().Select(m => m.Key));
        var pipeline = json["pipeline"]!.AsObject();
        foreach (var metric in Metrics.Where(m => m != "diversity"))
        {
            Assert.InRange((double)pipeline[metric]!, 0, 1);
            Assert.Equal((double)json["models"]!["pipeline"]![metric]!, (double)pipeline[metric]!);
            Assert.Equal((double)json["models"]!["merged"]![metric]!, (double)pipeline["merged"]![metric]!);
        }

        // Each user watches one genre only: the ranker reads the tag affinity and beats global popularity.
        var scored = (double)pipeline["ndcg"]!;
        var popularity = (double)json["models"]!["popularity"]!["ndcg"]!;
        Assert.True(scored > popularity + 0.05, $"pipeline nDCG {scored} vs popularity {popularity}\n{result}");

        var run = pipeline["ranker"]!.AsArray().Single()!.AsObject();
        Assert.Equal(3, (int)run["seed"]!);
        Assert.Contains((string)run["chosen"]!, new[] { "mlp", "dcn" });
        Assert.Equal(["mlp", "dcn"], run["architectures"]!.AsObject().Select(a => a.Key));
        Assert.Equal(85, (int)run["features"]!);
        Assert.True((int)run["training_rows"]! > 0);
        var calibration = pipeline["calibration"]!.AsArray();
        Assert.Equal(10, calibration.Count);
        Assert.Equal((int)run["validation_rows"]!, calibration.Sum(b => (int)b!["rows"]!));
        Assert.Contains("Calibration of the kept ranker", result.Out, StringComparison.Ordinal);
        Assert.Contains("pipeline", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_pipeline_needs_wals_and_the_two_tower()
    {
        var data = TinyData.WritePlanted100K(_temp.Folder("planted"));

        var message = await Vrec.FailsWithBadInputAsync("evaluate", "--data", data, "--models", "wals,popularity", "--pipeline", "--seeds", "3");

        Assert.Equal("--pipeline: the pipeline's candidates come from WALS and the two-tower; list both in --models.", message);
    }

    [Fact]
    public async Task One_ranker_fold_is_refused_as_it_leaves_no_fold_to_train_on()
    {
        var data = TinyData.WritePlanted100K(_temp.Folder("planted"));

        var message = await Vrec.FailsWithUsageErrorAsync("evaluate", "--data", data, "--models", "wals,twotower", "--pipeline", "--seeds", "3", "--ranker-kfold", "1");

        Assert.Equal("--ranker-kfold must be 0 (the inner split) or 2 to 10, found 1.", message);
    }

    [Fact]
    public async Task Bench_score_reports_latency_and_allocations_per_request()
    {
        var jsonPath = _temp["score.json"];

        var result = await Vrec.SucceedsAsync("bench", "score", "--candidates", "300", "--requests", "50", "--videos", "2000", "--json", jsonPath);

        var json = Vrec.ReadJson(jsonPath);
        Assert.Equal("score", (string?)json["benchmark"]);
        Assert.Equal(300, (int)json["candidates"]!);
        Assert.Equal(50, (int)json["requests"]!);
        Assert.Equal(85, (int)json["features"]!);
        Assert.Equal("dcn", (string?)json["architecture"]);
        foreach (var key in new[] { "p50_ms", "p99_ms", "mean_ms", "assembly_p50_ms", "assembly_p99_ms", "onnx_p50_ms", "onnx_p99_ms" })
        {
            var value = (double)json[key]!;
            Assert.True(double.IsFinite(value) && value > 0, $"{key} = {value}");
        }

        Assert.True((double)json["p99_ms"]! >= (double)json["p50_ms"]!);
        var allocated = (double)json["allocated_bytes_per_request"]!;
        Assert.InRange(allocated, 0, 64 * 1024); // the rows buffer is reused: only ONNX Runtime's call objects are new
        Assert.Contains("bytes allocated per request", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bench_score_refuses_more_candidates_than_videos()
    {
        var message = await Vrec.FailsWithBadInputAsync("bench", "score", "--candidates", "500", "--videos", "100");

        Assert.Equal("--candidates (500) cannot exceed --videos (100).", message);
    }
}
