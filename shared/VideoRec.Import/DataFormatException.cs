namespace VideoRec.Import;

/// <summary>A data file holds a line that cannot be read. The message names the file and the 1-based line.</summary>
public sealed class DataFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="file">Path of the file.</param>
    /// <param name="line">1-based line number.</param>
    /// <param name="problem">What is wrong with the line.</param>
    public DataFormatException(string file, int line, string problem)
        : base($"{file}:{line}: {problem}")
    {
        File = file;
        Line = line;
        Problem = problem;
    }

    /// <summary>Path of the file.</summary>
    public string File { get; }

    /// <summary>1-based line number.</summary>
    public int Line { get; }

    /// <summary>What is wrong with the line, without the location.</summary>
    public string Problem { get; }
}
