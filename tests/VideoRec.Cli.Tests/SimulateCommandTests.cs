using VideoRec.Cli.Tests.Support;

namespace VideoRec.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class SimulateCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Simulate_writes_the_arms_contract_and_keeps_the_run_in_the_database()
    {
        var jsonPath = _temp["sim.json"];
        var db = _temp["sim.db"];

        var result = await Vrec.SucceedsAsync("simulate", "--users", "120", "--videos", "300", "--topics", "8", "--days", "2", "--warmup-days", "2",
            "--arms", "popularity,pipeline", "--db", db, "--json", jsonPath);

        var json = Vrec.ReadJson(jsonPath);
        var arms = json["arms"]!.AsObject();
        Assert.Equal(["popularity", "pipeline"], arms.Select(a => a.Key));
        foreach (var (_, arm) in arms)
        {
            var ctr = (double)arm!["ctr"]!;
            var ci = arm["ctr_ci"]!.AsArray().Select(x => (double)x!).ToArray();
            Assert.Equal(2, ci.Length);
            Assert.InRange(ctr, ci[0], ci[1]);
            Assert.True((double)arm["watch_seconds_per_user"]! >= 0);
            Assert.InRange((double)arm["coverage"]!, 0.0, 1.0);
            Assert.InRange((long)arm["impressions"]!, 1L, (long)arm["requests"]! * 10); // at most a page of 10 per list
        }

        Assert.Equal((long)json["events"]!, (long)json["events_applied"]!);
        Assert.True(File.Exists(db));
        Assert.Contains("popularity", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_experiment_file_names_the_arms_their_traffic_and_pipelines()
    {
        var experiment = _temp["experiment.json"];
        File.WriteAllText(experiment, """
            {"name": "mmr-off", "arms": [
              {"name": "control", "traffic": 0.5, "pipeline": {"policy": "pipeline"}},
              {"name": "treatment", "traffic": 0.5, "pipeline": {"policy": "pipeline", "rerank": {"diversityLambda": 1.0, "maxCreatorShare": 1.0}}}
            ]}
            """);
        var jsonPath = _temp["sim.json"];

        await Vrec.SucceedsAsync("simulate", "--users", "80", "--videos", "200", "--topics", "8", "--days", "1", "--warmup-days", "2",
            "--experiment", experiment, "--json", jsonPath);

        Assert.Equal(["control", "treatment"], Vrec.ReadJson(jsonPath)["arms"]!.AsObject().Select(a => a.Key));
        File.WriteAllText(experiment, """{"name": "x", "arms": [{"name": "a", "traffic": 0.5}]}""");
        Assert.Equal("--experiment: Experiment: The Traffic of the arms adds up to 0.5; it must be 1.",
            await Vrec.FailsWithBadInputAsync("simulate", "--users", "10", "--videos", "20", "--experiment", experiment));
    }

    [Fact]
    public async Task An_unknown_arm_is_named()
    {
        var message = await Vrec.FailsWithBadInputAsync("simulate", "--users", "10", "--videos", "20", "--arms", "popularity,bandit");

        Assert.Equal("--arms: unknown arm 'bandit'; the arms are popularity, wals, pipeline, pipeline-no-diversity.", message);
    }
}
