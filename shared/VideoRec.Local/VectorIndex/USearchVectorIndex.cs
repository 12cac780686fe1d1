using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using VideoRec.Core.CandidateGeneration.Index;
using VideoRec.Core.Ranking;

namespace VideoRec.Local.VectorIndex;

/// <summary>
/// The embedded vector index: an HNSW graph in the native USearch library (f32 vectors, inner-product or cosine metric),
/// with video ids, attributes and filtering kept in managed memory. Video ids map to sequential 64-bit keys; writing an
/// id again removes its old key and adds a new one. Filtered searches run inside the graph walk
/// (<c>usearch_filtered_search</c> with <see cref="VectorSearchFilter.Matches"/>); when a very selective filter leaves
/// the walk with fewer results than the matching videos allow, the matching videos are scanned exactly, so a filter with
/// k matching videos always returns k (that scan reads each matching vector back from the graph, so it costs about
/// a microsecond per matching video). The scan is bounded: when more than <see cref="ExactFallbackLimit"/> videos match
/// (a broad filter such as a common language), the graph walk's answer is returned as it is, which can then hold fewer
/// than k videos although more match; ask for fewer or raise the search expansion. Scores are similarities like <see cref="ExactVectorIndex"/>: USearch reports
/// 1 − q·v (inner product) and 1 − cos (cosine), converted back as 1 − distance. Under cosine a zero vector never
/// matches (it is kept, counted, but not put in the graph).
/// </summary>
/// <remarks>
/// Thread-safe: searches run concurrently (up to <see cref="UsearchIndexOptions.Threads"/> inside USearch at once, more
/// wait), writes take an exclusive lock and add large batches on <see cref="UsearchIndexOptions.Threads"/> threads.
/// Persist with <see cref="Save"/> and reopen with <see cref="Open"/>.
/// </remarks>
public sealed unsafe partial class USearchVectorIndex : IVideoVectorIndex, IDisposable
{
    private const int ParallelAddThreshold = 256;

    private readonly ReaderWriterLockSlim _lock = new();
    private readonly SemaphoreSlim _contexts;
    private readonly UsearchIndexOptions _options;
    private readonly Dictionary<string, ulong> _keys = new(StringComparer.Ordinal);
    private UsearchHandle _handle;
    private string?[] _ids = new string?[64];
    private VideoIndexAttributes?[] _attributes = new VideoIndexAttributes?[64];
    private bool[] _inGraph = new bool[64];
    private ulong _nextKey;
    private int _graphCount;
    private int _hiddenCount;
    private int _expansionSearch;
    private string? _mappedFile;
    private bool _disposed;

    /// <summary>An empty index.</summary>
    /// <param name="dimensions">Vector length, 1 to 65,536.</param>
    /// <param name="metric">How scores are computed; choose the metric the embeddings were trained with.</param>
    /// <param name="options">HNSW parameters; <c>null</c> for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimensions"/> or an option is out of range, or the metric is unknown.</exception>
    /// <exception cref="UsearchException">The native library failed.</exception>
    public USearchVectorIndex(int dimensions, VectorMetric metric, UsearchIndexOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dimensions, 65_536);
        if (!Enum.IsDefined(metric))
        {
            throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown vector metric.");
        }

