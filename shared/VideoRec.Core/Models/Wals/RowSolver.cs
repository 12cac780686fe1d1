using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using VideoRec.Core.Matrix;

namespace VideoRec.Core.Models.Wals;

/// <summary>
/// Solves, for one row r with observed columns j, the weighted normal equations
/// (W·YᵀY + Σ_j (c_j − W)·y_j·y_jᵀ + λ_r·I)·x = Σ_j c_j·p_j·y_j, where c_j = 1 + α·s_j.
/// One instance per thread: it owns the scratch buffers.
/// </summary>
internal sealed class RowSolver
{
    private readonly int _k;
    private readonly float _alpha;
    private readonly float _w;
    private readonly float[] _r;
    private readonly float[] _p;
    private readonly float[] _ap;
    private readonly float[] _a;

    public RowSolver(int k, float alpha, float unobservedWeight)
    {
        _k = k;
        _alpha = alpha;
        _w = unobservedWeight;
        _r = new float[k];
        _p = new float[k];
        _ap = new float[k];
        _a = new float[k * k];
    }

    /// <summary>
    /// Conjugate gradient warm-started at <paramref name="x"/> (updated in place), never forming the matrix:
    /// A·v = G·v + λ·v + Σ_j (c_j − W)·(y_j·v)·y_j.
    /// </summary>
    /// <param name="x">The row's factors, <c>[k]</c>; read as the start point and overwritten.</param>
    /// <param name="gram">W·YᵀY, <c>[k, k]</c>.</param>
    /// <param name="lambda">λ_r for this row.</param>
    /// <param name="columns">Observed column indices of the row.</param>
    /// <param name="strength">Strength of each observed entry.</param>
    /// <param name="preference">Target preference of each observed entry.</param>
    /// <param name="y">The fixed factor matrix, <c>[columns, k]</c>.</param>
    /// <param name="steps">Conjugate-gradient steps.</param>
    public void ConjugateGradient(Span<float> x, float[] gram, float lambda, ReadOnlySpan<int> columns,
        ReadOnlySpan<float> strength, ReadOnlySpan<float> preference, float[] y, int steps)
    {
        var k = _k;
        var r = _r.AsSpan();
        var p = _p.AsSpan();
        var ap = _ap.AsSpan();

        // r = b − A·x
        FactorKernels.MatVecPlusDiagonal(gram, x, lambda, r);
        TensorPrimitives.Negate(r, r);

        for (var e = 0; e < columns.Length; e++)
        {
            if (e + 2 < columns.Length)
            {
                FactorKernels.Prefetch(y, columns[e + 2] * k);
            }

            var yj = y.AsSpan(columns[e] * k, k);
            var c = 1f + _alpha * strength[e];
            FactorKernels.DotThenAccumulate(yj, x, _w - c, c * preference[e], r);
        }

        r.CopyTo(p);
        var rsOld = TensorPrimitives.Dot(r, r);
        for (var step = 0; step < steps && rsOld > 1e-20f; step++)
        {
            FactorKernels.MatVecPlusDiagonal(gram, p, lambda, ap);

            for (var e = 0; e < columns.Length; e++)
            {
                if (e + 2 < columns.Length)
                {
                    FactorKernels.Prefetch(y, columns[e + 2] * k);
                }

                var yj = y.AsSpan(columns[e] * k, k);
                var c = 1f + _alpha * strength[e];
                FactorKernels.DotThenAccumulate(yj, p, c - _w, 0f, ap);
            }

            var pAp = TensorPrimitives.Dot(p, ap);
            if (!(pAp > 0f))
            {
                break;
            }

            var stepSize = rsOld / pAp;
            TensorPrimitives.MultiplyAdd(p, stepSize, x, x);
            TensorPrimitives.MultiplyAdd(ap, -stepSize, r, r);
            var rsNew = TensorPrimitives.Dot(r, r);
            TensorPrimitives.MultiplyAdd(p, rsNew / rsOld, r, p);
            rsOld = rsNew;
        }
    }

