using System.Numerics.Tensors;

namespace VideoRec.Core.Models.Wals;

/// <summary>The Gramian YᵀY of a factor matrix: the trick that makes the unobserved term cost O(k²) per row.</summary>
internal static class Gramian
{
    /// <summary>
    /// Computes <paramref name="scale"/>·YᵀY, shape <c>[k, k]</c>, for <paramref name="factors"/> of shape
    /// <c>[rows, k]</c>. Each entry is one long dot product over a transposed copy, so the result is the same
    /// whatever the thread count.
    /// </summary>
    public static float[] Compute(float[] factors, int rows, int k, float scale, int? maxThreads)
    {
        var transposed = new float[(long)rows * k];
        for (var r = 0; r < rows; r++)
        {
            var row = factors.AsSpan(r * k, k);
            for (var a = 0; a < k; a++)
            {
                transposed[(long)a * rows + r] = row[a];
            }
        }

        var gram = new float[k * k];
        Parallel.For(0, k, new ParallelOptions { MaxDegreeOfParallelism = maxThreads ?? -1 }, a =>
        {
            var colA = transposed.AsSpan(a * rows, rows);
            for (var b = a; b < k; b++)
            {
                var value = scale * TensorPrimitives.Dot(colA, transposed.AsSpan(b * rows, rows));
                gram[a * k + b] = value;
                gram[b * k + a] = value;
            }
        });
        return gram;
    }
}
