using VideoRec.Core.Matrix;
using VideoRec.Core.Models.Wals;
using VideoRec.Core.Ranking;

namespace VideoRec.Core.Tests.Models;

public sealed class WalsTrainerTests
{
    private const int Users = 60;
    private const int Videos = 40;

    // More factors than the planted rank (2) and strong L2, as on real data: the regularization keeps the spare factors from fitting noise.
    private static readonly WalsOptions Small = new() { Factors = 4, Iterations = 12, Regularization = 5f, Alpha = 2f, Seed = 5 };

    [Theory]
    [InlineData(WalsSolver.ConjugateGradient)]
    [InlineData(WalsSolver.Cholesky)]
    public void Recovers_planted_communities_and_ranks_held_out_videos_of_the_own_block_first(WalsSolver solver)
    {
        var matrix = PlantedData.TwoCommunities(Users, Videos, seed: 11, out var heldOut);
        var model = WalsTrainer.Fit(matrix, Small with { Solver = solver });

        var scores = new float[Videos];
        for (var u = 0; u < Users; u++)
        {
            model.Score(model.UserVector(u), scores);
            var ownBlockSize = heldOut.Count(p => p.User == u);
            var top = TopK.Select(scores, Math.Max(1, ownBlockSize), v => matrix.Contains(u, v));
            var userInA = u < Users / 2;
            Assert.All(top, s => Assert.Equal(userInA, PlantedData.InBlockA(s.Index, Videos)));
        }
    }

    [Fact]
    public void Exact_solver_never_increases_the_training_loss()
    {
        var matrix = PlantedData.TwoCommunities(Users, Videos, seed: 3, out _);
        var losses = new List<double>();

        WalsTrainer.Fit(matrix, Small with { Solver = WalsSolver.Cholesky, Iterations = 8 }, new Collect(losses));

        Assert.Equal(8, losses.Count);
        for (var i = 1; i < losses.Count; i++)
        {
            Assert.True(losses[i] <= losses[i - 1] + 1e-6, $"loss rose from {losses[i - 1]} to {losses[i]} at iteration {i + 1}");
        }

        Assert.True(losses[^1] < losses[0]);
    }

    [Fact]
    public void Reported_loss_matches_a_brute_force_sum_over_every_cell()
    {
        var matrix = SparseMatrix.FromEntries(3, 4,
        [
            new MatrixEntry(0, 0, 1f, 1f), new MatrixEntry(0, 2, 2f, 1f), new MatrixEntry(1, 1, 1f, 0f), new MatrixEntry(2, 3, 3f, 1f),
        ]);
        var options = new WalsOptions { Factors = 2, Iterations = 2, Regularization = 0.3f, Alpha = 1.5f, UnobservedWeight = 0.7f, Solver = WalsSolver.Cholesky };
        var reported = new List<double>();
        var model = WalsTrainer.Fit(matrix, options, new Collect(reported));

        var total = 0.0;
        for (var u = 0; u < 3; u++)
        {
            for (var v = 0; v < 4; v++)
            {
                var prediction = Dot(model.UserVector(u), model.VideoVector(v));
                var entry = Enumerable.Range(matrix.RowStart[u], matrix.RowStart[u + 1] - matrix.RowStart[u]).Where(e => matrix.ColumnIndices[e] == v).ToArray();
                if (entry.Length == 1)
                {
                    var c = 1 + options.Alpha * matrix.Strength[entry[0]];
                    total += c * Math.Pow(matrix.Preference[entry[0]] - prediction, 2);
                }
                else
                {
                    total += options.UnobservedWeight * prediction * prediction;
                }
            }

            total += options.Regularization * Dot(model.UserVector(u), model.UserVector(u));
        }

        for (var v = 0; v < 4; v++)
        {
            total += options.Regularization * Dot(model.VideoVector(v), model.VideoVector(v));
        }

        Assert.Equal(total / matrix.NonZeros, reported[^1], 4);
    }

    [Fact]
    public void Same_seed_gives_identical_factors_whatever_the_thread_count()
    {
        var matrix = PlantedData.TwoCommunities(Users, Videos, seed: 4, out _);

        var one = WalsTrainer.Fit(matrix, Small with { MaxDegreeOfParallelism = 1 });
        var two = WalsTrainer.Fit(matrix, Small with { MaxDegreeOfParallelism = 2 });
        var otherSeed = WalsTrainer.Fit(matrix, Small with { Seed = 6 });

        Assert.Equal(one.UserFactors, two.UserFactors);
        Assert.Equal(one.VideoFactors, two.VideoFactors);
        Assert.NotEqual(one.VideoFactors, otherSeed.VideoFactors);
    }

    [Fact]
    public void Conjugate_gradient_converges_to_the_exact_solution()
    {
        var matrix = PlantedData.TwoCommunities(Users, Videos, seed: 8, out _);

        var cg = WalsTrainer.Fit(matrix, Small with { Solver = WalsSolver.ConjugateGradient, ConjugateGradientSteps = 4, Iterations = 30 });
        var exact = WalsTrainer.Fit(matrix, Small with { Solver = WalsSolver.Cholesky, Iterations = 30 });

        // Factors are defined up to rotation; predictions are not.
        for (var u = 0; u < Users; u += 7)
        {
            for (var v = 0; v < Videos; v += 3)
            {
                Assert.Equal(Dot(exact.UserVector(u), exact.VideoVector(v)), Dot(cg.UserVector(u), cg.VideoVector(v)), 2);
            }
        }
    }

    [Fact]
    public void Early_stopping_keeps_the_best_iteration_and_stops_after_patience()
    {
        var matrix = PlantedData.TwoCommunities(Users, Videos, seed: 9, out _);
        var reports = new List<WalsIteration>();
        var scripted = new Queue<double>([0.1, 0.3, 0.2, 0.25, 0.9]);

        var model = WalsTrainer.Fit(matrix, Small with { Iterations = 5, EarlyStoppingPatience = 2 }, new Collect(reports), _ => scripted.Dequeue());

        Assert.Equal(4, reports.Count); // best at 2, then 2 worse → stop
        Assert.Equal([0.1, 0.3, 0.2, 0.25], reports.Select(r => r.Validation!.Value).ToArray());
        var replay = WalsTrainer.Fit(matrix, Small with { Iterations = 2 });
        Assert.Equal(replay.UserFactors, model.UserFactors);
    }

    [Theory]
    [InlineData("Factors")]
    [InlineData("Regularization")]
    [InlineData("Iterations")]
    [InlineData("Alpha")]
    public void Invalid_options_are_rejected_naming_the_option(string name)
    {
        var options = name switch
        {
            "Factors" => Small with { Factors = 0 },
            "Regularization" => Small with { Regularization = 0 },
            "Iterations" => Small with { Iterations = 0 },
            _ => Small with { Alpha = float.NaN },
        };

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => WalsTrainer.Fit(SparseMatrix.FromEntries(1, 1, []), options));
        Assert.Equal(name, error.ParamName);
        Assert.Contains(name, error.Message);
    }

    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => System.Numerics.Tensors.TensorPrimitives.Dot(a, b);

    private sealed class Collect(List<double> losses) : IProgress<WalsIteration>
    {
        private readonly List<WalsIteration>? _reports;

        public Collect(List<WalsIteration> reports) : this(new List<double>()) => _reports = reports;

        public void Report(WalsIteration value)
        {
            losses.Add(value.Loss);
            _reports?.Add(value);
        }
    }
}