    /// <summary>The exact solve: forms A (upper triangle) and b, then Cholesky. Writes the solution to <paramref name="x"/>.</summary>
    public void Cholesky(Span<float> x, float[] gram, float lambda, ReadOnlySpan<int> columns,
        ReadOnlySpan<float> strength, ReadOnlySpan<float> preference, float[] y)
    {
        var k = _k;
        var a = _a.AsSpan();
        var b = x;
        gram.CopyTo(a);
        for (var i = 0; i < k; i++)
        {
            a[i * k + i] += lambda;
        }

        b.Clear();
        for (var e = 0; e < columns.Length; e++)
        {
            var yj = y.AsSpan(columns[e] * k, k);
            var c = 1f + _alpha * strength[e];
            FactorKernels.SymmetricRankOneUpdate(a, yj, c - _w);

            if (preference[e] != 0f)
            {
                TensorPrimitives.MultiplyAdd(yj, c * preference[e], b, b);
            }
        }

        CholeskySolveInPlace(a, b, k);
    }

    /// <summary>
    /// Solves A·x = b for symmetric positive-definite A given by its upper triangle (row-major <c>[k, k]</c>),
    /// overwriting the lower triangle with the Cholesky factor L and <paramref name="b"/> with x.
    /// </summary>
    /// <exception cref="TrainingFailedException">A is not positive definite.</exception>
    public static void CholeskySolveInPlace(Span<float> a, Span<float> b, int k)
    {
        ref var ra = ref MemoryMarshal.GetReference(a);
        for (var j = 0; j < k; j++)
        {
            ref var rowJ = ref Unsafe.Add(ref ra, j * k);
            var diagonal = a[j * k + j] - FactorKernels.Dot(ref rowJ, ref rowJ, j);
            if (!(diagonal > 0f))
            {
                throw new TrainingFailedException("The WALS normal equations are not positive definite; raise the regularization (λ) or the unobserved weight (W).");
            }

            var ljj = MathF.Sqrt(diagonal);
            a[j * k + j] = ljj;
            for (var i = j + 1; i < k; i++)
            {
                a[i * k + j] = (a[j * k + i] - FactorKernels.Dot(ref Unsafe.Add(ref ra, i * k), ref rowJ, j)) / ljj;
            }
        }

        // L·z = b
        for (var i = 0; i < k; i++)
        {
            b[i] = (b[i] - TensorPrimitives.Dot(a.Slice(i * k, i), b[..i])) / a[i * k + i];
        }

        // Lᵀ·x = z
        for (var i = k - 1; i >= 0; i--)
        {
            var sum = b[i];
            for (var m = i + 1; m < k; m++)
            {
                sum -= a[m * k + i] * b[m];
            }

            b[i] = sum / a[i * k + i];
        }
    }

    /// <summary>Solves every row of <paramref name="matrix"/> for <paramref name="x"/> given fixed <paramref name="y"/>.</summary>
    public static void SolveAll(SparseMatrix matrix, float[] x, float[] y, int columnsOfY, WalsOptions options)
    {
        var k = options.Factors;
        var gram = Gramian.Compute(y, columnsOfY, k, options.UnobservedWeight, options.MaxDegreeOfParallelism);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism ?? -1 };
        var ranges = System.Collections.Concurrent.Partitioner.Create(0, matrix.Rows, Math.Max(64, matrix.Rows / 512));
        try
        {
            SolveRanges(matrix, x, y, options, k, gram, parallel, ranges);
        }
        catch (AggregateException e) when (e.InnerExceptions.All(inner => inner is TrainingFailedException))
        {
            throw e.InnerExceptions[0];
        }
    }

    private static void SolveRanges(SparseMatrix matrix, float[] x, float[] y, WalsOptions options, int k, float[] gram,
        ParallelOptions parallel, System.Collections.Concurrent.OrderablePartitioner<Tuple<int, int>> ranges)
    {
        Parallel.ForEach(ranges, parallel, () => new RowSolver(k, options.Alpha, options.UnobservedWeight), (range, _, solver) =>
        {
            for (var row = range.Item1; row < range.Item2; row++)
            {
                var start = matrix.RowStart[row];
                var count = matrix.RowStart[row + 1] - start;
                var lambda = options.ScaleRegularizationByCount ? options.Regularization * (1 + count) : options.Regularization;
                var columns = matrix.ColumnIndices.AsSpan(start, count);
                var strength = matrix.Strength.AsSpan(start, count);
                var preference = matrix.Preference.AsSpan(start, count);
                var xr = x.AsSpan(row * k, k);
                if (options.Solver == WalsSolver.Cholesky)
                {
                    solver.Cholesky(xr, gram, lambda, columns, strength, preference, y);
                }
                else
                {
                    solver.ConjugateGradient(xr, gram, lambda, columns, strength, preference, y, options.ConjugateGradientSteps);
                }
            }

            return solver;
        }, static _ => { });
    }
}
