using VideoRec.Core.Evaluation;
using VideoRec.Core.Feedback;
using VideoRec.Core.Models.Wals;
using VideoRec.Core.Tests.Support;
using VideoRec.Import;

namespace VideoRec.Core.Tests.Evaluation;

/// <summary>
/// The quality floor of the vertical slice on MovieLens 100K (read in place from ../shared/data): stratified 75/25,
/// k = 10, mean over seeds 42, 43, 44, with the README's default hyperparameters.
/// </summary>
public sealed class QualityFloorTests
{
    [Fact]
    public void Wals_beats_the_published_floor_and_the_baselines_land_where_expected()
    {
        var data = DatasetPairs.From(DatasetLoader.Load(SharedData.MovieLens100K).Dataset);

        var report = OfflineEvaluation.Run(data, [new WalsFactory(new WalsOptions { ComputeLoss = false }), new PopularityFactory(), new RandomFactory()], new EvaluationOptions());

        var wals = report.Models["wals"];
        var popularity = report.Models["popularity"];
        Assert.True(wals.Mean("ndcg") >= 0.47, $"WALS nDCG@10 {wals.Mean("ndcg"):F4} < 0.47");
        Assert.True(wals.Mean("map") >= 0.145, $"WALS MAP {wals.Mean("map"):F4} < 0.145");
        Assert.InRange(popularity.Mean("precision"), 0.21, 0.25);
        Assert.InRange(popularity.Mean("ndcg"), 0.23, 0.27);
        Assert.True(report.Models["random"].Mean("ndcg") < 0.05);
        Assert.Equal(943, report.Models["wals"].PerSeed[0].Users);
        Assert.InRange(report.Details["test_pairs"], 24_500, 25_500);
    }
}
