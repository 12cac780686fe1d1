using VideoRec.Core.CandidateGeneration.Index;

namespace VideoRec.Cli.Infrastructure;

/// <summary>The vector index engines a command can use, by their command-line names.</summary>
public static class VectorIndexEngines
{
    /// <summary>The accepted <c>--engine</c> values.</summary>
    public static readonly string[] Names = ["exact"];

    /// <summary>An empty index of <paramref name="engine"/>.</summary>
    /// <exception cref="CliException">Unknown engine.</exception>
    public static IVideoVectorIndex Create(string engine, int dimensions, VectorMetric metric, int capacity) => engine switch
    {
        "exact" => new ExactVectorIndex(dimensions, metric, capacity),
        _ => throw new CliException($"--engine must be one of {string.Join(", ", Names)}, found '{engine}'."),
    };
}
