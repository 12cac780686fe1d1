using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace VideoRec.Core.Models.Wals;

/// <summary>
/// The inner loop of a WALS row solve, fused: for one observed factor row y, compute d = y·v and then
/// acc += (w·d + b)·y while y is still in the L1 cache. One call per observed entry replaces two
/// <see cref="TensorPrimitives"/> calls; that call overhead dominated at k = 64.
/// </summary>
internal static class FactorKernels
{
    /// <summary>acc += (weight·(y·v) + bias)·y; returns y·v. All spans have length k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float DotThenAccumulate(ReadOnlySpan<float> y, ReadOnlySpan<float> v, float weight, float bias, Span<float> acc)
    {
        var k = y.Length;
        ref var ry = ref MemoryMarshal.GetReference(y);
        ref var rv = ref MemoryMarshal.GetReference(v);
        ref var ra = ref MemoryMarshal.GetReference(acc);
        var dot = Dot(ref ry, ref rv, k);
        var scale = weight * dot + bias;
        var i = 0;
        if (Vector512.IsHardwareAccelerated && k >= Vector512<float>.Count)
        {
            var s = Vector512.Create(scale);
            for (; i <= k - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref ry, (nuint)i), s, Vector512.LoadUnsafe(ref ra, (nuint)i)).StoreUnsafe(ref ra, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated && k >= Vector256<float>.Count)
        {
            var s = Vector256.Create(scale);
            for (; i <= k - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ry, (nuint)i), s, Vector256.LoadUnsafe(ref ra, (nuint)i)).StoreUnsafe(ref ra, (nuint)i);
            }
        }

        for (; i < k; i++)
        {
            Unsafe.Add(ref ra, i) += scale * Unsafe.Add(ref ry, i);
        }

        return dot;
    }

    /// <summary>
    /// Hints the CPU to load the factor row starting at <paramref name="offset"/> into the cache. Only a hint:
    /// a prefetch of a stale address after the GC moved the array is harmless.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Prefetch(float[] factors, int offset)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(factors), offset)));
        }
    }

    /// <summary>dst = G·v + λ·v for a row-major <c>[k, k]</c> matrix G.</summary>
    public static void MatVecPlusDiagonal(ReadOnlySpan<float> g, ReadOnlySpan<float> v, float lambda, Span<float> dst)
    {
        var k = v.Length;
        ref var rg = ref MemoryMarshal.GetReference(g);
        ref var rv = ref MemoryMarshal.GetReference(v);
        for (var a = 0; a < k; a++)
        {
            dst[a] = Dot(ref Unsafe.Add(ref rg, a * k), ref rv, k) + lambda * Unsafe.Add(ref rv, a);
        }
    }

    /// <summary>x·y over k floats, without bounds checks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(ref float x, ref float y, int k)
    {
        var i = 0;
        var dot = 0f;
        if (Vector512.IsHardwareAccelerated && k >= Vector512<float>.Count)
        {
            var sum = Vector512<float>.Zero;
            for (; i <= k - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                sum = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref x, (nuint)i), Vector512.LoadUnsafe(ref y, (nuint)i), sum);
            }

            dot = Vector512.Sum(sum);
        }
        else if (Vector256.IsHardwareAccelerated && k >= Vector256<float>.Count)
        {
            var sum = Vector256<float>.Zero;
            for (; i <= k - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                sum = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x, (nuint)i), Vector256.LoadUnsafe(ref y, (nuint)i), sum);
            }

            dot = Vector256.Sum(sum);
        }

        for (; i < k; i++)
        {
            dot += Unsafe.Add(ref x, i) * Unsafe.Add(ref y, i);
        }

        return dot;
    }

    /// <summary>
    /// Symmetric rank-1 update of the upper triangle of a row-major <c>[k, k]</c> matrix: A += w·y·yᵀ, touching
    /// whole SIMD blocks from the diagonal's block rightwards (the strictly lower part may receive garbage, which
    /// the Cholesky routine overwrites).
    /// </summary>
    public static void SymmetricRankOneUpdate(Span<float> a, ReadOnlySpan<float> y, float w)
    {
        var k = y.Length;
        ref var ra = ref MemoryMarshal.GetReference(a);
        ref var ry = ref MemoryMarshal.GetReference(y);
        if (Vector512.IsHardwareAccelerated && k % Vector512<float>.Count == 0)
        {
            const int width = 16;
            for (var i = 0; i < k; i++)
            {
                var s = Vector512.Create(w * Unsafe.Add(ref ry, i));
                ref var row = ref Unsafe.Add(ref ra, i * k);
                for (var j = i / width * width; j < k; j += width)
                {
                    Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref ry, (nuint)j), s, Vector512.LoadUnsafe(ref row, (nuint)j)).StoreUnsafe(ref row, (nuint)j);
                }
            }

            return;
        }

        if (Vector256.IsHardwareAccelerated && k % Vector256<float>.Count == 0)
        {
            const int width = 8;
            for (var i = 0; i < k; i++)
            {
                var s = Vector256.Create(w * Unsafe.Add(ref ry, i));
                ref var row = ref Unsafe.Add(ref ra, i * k);
                for (var j = i / width * width; j < k; j += width)
                {
                    Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ry, (nuint)j), s, Vector256.LoadUnsafe(ref row, (nuint)j)).StoreUnsafe(ref row, (nuint)j);
                }
            }

            return;
        }

        for (var i = 0; i < k; i++)
        {
            var s = w * Unsafe.Add(ref ry, i);
            ref var row = ref Unsafe.Add(ref ra, i * k);
            for (var j = i; j < k; j++)
            {
                Unsafe.Add(ref row, j) += s * Unsafe.Add(ref ry, j);
            }
        }
    }
}
