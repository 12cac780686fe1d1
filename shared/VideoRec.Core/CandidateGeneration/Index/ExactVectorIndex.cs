using System.Numerics.Tensors;
using VideoRec.Core.Ranking;

namespace VideoRec.Core.CandidateGeneration.Index;

/// <summary>
/// Exact (brute-force) nearest-neighbour search: every live vector is scored with SIMD dot products
/// (System.Numerics.Tensors) and the best k kept by a heap. It is the oracle the ANN engines are tested and measured
/// against, and the engine for catalogues small enough to scan (about 2 ms per 100,000 64-d vectors on one core).
/// Ties rank by storage slot (a deleted video's slot is reused). Thread-safe: searches run in parallel, writes take an exclusive lock.
/// </summary>
public sealed class ExactVectorIndex : IVideoVectorIndex
{
    private readonly ReaderWriterLockSlim _lock = new();
    private readonly Dictionary<string, int> _slots = new(StringComparer.Ordinal);
    private readonly Stack<int> _free = new();
    private float[] _rows;
    private string?[] _ids;
    private VideoIndexAttributes?[] _attributes;
    private int _used;

    /// <summary>An empty index.</summary>
    /// <param name="dimensions">Vector length, at least 1.</param>
    /// <param name="metric">How scores are computed.</param>
    /// <param name="capacity">Videos to reserve room for.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimensions"/> is below 1.</exception>
    public ExactVectorIndex(int dimensions, VectorMetric metric, int capacity = 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        Dimensions = dimensions;
        Metric = metric;
        capacity = Math.Max(16, capacity);
        _rows = new float[(long)capacity * dimensions];
        _ids = new string?[capacity];
        _attributes = new VideoIndexAttributes?[capacity];
    }

    /// <inheritdoc />
    public string Engine => "exact";

    /// <inheritdoc />
    public int Dimensions { get; }

    /// <inheritdoc />
    public VectorMetric Metric { get; }

    /// <summary>Number of indexed videos.</summary>
    public int Count
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _slots.Count;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<long> CountAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult((long)Count);

    /// <inheritdoc />
    public ValueTask UpsertAsync(IReadOnlyList<IndexedVideo> videos, CancellationToken cancellationToken = default)
    {
        Upsert(videos);
        return ValueTask.CompletedTask;
    }

    /// <summary>Adds or replaces videos by id (synchronous form of <see cref="UpsertAsync"/>).</summary>
    /// <exception cref="ArgumentException">A vector has another length or a non-finite value.</exception>
    public void Upsert(IReadOnlyList<IndexedVideo> videos)
    {
        var batch = VectorChecks.CheckBatch(videos, Dimensions);
        _lock.EnterWriteLock();
        try
        {
            foreach (var video in batch)
            {
                if (!_slots.TryGetValue(video.VideoId, out var slot))
                {
                    slot = _free.Count > 0 ? _free.Pop() : _used++;
                    EnsureCapacity(slot + 1);
                    _slots[video.VideoId] = slot;
                }

                var row = _rows.AsSpan(slot * Dimensions, Dimensions);
                video.Vector.Span.CopyTo(row);
                if (Metric == VectorMetric.Cosine)
                {
                    Normalise(row);
                }

                _ids[slot] = video.VideoId;
                _attributes[slot] = video.Attributes;
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <inheritdoc />
    public ValueTask<int> DeleteAsync(IReadOnlyCollection<string> videoIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(videoIds);
        var removed = 0;
        _lock.EnterWriteLock();
        try
        {
            foreach (var id in videoIds)
            {
                if (id is not null && _slots.Remove(id, out var slot))
                {
                    _ids[slot] = null;
                    _attributes[slot] = null;
                    _free.Push(slot);
                    removed++;
                }
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        return ValueTask.FromResult(removed);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<VectorMatch>> SearchAsync(ReadOnlyMemory<float> query, int k, VectorSearchFilter? filter = null,
        CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Search(query.Span, k, filter));

    /// <summary>Synchronous form of <see cref="SearchAsync"/>.</summary>
    /// <exception cref="ArgumentException">The query has another length or a non-finite value.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is below 1.</exception>
    public IReadOnlyList<VectorMatch> Search(ReadOnlySpan<float> query, int k, VectorSearchFilter? filter = null)
    {
        VectorChecks.Check(query, Dimensions, "query");
        VectorChecks.CheckK(k);
        filter ??= VectorSearchFilter.None;
        var norm = 1f;
        if (Metric == VectorMetric.Cosine)
        {
            // Scored against a unit copy: |q| itself can overflow (huge values) or underflow (subnormal values) float.
            var unit = query.ToArray();
            norm = Normalise(unit);
            query = unit;
        }

        _lock.EnterReadLock();
        try
        {
            if (norm == 0 || _used == 0)
            {
                return [];
            }

            var scores = new float[_used];
            for (var slot = 0; slot < _used; slot++)
            {
                var id = _ids[slot];
                if (id is null || !filter.Matches(id, _attributes[slot]!))
                {
                    scores[slot] = float.NaN;
                    continue;
                }

                var row = _rows.AsSpan(slot * Dimensions, Dimensions);
                var dot = TensorPrimitives.Dot(query, row);
                scores[slot] = Metric == VectorMetric.Cosine ? (row[0] == 0 && TensorPrimitives.MaxMagnitude(row) == 0 ? float.NaN : dot) : dot;
            }

            return TopK.Select(scores, k).Select(s => new VectorMatch(_ids[s.Index]!, s.Score)).ToArray();
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// Scales <paramref name="vector"/> to unit length in place and returns 1, or returns 0 for a zero vector. Divides
    /// by the largest magnitude first, so the norm neither overflows for values near float's range nor underflows for
    /// subnormal ones.
    /// </summary>
    private static float Normalise(Span<float> vector)
    {
        var largest = Math.Abs(TensorPrimitives.MaxMagnitude(vector));
        if (largest == 0)
        {
            return 0;
        }

        TensorPrimitives.Divide(vector, largest, vector);
        TensorPrimitives.Divide(vector, TensorPrimitives.Norm(vector), vector);
        return 1;
    }

    private void EnsureCapacity(int slots)
    {
        if (slots <= _ids.Length)
        {
            return;
        }

        var capacity = Math.Max(slots, _ids.Length * 2);
        Array.Resize(ref _rows, checked(capacity * Dimensions));
        Array.Resize(ref _ids, capacity);
        Array.Resize(ref _attributes, capacity);
    }
}
