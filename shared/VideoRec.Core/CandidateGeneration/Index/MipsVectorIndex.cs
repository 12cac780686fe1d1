using System.Numerics.Tensors;

namespace VideoRec.Core.CandidateGeneration.Index;

/// <summary>
/// Maximum-inner-product search on a graph index built for equal-norm vectors: each video vector v (norm at most M)
/// is stored with one more coordinate √(M² − |v|²), so every stored vector has norm M, and each query gets a 0 there,
/// so q·v is unchanged (Bachrach et al., "Speeding up the Xbox recommender system using a Euclidean transformation for
/// inner-product spaces", RecSys 2014). WALS factors have norms that grow with popularity, which misleads an HNSW graph
/// walked by inner product; after the transformation the walk behaves as under cosine while scores stay the model's dot
/// products. Wraps an inner-product index of <c>dimensions + 1</c>.
/// </summary>
public sealed class MipsVectorIndex : IVideoVectorIndex, IDisposable
{
    private readonly IVideoVectorIndex _inner;
    private readonly float _maxNormSquared;

    /// <summary>Wraps <paramref name="inner"/> (inner product, <c>[dimensions + 1]</c>) for vectors of norm at most <paramref name="maxNorm"/>.</summary>
    /// <exception cref="ArgumentException">The inner index is not inner product, or the norm bound is not positive and finite.</exception>
    public MipsVectorIndex(IVideoVectorIndex inner, float maxNorm)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (inner.Metric != VectorMetric.InnerProduct || inner.Dimensions < 2)
        {
            throw new ArgumentException("The inner index must be an inner-product index of at least 2 dimensions.", nameof(inner));
        }

        if (!(maxNorm > 0 && float.IsFinite(maxNorm)))
        {
            throw new ArgumentException($"The norm bound must be positive and finite, found {maxNorm}.", nameof(maxNorm));
        }

        _inner = inner;
        MaxNorm = maxNorm;
        _maxNormSquared = maxNorm * maxNorm;
    }

    /// <summary>The largest video-vector norm the index takes (M).</summary>
    public float MaxNorm { get; }

    /// <summary>The largest row norm of <paramref name="rows"/>, <c>[videos, dimensions]</c>, with 0.1% headroom (the M to build with).</summary>
    public static float NormBound(ReadOnlySpan<float> rows, int dimensions)
    {
        var max = 0f;
        for (var i = 0; i + dimensions <= rows.Length; i += dimensions)
        {
            max = Math.Max(max, TensorPrimitives.Norm(rows.Slice(i, dimensions)));
        }

        return max > 0 ? max * 1.001f : 1f;
    }

    /// <inheritdoc />
    public string Engine => _inner.Engine + "+mips";

    /// <inheritdoc />
    public int Dimensions => _inner.Dimensions - 1;

    /// <inheritdoc />
    public VectorMetric Metric => VectorMetric.InnerProduct;

    /// <inheritdoc />
    public ValueTask<long> CountAsync(CancellationToken cancellationToken = default) => _inner.CountAsync(cancellationToken);

    /// <inheritdoc />
    /// <exception cref="ArgumentException">A vector's norm exceeds <see cref="MaxNorm"/>, or its length or values are invalid.</exception>
    public ValueTask UpsertAsync(IReadOnlyList<IndexedVideo> videos, CancellationToken cancellationToken = default)
    {
        var batch = VectorChecks.CheckBatch(videos, Dimensions);
        var augmented = new IndexedVideo[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var v = batch[i].Vector.Span;
            var squared = TensorPrimitives.Dot(v, v);
            if (squared > _maxNormSquared)
            {
                throw new ArgumentException($"The vector of video '{batch[i].VideoId}' has norm {MathF.Sqrt(squared)}, above the index's bound {MaxNorm}; rebuild with a larger bound.", nameof(videos));
            }

            var row = new float[Dimensions + 1];
            v.CopyTo(row);
            row[Dimensions] = MathF.Sqrt(_maxNormSquared - squared);
            augmented[i] = batch[i] with { Vector = row };
        }

        return _inner.UpsertAsync(augmented, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<int> DeleteAsync(IReadOnlyCollection<string> videoIds, CancellationToken cancellationToken = default) =>
        _inner.DeleteAsync(videoIds, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<VectorMatch>> SearchAsync(ReadOnlyMemory<float> query, int k, VectorSearchFilter? filter = null,
        CancellationToken cancellationToken = default)
    {
        VectorChecks.Check(query.Span, Dimensions, "query");
        var row = new float[Dimensions + 1];
        query.Span.CopyTo(row);
        return _inner.SearchAsync(row, k, filter, cancellationToken);
    }

    /// <summary>Disposes the inner index when it is disposable.</summary>
    public void Dispose() => (_inner as IDisposable)?.Dispose();
}
