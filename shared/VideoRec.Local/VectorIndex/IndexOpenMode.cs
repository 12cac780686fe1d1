namespace VideoRec.Local.VectorIndex;

/// <summary>How <see cref="USearchVectorIndex.Open"/> brings a saved index into the process.</summary>
public enum IndexOpenMode
{
    /// <summary>
    /// Memory-map the index file (<c>usearch_view</c>): opens in milliseconds, pages load on demand and are shared
    /// between processes. The mapping is read-only: the first write loads the whole index into memory first.
    /// </summary>
    MemoryMapped,

    /// <summary>Read the whole index file into memory (<c>usearch_load</c>).</summary>
    Load,
}
