namespace VideoRec.Local.VectorIndex;

/// <summary>
/// HNSW parameters of a <see cref="USearchVectorIndex"/>. USearch stores only the graph in its file, so these are
/// applied again after every load or memory-mapped open (connectivity of a saved index is the one it was built with).
/// </summary>
public sealed record UsearchIndexOptions
{
    /// <summary>Graph edges per node (HNSW M), 2 to 256; default 16. Used when building; a saved index keeps its own.</summary>
    public int Connectivity { get; init; } = 16;

    /// <summary>Candidate list size while inserting (efConstruction), 1 to 4096; default 128. Higher builds a better graph, slower.</summary>
    public int ExpansionAdd { get; init; } = 128;

    /// <summary>
    /// Candidate list size while searching (ef), 1 to 4096; default 128. Higher raises recall and latency; a search of k
    /// results explores at least k candidates. <c>vrec bench ann</c> measures the recall and latency of each value: on
    /// its 1M × 64 clustered catalogue (M = 16), 128 is the smallest of 64/128/256 reaching recall@100 ≥ 0.95.
    /// </summary>
    public int ExpansionSearch { get; init; } = 128;

    /// <summary>
    /// Searches (and parallel inserts) that may run at once, 1 to 1024; default the processor count. USearch keeps one
    /// search context per thread; further concurrent searches wait for a free context.
    /// </summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Checks every value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside its range.</exception>
    public UsearchIndexOptions Validate()
    {
        Check(Connectivity, 2, 256, nameof(Connectivity));
        Check(ExpansionAdd, 1, 4096, nameof(ExpansionAdd));
        Check(ExpansionSearch, 1, 4096, nameof(ExpansionSearch));
        Check(Threads, 1, 1024, nameof(Threads));
        return this;
    }

    private static void Check(int value, int min, int max, string name)
    {
        if (value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be between {min} and {max}, found {value}.");
        }
    }
}
