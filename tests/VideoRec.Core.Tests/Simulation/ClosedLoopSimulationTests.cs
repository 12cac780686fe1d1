using VideoRec.Core.Domain;
using VideoRec.Core.Feedback;
using VideoRec.Core.Matrix;
using VideoRec.Core.Models.Wals;
using VideoRec.Core.Online;
using VideoRec.Core.Simulation;
using VideoRec.Core.Simulation.ClosedLoop;
using Xunit.Abstractions;

namespace VideoRec.Core.Tests.Simulation;

public sealed class ClosedLoopSimulationTests(ITestOutputHelper output)
{
    private static readonly SimulationOptions SmallWorld = new() { Users = 600, Videos = 1500, Topics = 16, Seed = 5 };

    private static readonly ClosedLoopOptions TwoArms = new()
    {
        Arms = [SimulationArms.Popularity, SimulationArms.Pipeline],
        Days = 4,
        WarmupDays = 5,
        Seed = 9,
    };

    [Fact]
    public async Task The_full_pipeline_beats_popularity_on_CTR_and_watch_time_with_non_overlapping_intervals()
    {
        var result = await new ClosedLoopSimulation(SimulatedWorld.Create(SmallWorld), TwoArms).RunAsync();
        foreach (var arm in result.Arms)
        {
            output.WriteLine($"{arm.Name}: CTR {arm.Ctr:F4} [{arm.CtrLow:F4}, {arm.CtrHigh:F4}] watch/user {arm.WatchSecondsPerUser:F0} [{arm.WatchSecondsPerUserLow:F0}, {arm.WatchSecondsPerUserHigh:F0}] coverage {arm.Coverage:F3} ILD {arm.IntraListDiversity:F3} relevance {arm.MeanRelevance:F3} impressions {arm.Impressions}");
        }

        var (popularity, pipeline) = (result.Arm(SimulationArms.Popularity), result.Arm(SimulationArms.Pipeline));
        Assert.True(pipeline.CtrLow > popularity.CtrHigh, $"CTR {pipeline.Ctr:F4} [{pipeline.CtrLow:F4}, …] vs {popularity.Ctr:F4} […, {popularity.CtrHigh:F4}]");
        Assert.True(pipeline.WatchSecondsPerUserLow > popularity.WatchSecondsPerUserHigh,
            $"watch/user {pipeline.WatchSecondsPerUser:F0} [{pipeline.WatchSecondsPerUserLow:F0}, …] vs {popularity.WatchSecondsPerUser:F0} […, {popularity.WatchSecondsPerUserHigh:F0}]");
        Assert.True(pipeline.Coverage > popularity.Coverage);

        Assert.Null(result.FirstDegradation);
        Assert.Equal(0, pipeline.DegradedRequests);
        // Every simulated event passed the real validation; every served list counts.
        Assert.Equal(result.Ingestion.Events, result.Ingestion.Accepted);
        Assert.Equal(pipeline.Requests + popularity.Requests, result.Ingestion.Impressions);
    }

    [Fact]
    public async Task The_same_settings_give_the_same_result()
    {
        var world = SimulatedWorld.Create(SmallWorld with { Users = 150, Videos = 400 });
        var options = TwoArms with { Days = 2, WarmupDays = 2, Arms = [SimulationArms.Wals, SimulationArms.Pipeline, SimulationArms.PipelineNoDiversity] };

        var first = await new ClosedLoopSimulation(world, options).RunAsync();
        var second = await new ClosedLoopSimulation(SimulatedWorld.Create(SmallWorld with { Users = 150, Videos = 400 }), options).RunAsync();

        Assert.Equal(first.Arms, second.Arms);
        Assert.Equal(first.Ingestion.Events, second.Ingestion.Events);
        Assert.True(first.Arms.All(a => a.Requests > 0));
    }

