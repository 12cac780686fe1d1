using VideoRec.Core.CandidateGeneration.Index;
using VideoRec.Local.VectorIndex;

namespace VideoRec.Cli.Infrastructure;

/// <summary>The vector index engines a command can use, by their command-line names: <c>usearch</c> (HNSW, the embedded default) and <c>exact</c> (brute force).</summary>
public static class VectorIndexEngines
{
    /// <summary>The accepted <c>--engine</c> values.</summary>
    public static readonly string[] Names = ["usearch", "exact"];

    /// <summary>An empty index of <paramref name="engine"/>.</summary>
    /// <exception cref="CliException">Unknown engine.</exception>
    public static IVideoVectorIndex Create(string engine, int dimensions, VectorMetric metric, int capacity) => engine switch
    {
        "exact" => new ExactVectorIndex(dimensions, metric, capacity),
        "usearch" => Reserved(new USearchVectorIndex(dimensions, metric), capacity),
        _ => throw new CliException($"--engine must be one of {string.Join(", ", Names)}, found '{engine}'."),
    };

    private static USearchVectorIndex Reserved(USearchVectorIndex index, int capacity)
    {
        index.Reserve(capacity);
        return index;
    }
}
