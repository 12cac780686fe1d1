using VideoRec.Core.CandidateGeneration.Index;

namespace VideoRec.Local.VectorIndex;

/// <summary>Saving and opening: the USearch file plus the sidecar of ids and attributes.</summary>
public sealed unsafe partial class USearchVectorIndex
{
    /// <summary>Name of the native index file inside a saved index folder.</summary>
    public const string IndexFileName = "index.usearch";

    /// <summary>Name of the sidecar (ids ↔ keys, attributes, metric, dimensions, format version) inside a saved index folder.</summary>
    public const string SidecarFileName = "index.sidecar";

    /// <summary>
    /// Writes the index to <paramref name="directory"/> (created if missing): <see cref="IndexFileName"/> and
    /// <see cref="SidecarFileName"/>, each written to a temporary file and renamed over the old one. Searches may run
    /// meanwhile; writes wait.
    /// </summary>
    /// <param name="directory">The folder.</param>
    /// <exception cref="ArgumentException">The folder name is empty.</exception>
    /// <exception cref="IOException">A file cannot be written.</exception>
    /// <exception cref="UsearchException">The native library failed to serialise.</exception>
    public void Save(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory.CreateDirectory(directory);
        var indexPath = Path.Combine(directory, IndexFileName);
        var temp = indexPath + ".tmp-" + Guid.NewGuid().ToString("N");
        _lock.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var entries = new List<SidecarEntry>(_keys.Count);
            for (ulong key = 0; key < _nextKey; key++)
            {
                if (_ids[key] is { } id)
                {
                    entries.Add(new SidecarEntry(key, id, _inGraph[key], _attributes[key]!));
                }
            }

            nint error = 0;
            UsearchNative.Save(_handle.Value, temp, &error);
            UsearchNative.Check(error, $"save to '{temp}'");
            File.Move(temp, indexPath, overwrite: true);
            new UsearchSidecar(Metric, Dimensions, _nextKey, entries).Write(Path.Combine(directory, SidecarFileName));
        }
        finally
        {
            _lock.ExitReadLock();
            File.Delete(temp);
        }
    }

    /// <summary>
    /// Opens an index saved with <see cref="Save"/>. <see cref="IndexOpenMode.MemoryMapped"/> maps the file read-only;
    /// the first write (upsert or delete of an indexed video) then transparently loads the whole index into memory,
    /// once. The search expansion and thread counts are not stored in the file: they are applied from
    /// <paramref name="options"/> after every load or mapping.
    /// </summary>
    /// <param name="directory">The folder holding <see cref="IndexFileName"/> and <see cref="SidecarFileName"/>.</param>
    /// <param name="mode">Map or load.</param>
    /// <param name="options">Search parameters; <c>null</c> for the defaults. Connectivity is the saved index's own.</param>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="InvalidDataException">A file is damaged, or the two files do not belong together (the message names the file).</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static USearchVectorIndex Open(string directory, IndexOpenMode mode, UsearchIndexOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown open mode.");
        }

        var indexPath = Path.GetFullPath(Path.Combine(directory, IndexFileName));
        var sidecarPath = Path.GetFullPath(Path.Combine(directory, SidecarFileName));
        var sidecar = UsearchSidecar.Read(sidecarPath);
        if (!File.Exists(indexPath))
        {
            throw new FileNotFoundException($"The vector index file '{indexPath}' does not exist.", indexPath);
        }

        var metadata = new UsearchNative.InitOptions();
        nint error = 0;
        UsearchNative.Metadata(indexPath, &metadata, &error);
        if (error != 0)
        {
            throw IndexDamaged(indexPath, System.Runtime.InteropServices.Marshal.PtrToStringUTF8(error));
        }

        if (metadata.MetricKind != MetricKind(sidecar.Metric) || metadata.Dimensions != (nuint)sidecar.Dimensions)
        {
            throw IndexDamaged(indexPath, $"it holds {metadata.Dimensions}-d vectors of metric kind {metadata.MetricKind}, " +
                $"the sidecar '{sidecarPath}' says {sidecar.Dimensions}-d {sidecar.Metric}");
        }

        var index = new USearchVectorIndex(sidecar.Dimensions, sidecar.Metric, options);
        try
        {
            index.Restore(sidecar);
            index.Attach(indexPath, mode == IndexOpenMode.MemoryMapped);
            index.CheckAgainstSidecar(indexPath, sidecar);
            return index;
        }
        catch
        {
            index.Dispose();
            throw;
        }
    }

    /// <summary>Before a write: a memory-mapped index is replaced by a loaded copy of the same file.</summary>
    private void EnsureWritable()
    {
        if (_mappedFile is null)
        {
            return;
        }

        var loaded = NewHandle();
        try
        {
            nint error = 0;
            UsearchNative.Load(loaded.Value, _mappedFile, &error);
            UsearchNative.Check(error, $"load of '{_mappedFile}'");
            ApplyRuntimeOptions(loaded);
        }
        catch
        {
            loaded.Dispose();
            throw;
        }

        _handle.Dispose();
        _handle = loaded;
        _mappedFile = null;
    }

    private UsearchHandle NewHandle() => new(MetricKind(Metric), Dimensions, _options);

    private void Restore(UsearchSidecar sidecar)
    {
        _nextKey = sidecar.NextKey;
        EnsureKeyCapacity(Math.Max(_nextKey, 1) - 1);
        foreach (var entry in sidecar.Entries)
        {
            _ids[entry.Key] = entry.VideoId;
            _attributes[entry.Key] = entry.Attributes;
            _inGraph[entry.Key] = entry.InGraph;
            _keys[entry.VideoId] = entry.Key;
            _graphCount += entry.InGraph ? 1 : 0;
            _hiddenCount += entry.Attributes.Hidden ? 1 : 0;
        }
    }

    private void Attach(string indexPath, bool mapped)
    {
        var handle = NewHandle();
        nint error = 0;
        if (mapped)
        {
            UsearchNative.View(handle.Value, indexPath, &error);
        }
        else
        {
            UsearchNative.Load(handle.Value, indexPath, &error);
        }

        if (error != 0)
        {
            var message = System.Runtime.InteropServices.Marshal.PtrToStringUTF8(error);
            handle.Dispose();
            throw IndexDamaged(indexPath, message);
        }

        _handle.Dispose();
        _handle = handle;
        _mappedFile = mapped ? indexPath : null;
        ApplyRuntimeOptions(_handle);
    }

    private void CheckAgainstSidecar(string indexPath, UsearchSidecar sidecar)
    {
        nint error = 0;
        var size = UsearchNative.Size(_handle.Value, &error);
        UsearchNative.Check(error, "size");
        if (size != (nuint)_graphCount)
        {
            throw IndexDamaged(indexPath, $"it holds {size} vectors, the sidecar lists {_graphCount}");
        }

        foreach (var entry in sidecar.Entries)
        {
            if (entry.InGraph && !UsearchNative.Contains(_handle.Value, entry.Key, &error))
            {
                throw IndexDamaged(indexPath, $"video '{entry.VideoId}' (key {entry.Key}) of the sidecar is missing");
            }
        }
    }

    private static InvalidDataException IndexDamaged(string path, string? reason) =>
        new($"The vector index file '{path}' is damaged or does not match its sidecar: {reason}.");
}
