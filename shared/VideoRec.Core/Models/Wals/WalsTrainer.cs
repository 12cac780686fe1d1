using System.Diagnostics;
using System.Numerics.Tensors;
using VideoRec.Core.Matrix;

namespace VideoRec.Core.Models.Wals;

/// <summary>
/// Weighted alternating least squares (design, "Matrix factorization optimization"; Hu, Koren and Volinsky,
/// ICDM 2008): fix the video factors and solve every user row, then fix the users and solve every video row.
/// Rows are solved in parallel; the result depends only on the data, the options and the seed.
/// </summary>
public static class WalsTrainer
{
    /// <summary>Trains a model on a user × video feedback matrix.</summary>
    /// <param name="userVideo">Feedback matrix <c>[users, videos]</c> with strength and preference per observed pair.</param>
    /// <param name="options">Hyperparameters; validated first.</param>
    /// <param name="progress">Receives one report per iteration.</param>
    /// <param name="validation">
    /// Optional metric (higher is better) evaluated after each iteration; with
    /// <see cref="WalsOptions.EarlyStoppingPatience"/> &gt; 0 it stops training and keeps the best model.
    /// </param>
    /// <param name="cancellationToken">Stops between half-iterations.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is invalid.</exception>
    /// <exception cref="ArgumentException">The matrix has no observed entry.</exception>
    /// <exception cref="TrainingFailedException">The system was not positive definite or the factors overflowed.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static WalsModel Fit(SparseMatrix userVideo, WalsOptions options, IProgress<WalsIteration>? progress = null,
        Func<WalsModel, double>? validation = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userVideo);
        options.Validate();
        if (userVideo.Rows == 0 || userVideo.Columns == 0 || userVideo.NonZeros == 0)
        {
            throw new ArgumentException($"The feedback matrix [{userVideo.Rows}, {userVideo.Columns}] has no observed entries: there is nothing to train on.", nameof(userVideo));
        }

        var k = options.Factors;
        var videoUser = userVideo.Transpose();
        var random = new Random(options.Seed);
        var x = Initialize(userVideo.Rows, k, options.InitScale, random);
        var y = Initialize(userVideo.Columns, k, options.InitScale, random);

        WalsModel? best = null;
        var bestScore = double.NegativeInfinity;
        var sinceBest = 0;
        for (var iteration = 1; iteration <= options.Iterations; iteration++)
        {
            var clock = Stopwatch.StartNew();
            cancellationToken.ThrowIfCancellationRequested();
            RowSolver.SolveAll(userVideo, x, y, userVideo.Columns, options);
            cancellationToken.ThrowIfCancellationRequested();
            RowSolver.SolveAll(videoUser, y, x, userVideo.Rows, options);
            var seconds = clock.Elapsed.TotalSeconds;

            var loss = options.ComputeLoss ? Loss(userVideo, x, y, options) : double.NaN;
            double? score = null;
            if (validation is not null)
            {
                var snapshot = new WalsModel(k, (float[])x.Clone(), (float[])y.Clone(), options);
                score = validation(snapshot);
                if (score > bestScore)
                {
                    bestScore = score.Value;
                    best = snapshot;
                    sinceBest = 0;
                }
                else
                {
                    sinceBest++;
                }
            }

            progress?.Report(new WalsIteration(iteration, options.Iterations, loss, seconds, score));
            if (options.EarlyStoppingPatience > 0 && sinceBest >= options.EarlyStoppingPatience)
            {
                break;
            }
        }

        var result = options.EarlyStoppingPatience > 0 && best is not null ? best : new WalsModel(k, x, y, options);
        EnsureFinite(result);
        return result;
    }

    /// <summary>Fails loudly instead of saving a model whose factors overflowed.</summary>
    private static void EnsureFinite(WalsModel model)
    {
        if (!AllFinite(model.UserFactors) || !AllFinite(model.VideoFactors))
        {
            throw new TrainingFailedException(
                "WALS diverged: some factors are not finite numbers. Lower the confidence scale (α) or the unobserved weight (W), or raise the regularization (λ).");
        }
    }

    private static bool AllFinite(float[] values)
    {
        foreach (var value in values)
        {
            if (!float.IsFinite(value))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The weighted loss Σ_obs c·(p − x·y)² + W·Σ_unobs (x·y)² + Σ_rows λ_r‖x‖² + Σ_cols λ_c‖y‖², divided by nnz.
    /// The unobserved sum uses Σ_all (x·y)² = Σ_u xᵤᵀ(YᵀY)xᵤ, so it costs O(nnz·k + users·k²).
    /// </summary>
    internal static double Loss(SparseMatrix userVideo, float[] x, float[] y, WalsOptions options)
    {
        var k = options.Factors;
        var gram = Gramian.Compute(y, userVideo.Columns, k, 1f, options.MaxDegreeOfParallelism);
        var partial = new double[userVideo.Rows];
        var videoCounts = new int[userVideo.Columns];
        foreach (var c in userVideo.ColumnIndices)
        {
            videoCounts[c]++;
        }

        Parallel.For(0, userVideo.Rows, new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism ?? -1 }, () => new float[k], (u, _, q) =>
        {
            var xu = x.AsSpan(u * k, k);
            for (var a = 0; a < k; a++)
            {
                q[a] = TensorPrimitives.Dot(gram.AsSpan(a * k, k), xu);
            }

            double sum = options.UnobservedWeight * TensorPrimitives.Dot(xu, q);
            var count = 0;
            for (var e = userVideo.RowStart[u]; e < userVideo.RowStart[u + 1]; e++)
            {
                var prediction = TensorPrimitives.Dot(xu, y.AsSpan(userVideo.ColumnIndices[e] * k, k));
                var confidence = 1.0 + options.Alpha * userVideo.Strength[e];
                var error = userVideo.Preference[e] - prediction;
                sum += confidence * error * error - options.UnobservedWeight * prediction * prediction;
                count++;
            }

            var lambda = options.ScaleRegularizationByCount ? options.Regularization * (1 + count) : options.Regularization;
            partial[u] = sum + lambda * TensorPrimitives.Dot(xu, xu);
            return q;
        }, static _ => { });

        var total = 0.0;
        foreach (var value in partial)
        {
            total += value;
        }

        for (var v = 0; v < userVideo.Columns; v++)
        {
            var yv = y.AsSpan(v * k, k);
            var lambda = options.ScaleRegularizationByCount ? options.Regularization * (1 + videoCounts[v]) : options.Regularization;
            total += lambda * TensorPrimitives.Dot(yv, yv);
        }

        return total / Math.Max(1, userVideo.NonZeros);
    }

    private static float[] Initialize(int rows, int k, float scale, Random random)
    {
        var factors = new float[(long)rows * k];
        for (var i = 0; i < factors.Length; i++)
        {
            factors[i] = (float)random.NextDouble() * scale;
        }

        return factors;
    }
}
