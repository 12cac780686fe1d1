using VideoRec.Core.Domain;
using VideoRec.Core.Evaluation;
using VideoRec.Core.Feedback;
using VideoRec.Core.Matrix;
using VideoRec.Core.Models.Wals;
using VideoRec.Core.Tests.Support;
using VideoRec.Import;

namespace VideoRec.Core.Tests.Evaluation;

public sealed class InsufficientDataTests
{
    private static DatasetPairs Pairs(params (string User, string Video)[] watches)
    {
        var videos = watches.Select(w => w.Video).Distinct().ToDictionary(v => v, v => new Video(v, v));
        var log = watches.Select(w => new Interaction(w.User, w.Video, InteractionType.Watch, DateTimeOffset.UnixEpoch)).ToArray();
        return DatasetPairs.From(new Dataset("tiny", videos, new Dictionary<string, UserProfile>(), log));
    }

    [Fact]
    public void No_interactions_is_reported_before_any_split()
    {
        var error = Assert.Throws<InsufficientDataException>(() => OfflineEvaluation.Run(Pairs(), [new PopularityFactory()], new EvaluationOptions()));

        Assert.Equal("tiny: the data holds no (user, video) interactions to evaluate.", error.Message);
    }

    [Fact]
    public void A_split_that_leaves_no_user_to_evaluate_is_reported_instead_of_zero_metrics()
    {
        // One pair per user: stratified 75/25 keeps round(0.75) = 1 in training, so nothing is held out.
        var data = Pairs(("a", "x"), ("b", "y"));

        var error = Assert.Throws<InsufficientDataException>(() => OfflineEvaluation.Run(data, [new PopularityFactory()], new EvaluationOptions { Seeds = [1] }));

        Assert.Equal("tiny: with the stratified split (seed 1) no user has both a training history and a relevant held-out video; the data is too small for this protocol.", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(501)]
    public void K_outside_1_to_500_is_rejected(int k)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new EvaluationOptions { K = k }.Validate());

        Assert.Equal("K", error.ParamName);
    }

    [Fact]
    public void Repeated_seeds_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new EvaluationOptions { Seeds = [1, 1] }.Validate());
    }

    [Fact]
    public void An_empty_matrix_cannot_be_trained()
    {
        var error = Assert.Throws<ArgumentException>(() => WalsTrainer.Fit(SparseMatrix.FromEntries(3, 4, []), new WalsOptions()));

        Assert.StartsWith("The feedback matrix [3, 4] has no observed entries", error.Message);
    }

    [Fact]
    public void A_singular_exact_solve_fails_with_advice_instead_of_an_aggregate_exception()
    {
        // Without the unobserved term and with almost no L2, rows with one observation are rank-one systems.
        var data = DatasetPairs.From(DatasetLoader.Load(SharedData.MovieLensLatestSmall).Dataset);
        var matrix = new FeedbackMatrixBuilder(RelevancePolicy.Default, FeedbackWeights.Default)
            .Build(data.Table.Users.Count, data.Table.Videos.Count, data.Table.Pairs, data.DurationSeconds);

        var error = Assert.Throws<TrainingFailedException>(() =>
            WalsTrainer.Fit(matrix, new WalsOptions { Solver = WalsSolver.Cholesky, Regularization = 0.001f, UnobservedWeight = 0, Iterations = 3 }));

        Assert.Contains("not positive definite", error.Message);
    }
}
