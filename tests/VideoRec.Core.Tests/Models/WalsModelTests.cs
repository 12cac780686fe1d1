using VideoRec.Core.Models.Wals;
using VideoRec.Core.Ranking;

namespace VideoRec.Core.Tests.Models;

public sealed class WalsModelTests
{
    private const int Users = 60;
    private const int Videos = 40;

    [Fact]
    public void Fold_in_equals_an_independent_double_precision_solve_of_the_weighted_normal_equations()
    {
        var matrix = PlantedData.TwoCommunities(Users, Videos, seed: 21, out _);
        var options = new WalsOptions { Factors = 4, Iterations = 10, Regularization = 5f, Alpha = 2f, UnobservedWeight = 0.8f };
        var model = WalsTrainer.Fit(matrix, options);

        for (var u = 0; u < Users; u += 9)
        {
            var start = matrix.RowStart[u];
            var count = matrix.RowStart[u + 1] - start;
            var folded = model.FoldIn(matrix.ColumnIndices.AsSpan(start, count), matrix.Strength.AsSpan(start, count), matrix.Preference.AsSpan(start, count));

            var expected = ExactSolve(model, options, matrix.ColumnIndices[start..(start + count)], matrix.Strength[start..(start + count)], matrix.Preference[start..(start + count)]);
            for (var f = 0; f < options.Factors; f++)
            {
                Assert.Equal(expected[f], folded[f], 4);
            }
        }
    }

    /// <summary>(W·YᵀY + Σ (c − W)·y·yᵀ + λI)·x = Σ c·p·y with c = 1 + α·s, by Gaussian elimination in double precision.</summary>
    private static double[] ExactSolve(WalsModel model, WalsOptions o, int[] videos, float[] strength, float[] preference)
    {
        var k = model.Factors;
        var a = new double[k, k];
        var b = new double[k];
        for (var v = 0; v < model.Videos; v++)
        {
            var y = model.VideoVector(v);
            for (var i = 0; i < k; i++)
            {
                for (var j = 0; j < k; j++)
                {
                    a[i, j] += o.UnobservedWeight * y[i] * y[j];
                }
            }
        }

        for (var e = 0; e < videos.Length; e++)
        {
            var y = model.VideoVector(videos[e]);
            var c = 1.0 + o.Alpha * strength[e];
            for (var i = 0; i < k; i++)
            {
                b[i] += c * preference[e] * y[i];
                for (var j = 0; j < k; j++)
                {
                    a[i, j] += (c - o.UnobservedWeight) * y[i] * y[j];
                }
            }
        }

        for (var i = 0; i < k; i++)
        {
            a[i, i] += o.Regularization;
        }

        for (var p = 0; p < k; p++)
        {
            for (var r = p + 1; r < k; r++)
            {
                var factor = a[r, p] / a[p, p];
                for (var c = p; c < k; c++)
                {
                    a[r, c] -= factor * a[p, c];
                }

                b[r] -= factor * b[p];
            }
        }

        var x = new double[k];
        for (var i = k - 1; i >= 0; i--)
        {
            var sum = b[i];
            for (var j = i + 1; j < k; j++)
            {
                sum -= a[i, j] * x[j];
            }

            x[i] = sum / a[i, i];
        }

        return x;
    }

    [Fact]
    public void Folded_in_new_user_gets_videos_of_the_community_they_watched()
    {
        var matrix = PlantedData.TwoCommunities(Users, Videos, seed: 22, out _);
        var model = WalsTrainer.Fit(matrix, new WalsOptions { Factors = 4, Iterations = 12, Regularization = 5f, Alpha = 2f });

        // Three videos of block B (20..39).
        int[] history = [25, 30, 33];
        var vector = model.FoldIn(history, [1f, 1f, 1f], [1f, 1f, 1f]);
        var scores = new float[Videos];
        model.Score(vector, scores);
        var top = TopK.Select(scores, 10, v => history.Contains(v));

        Assert.All(top, s => Assert.False(PlantedData.InBlockA(s.Index, Videos)));
    }

    [Fact]
    public void Fold_in_ignores_unknown_videos_and_an_empty_history_gives_zeros()
    {
        var matrix = PlantedData.TwoCommunities(Users, Videos, seed: 23, out _);
        var model = WalsTrainer.Fit(matrix, new WalsOptions { Factors = 4, Iterations = 3 });

        Assert.Equal(new float[4], model.FoldIn([], [], []));
        Assert.Equal(new float[4], model.FoldIn([Videos + 5, -1], [1f, 1f], [1f, 1f]));
        Assert.Throws<ArgumentException>(() => model.FoldIn([1, 2], [1f], [1f, 1f]));
    }

    [Fact]
    public void Similar_videos_come_from_the_same_block_and_exclude_the_query()
    {
        var matrix = PlantedData.TwoCommunities(Users, Videos, seed: 24, out _);
        var model = WalsTrainer.Fit(matrix, new WalsOptions { Factors = 4, Iterations = 12, Regularization = 5f, Alpha = 2f });

        var similar = model.SimilarVideos(3, 5);

        Assert.Equal(5, similar.Length);
        Assert.DoesNotContain(similar, s => s.Index == 3);
        Assert.All(similar, s => Assert.True(PlantedData.InBlockA(s.Index, Videos)));
        Assert.True(similar.Zip(similar.Skip(1)).All(p => p.First.Score >= p.Second.Score));
        Assert.Equal(Videos - 1, model.SimilarVideos(3, 1000).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.SimilarVideos(Videos, 5));
    }

    [Fact]
    public void Cholesky_solves_a_known_system()
    {
        // A = [[4, 2], [2, 3]] (upper triangle given), b = [2, 1] → x = [0.5, 0].
        float[] a = [4, 2, float.NaN, 3];
        float[] b = [2, 1];

        RowSolver.CholeskySolveInPlace(a, b, 2);

        Assert.Equal(0.5f, b[0], 6);
        Assert.Equal(0f, b[1], 6);
    }

    [Fact]
    public void Cholesky_rejects_a_matrix_that_is_not_positive_definite()
    {
        float[] a = [1, 2, 0, 1];

        Assert.Throws<TrainingFailedException>(() => RowSolver.CholeskySolveInPlace(a, new float[2], 2));
    }
}