        _options = (options ?? new UsearchIndexOptions()).Validate();
        Dimensions = dimensions;
        Metric = metric;
        _contexts = new SemaphoreSlim(_options.Threads, _options.Threads);
        _handle = new UsearchHandle(MetricKind(metric), dimensions, _options);
        _expansionSearch = _options.ExpansionSearch;
        ApplyRuntimeOptions(_handle);
    }

    /// <inheritdoc />
    public string Engine => "usearch-hnsw";

    /// <inheritdoc />
    public int Dimensions { get; }

    /// <inheritdoc />
    public VectorMetric Metric { get; }

    /// <summary>The parameters this index was created or opened with (ExpansionSearch as at that time).</summary>
    public UsearchIndexOptions Options => _options;

    /// <summary>Number of indexed videos.</summary>
    public int Count => Read(() => _keys.Count);

    /// <summary>Whether the index is a read-only memory mapping (until the first write loads it).</summary>
    public bool IsMemoryMapped => Read(() => _mappedFile is not null);

    /// <summary>
    /// The search expansion (ef) in effect, as the native index reports it (<c>usearch_expansion_search</c>);
    /// setting it applies at once to later searches.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside 1 to 4096.</exception>
    public int ExpansionSearch
    {
        get => Read(() =>
        {
            nint error = 0;
            var value = UsearchNative.ExpansionSearch(_handle.Value, &error);
            UsearchNative.Check(error, "expansion_search");
            return (int)value;
        });
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 4096);
            Write(() =>
            {
                _expansionSearch = value;
                ApplyRuntimeOptions(_handle);
            });
        }
    }

    /// <summary>Bytes the native index uses (graph and vectors; <c>usearch_memory_usage</c>), excluding ids and attributes.</summary>
    public long NativeMemoryBytes => Read(() =>
    {
        nint error = 0;
        var bytes = UsearchNative.MemoryUsage(_handle.Value, &error);
        UsearchNative.Check(error, "memory_usage");
        return (long)bytes;
    });

    /// <summary>The SIMD code path USearch selected on this CPU, such as <c>skylake</c> or <c>haswell</c>.</summary>
    public string HardwareAcceleration => Read(() =>
    {
        nint error = 0;
        var name = UsearchNative.HardwareAcceleration(_handle.Value, &error);
        return error == 0 && name != 0 ? Marshal.PtrToStringUTF8(name) ?? "unknown" : "unknown";
    });

    /// <inheritdoc />
    public ValueTask<long> CountAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult((long)Count);

    /// <inheritdoc />
    public ValueTask UpsertAsync(IReadOnlyList<IndexedVideo> videos, CancellationToken cancellationToken = default)
    {
        Upsert(videos);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Adds or replaces videos by id (synchronous form of <see cref="UpsertAsync"/>). Batches of 256 or more are added
    /// on <see cref="UsearchIndexOptions.Threads"/> threads. A memory-mapped index is loaded into memory first.
    /// </summary>
    /// <param name="videos">The videos, each vector <c>[dimensions]</c>; an id repeated in the batch keeps its last vector.</param>
    /// <exception cref="ArgumentException">A vector has another length or a non-finite value, or an id is empty.</exception>
    /// <exception cref="UsearchException">The native library failed.</exception>
    public void Upsert(IReadOnlyList<IndexedVideo> videos)
    {
        var batch = VectorChecks.CheckBatch(videos, Dimensions);
        if (batch.Count == 0)
        {
            return;
        }

        Write(() =>
        {
            EnsureWritable();
            foreach (var video in batch)
            {
                if (_keys.TryGetValue(video.VideoId, out var old))
                {
                    RemoveKey(old);
                }
            }

            var toAdd = new List<(ulong Key, ReadOnlyMemory<float> Vector)>(batch.Count);
            foreach (var video in batch)
            {
                var key = _nextKey++;
                EnsureKeyCapacity(key);
                var inGraph = Metric != VectorMetric.Cosine || TensorPrimitives.Norm(video.Vector.Span) > 0;
                _ids[key] = video.VideoId;
                _attributes[key] = video.Attributes;
                _keys[video.VideoId] = key;
                _hiddenCount += video.Attributes.Hidden ? 1 : 0;
                if (inGraph)
                {
                    toAdd.Add((key, video.Vector));
                }
            }

            ReserveFor(_graphCount + toAdd.Count);
            AddToGraph(toAdd);
        });
    }

    /// <summary>
    /// Makes room for <paramref name="videos"/> graph vectors in total, so that a large build does not grow the
    /// native index step by step (upserts otherwise double the capacity when it runs out).
    /// </summary>
    /// <param name="videos">Total videos to hold, at least 0.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="videos"/> is negative.</exception>
    /// <exception cref="UsearchException">The native library failed (out of memory).</exception>
    public void Reserve(int videos)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(videos);
        Write(() =>
        {
            EnsureWritable();
            nint error = 0;
            var capacity = UsearchNative.Capacity(_handle.Value, &error);
            UsearchNative.Check(error, "capacity");
            if ((nuint)videos > capacity)
            {
                UsearchNative.Reserve(_handle.Value, (nuint)videos, &error);
                UsearchNative.Check(error, "reserve");
                ApplyRuntimeOptions(_handle);
            }
        });
    }

    /// <inheritdoc />
    public ValueTask<int> DeleteAsync(IReadOnlyCollection<string> videoIds, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Delete(videoIds));

    /// <summary>Removes videos by id; unknown ids are ignored (synchronous form of <see cref="DeleteAsync"/>).</summary>
    /// <returns>How many were indexed and are now removed.</returns>
    /// <exception cref="UsearchException">The native library failed.</exception>
    public int Delete(IReadOnlyCollection<string> videoIds)
    {
        ArgumentNullException.ThrowIfNull(videoIds);
        return Write(() =>
        {
            var removed = 0;
            foreach (var id in videoIds)
            {
                if (id is not null && _keys.TryGetValue(id, out var key))
                {
                    EnsureWritable();
                    RemoveKey(key);
                    removed++;
                }
            }

            return removed;
        });
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<VectorMatch>> SearchAsync(ReadOnlyMemory<float> query, int k, VectorSearchFilter? filter = null,
        CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Search(query.Span, k, filter));

    /// <summary>Synchronous form of <see cref="SearchAsync"/>.</summary>
    /// <param name="query">The query vector, <c>[dimensions]</c>.</param>
    /// <param name="k">How many, at least 1.</param>
    /// <param name="filter">Restrictions; <c>null</c> means <see cref="VectorSearchFilter.None"/>.</param>
    /// <returns>Up to k matches, best (highest similarity) first.</returns>
    /// <exception cref="ArgumentException">The query has another length or a non-finite value.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is below 1.</exception>
    /// <exception cref="UsearchException">The native library failed.</exception>
    public IReadOnlyList<VectorMatch> Search(ReadOnlySpan<float> query, int k, VectorSearchFilter? filter = null)
    {
        VectorChecks.Check(query, Dimensions, "query");
        VectorChecks.CheckK(k);
        filter ??= VectorSearchFilter.None;
        if (Metric == VectorMetric.Cosine && TensorPrimitives.Norm(query) == 0)
        {
            return [];
        }

        _lock.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_graphCount == 0)
            {
                return [];
            }

            var restricts = filter.IsSelective || (!filter.IncludeHidden && _hiddenCount > 0);
            var wanted = Math.Min(k, _graphCount);
            var keys = new ulong[wanted];
            var distances = new float[wanted];
            var found = GraphSearch(query, filter, restricts, keys, distances);
            if (found < wanted)
            {
                // A selective filter can starve the graph walk: scan the matching videos exactly, but only while they
                // are few enough for a scan to be cheap; a broad filter keeps the graph's answer.
                var limit = ExactFallbackLimit(k);
                var matching = restricts && EstimatedMatches(filter) > 2.0 * limit
                    ? null
                    : MatchingKeys(filter, stopAfter: restricts ? limit + 1 : int.MaxValue);
                if (matching is not null && (matching.Count <= limit || !restricts))
                {
                    if (found < Math.Min(wanted, matching.Count))
                    {
                        return ExactSearch(query, k, matching);
                    }
                }
            }

            var results = new List<VectorMatch>(found);
            for (var i = 0; i < found; i++)
            {
                if (keys[i] < _nextKey && _ids[keys[i]] is { } id)
                {
                    results.Add(new VectorMatch(id, 1f - distances[i]));
                }
            }

            return results;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Frees the native index. Later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        _lock.EnterWriteLock();
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _handle.Dispose();
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        _contexts.Dispose();
    }

    /// <summary>Runs the native (filtered) search on one of the search contexts; returns how many results it wrote.</summary>
    private int GraphSearch(ReadOnlySpan<float> query, VectorSearchFilter filter, bool restricts, ulong[] keys, float[] distances)
    {
        _contexts.Wait();
        try
        {
            nint error = 0;
            nuint found;
            fixed (float* q = query)
            fixed (ulong* k = keys)
            fixed (float* d = distances)
            {
                if (!restricts)
                {
                    found = UsearchNative.Search(_handle.Value, q, UsearchNative.ScalarF32, (nuint)keys.Length, k, d, &error);
                }
                else
                {
                    var state = new UsearchFilter(filter, _ids, _attributes, _inGraph);
                    var handle = GCHandle.Alloc(state);
                    try
                    {
                        found = UsearchNative.FilteredSearch(_handle.Value, q, UsearchNative.ScalarF32, (nuint)keys.Length,
                            &UsearchFilter.Callback, GCHandle.ToIntPtr(handle), k, d, &error);
                    }
                    finally
                    {
                        handle.Free();
                    }

                    if (state.Error is { } filterError)
                    {
                        throw new InvalidOperationException("The search filter failed: " + filterError.Message, filterError);
                    }
                }
            }

            UsearchNative.Check(error, "search");
            return (int)Math.Min(found, (nuint)keys.Length);
        }
        finally
        {
            _contexts.Release();
        }
    }

    /// <summary>Keys of live graph vectors that pass the filter, in key order.</summary>
    /// <summary>The most matching videos a filtered search scans exactly when the graph returns fewer than k: max(20,000, 20·k).</summary>
    public static int ExactFallbackLimit(int k) => (int)Math.Min(int.MaxValue - 1L, Math.Max(20_000L, 20L * k));

    /// <summary>The number of graph videos passing <paramref name="filter"/>, estimated from 1,024 keys spread over the key range.</summary>
    private double EstimatedMatches(VectorSearchFilter filter)
    {
        const int samples = 1024;
        if (_nextKey <= samples)
        {
            return 0; // small enough to count exactly
        }

        var (inGraph, hits) = (0, 0);
        var step = (double)_nextKey / samples;
        for (var i = 0; i < samples; i++)
        {
            var key = (ulong)(i * step);
            if (_inGraph[key])
            {
                inGraph++;
                hits += filter.Matches(_ids[key]!, _attributes[key]!) ? 1 : 0;
            }
        }

        return inGraph == 0 ? 0 : (double)hits / inGraph * _graphCount;
    }

    private List<ulong> MatchingKeys(VectorSearchFilter filter, int stopAfter = int.MaxValue)
    {
        var keys = new List<ulong>();
        for (ulong key = 0; key < _nextKey && keys.Count < stopAfter; key++)
        {
            if (_inGraph[key] && filter.Matches(_ids[key]!, _attributes[key]!))
            {
                keys.Add(key);
            }
        }

        return keys;
    }

    /// <summary>Exact top k over the given keys, reading each vector back from the graph (<c>usearch_get</c>).</summary>
    private VectorMatch[] ExactSearch(ReadOnlySpan<float> query, int k, List<ulong> keys)
    {
        var scores = new float[keys.Count];
        var vector = new float[Dimensions];
        var queryNorm = TensorPrimitives.Norm(query);
        fixed (float* v = vector)
        {
            for (var i = 0; i < keys.Count; i++)
            {
                nint error = 0;
                var got = UsearchNative.Get(_handle.Value, keys[i], 1, v, UsearchNative.ScalarF32, &error);
                UsearchNative.Check(error, "get");
                if (got == 0)
                {
                    scores[i] = float.NaN;
                    continue;
                }

                var dot = TensorPrimitives.Dot(query, vector);
                scores[i] = Metric == VectorMetric.Cosine ? dot / (queryNorm * TensorPrimitives.Norm(vector)) : dot;
            }
        }

        return TopK.Select(scores, k).Select(s => new VectorMatch(_ids[keys[s.Index]]!, s.Score)).ToArray();
    }

    private void AddToGraph(List<(ulong Key, ReadOnlyMemory<float> Vector)> toAdd)
    {
        void AddOne(int i)
        {
            nint error = 0;
            fixed (float* v = toAdd[i].Vector.Span)
            {
                UsearchNative.Add(_handle.Value, toAdd[i].Key, v, UsearchNative.ScalarF32, &error);
            }

            UsearchNative.Check(error, "add");
            _inGraph[toAdd[i].Key] = true;
            Interlocked.Increment(ref _graphCount);
        }

        if (toAdd.Count < ParallelAddThreshold || _options.Threads == 1)
        {
            for (var i = 0; i < toAdd.Count; i++)
            {
                AddOne(i);
            }
        }
        else
        {
            Parallel.For(0, toAdd.Count, new ParallelOptions { MaxDegreeOfParallelism = _options.Threads }, AddOne);
        }
    }

    private void RemoveKey(ulong key)
    {
        if (_inGraph[key])
        {
            nint error = 0;
            UsearchNative.Remove(_handle.Value, key, &error);
            UsearchNative.Check(error, "remove");
            _inGraph[key] = false;
            _graphCount--;
        }

        _keys.Remove(_ids[key]!);
        _hiddenCount -= _attributes[key]!.Hidden ? 1 : 0;
        _ids[key] = null;
        _attributes[key] = null;
    }

    /// <summary>Grows the native capacity (doubling) so that <paramref name="vectors"/> fit; USearch refuses adds beyond it.</summary>
    private void ReserveFor(int vectors)
    {
        nint error = 0;
        var capacity = UsearchNative.Capacity(_handle.Value, &error);
        UsearchNative.Check(error, "capacity");
        if ((nuint)vectors <= capacity)
        {
            return;
        }

        var target = Math.Max((nuint)vectors, Math.Max(capacity * 2, 64));
        UsearchNative.Reserve(_handle.Value, target, &error);
        UsearchNative.Check(error, "reserve");
        ApplyRuntimeOptions(_handle);
    }

    private void EnsureKeyCapacity(ulong key)
    {
        if (key < (ulong)_ids.Length)
        {
            return;
        }

        if (key >= int.MaxValue)
        {
            throw new InvalidOperationException("The index has used every key; save and reopen it is not enough, rebuild it.");
        }

        var size = (int)Math.Min(int.MaxValue, Math.Max((long)key + 1, _ids.Length * 2L));
        Array.Resize(ref _ids, size);
        Array.Resize(ref _attributes, size);
        Array.Resize(ref _inGraph, size);
    }

    /// <summary>Sets what USearch does not persist: both expansions and the number of add and search threads.</summary>
    private void ApplyRuntimeOptions(UsearchHandle handle)
    {
        nint error = 0;
        UsearchNative.ChangeExpansionAdd(handle.Value, (nuint)_options.ExpansionAdd, &error);
        UsearchNative.Check(error, "change_expansion_add");
        UsearchNative.ChangeExpansionSearch(handle.Value, (nuint)_expansionSearch, &error);
        UsearchNative.Check(error, "change_expansion_search");
        UsearchNative.ChangeThreadsAdd(handle.Value, (nuint)_options.Threads, &error);
        UsearchNative.Check(error, "change_threads_add");
        UsearchNative.ChangeThreadsSearch(handle.Value, (nuint)_options.Threads, &error);
        UsearchNative.Check(error, "change_threads_search");
    }

    private static int MetricKind(VectorMetric metric) => metric == VectorMetric.Cosine ? UsearchNative.MetricCos : UsearchNative.MetricIp;

    private T Read<T>(Func<T> body)
    {
        _lock.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return body();
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    private void Write(Action body) => Write(() =>
    {
        body();
        return 0;
    });

    private T Write<T>(Func<T> body)
    {
        _lock.EnterWriteLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return body();
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }
}