    [Fact]
    public async Task Arms_can_be_pipeline_configurations_given_as_data_with_their_own_traffic()
    {
        var world = SimulatedWorld.Create(SmallWorld with { Users = 300, Videos = 500 });
        var experiment = new ExperimentOptions
        {
            Name = "exploration-off",
            Arms =
            [
                new ExperimentArm { Name = "control", Traffic = 0.7 },
                new ExperimentArm { Name = "treatment", Traffic = 0.3, Pipeline = new ArmPipeline { Rerank = new Core.Reranking.RerankOptions { ExplorationShare = 0 } } },
            ],
        };

        var result = await new ClosedLoopSimulation(world, TwoArms with { Days = 1, WarmupDays = 2, Experiment = experiment }).RunAsync();

        Assert.Equal(["control", "treatment"], result.Arms.Select(a => a.Name));
        var assignment = new ExperimentAssignment(experiment);
        Assert.Equal(world.Users.Count(u => assignment.Assign(u.Id).Name == "treatment"), result.Arm("treatment").Users);
        Assert.InRange(result.Arm("treatment").Users / 300.0, 0.2, 0.4);
        Assert.All(result.Arms, a => Assert.True(a.Requests > 0 && a.DegradedRequests == 0));
    }

    [Fact]
    public void A_bad_experiment_is_named()
    {
        var options = new ClosedLoopOptions { Experiment = new ExperimentOptions { Name = "x", Arms = [new ExperimentArm { Name = "a", Traffic = 0.5 }] } };

        var error = Assert.Throws<ArgumentException>(() => new ClosedLoopSimulation(SimulatedWorld.Create(SmallWorld with { Users = 10, Videos = 20 }), options));

        Assert.Contains("Experiment: The Traffic of the arms adds up to 0.5; it must be 1.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_settings_are_named()
    {
        var error = Assert.Throws<ArgumentException>(() => new ClosedLoopSimulation(SimulatedWorld.Create(SmallWorld with { Users = 10, Videos = 20 }),
            new ClosedLoopOptions { Arms = ["popularity", "random", "popularity"], Days = 0 }));

        Assert.Equal("Invalid closed-loop settings:" + Environment.NewLine +
            "Arms: unknown arm 'random'; the arms are popularity, wals, pipeline, pipeline-no-diversity." + Environment.NewLine +
            "Arms: 'popularity' is named twice." + Environment.NewLine +
            "Days must be at least 1 (found 0). (Parameter 'options')", error.Message);
    }

    [Fact]
    public void WALS_trained_on_simulated_history_ranks_each_users_true_top_topic_above_the_rest()
    {
        var world = SimulatedWorld.Create(SmallWorld with { Users = 400, Videos = 800 });
        var interactions = OrganicHistory.Generate(world, 20, seed: 2).Select(e => e.ToInteraction()).ToList();
        var table = PairTable.Build(interactions, new IdIndex(world.Videos.Select(v => v.Id)));
        var matrix = new FeedbackMatrixBuilder(RelevancePolicy.Default, FeedbackWeights.Default)
            .Build(table.Users.Count, table.Videos.Count, table.Pairs, world.Videos.Select(v => (double?)v.DurationSeconds).ToArray());
        var wals = WalsTrainer.Fit(matrix, new WalsOptions { Factors = 16, Iterations = 10, Regularization = 5f, Seed = 1 });

        var scores = new float[world.Videos.Count];
        var recovered = 0;
        for (var u = 0; u < table.Users.Count; u++)
        {
            var user = int.Parse(table.Users[u][1..], System.Globalization.CultureInfo.InvariantCulture);
            var preferences = world.Users[user].Preferences;
            var top = Array.IndexOf(preferences, preferences.Max());
            wals.Score(wals.UserVector(u), scores);
            var inTop = world.VideosOfTopic(top).Average(v => scores[v]);
            var rest = Enumerable.Range(0, world.Videos.Count).Where(v => world.Videos[v].Topic != top).Average(v => scores[v]);
            recovered += inTop > rest ? 1 : 0;
        }

        output.WriteLine($"recovered {recovered} of {table.Users.Count}");
        // The planted favourite topic is found for nearly every user with a history.
        Assert.True(recovered >= 0.9 * table.Users.Count, $"{recovered} of {table.Users.Count}");
    }
}
