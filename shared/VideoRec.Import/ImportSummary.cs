namespace VideoRec.Import;

/// <summary>What one file contributed.</summary>
/// <param name="File">File name.</param>
/// <param name="Lines">Data lines read (header excluded).</param>
/// <param name="Records">Lines turned into records.</param>
/// <param name="Skipped">Lines read but not used, counted by reason; nothing is skipped without a count here.</param>
public sealed record FileSummary(string File, int Lines, int Records, IReadOnlyDictionary<string, int> Skipped);

/// <summary>What an import read and produced.</summary>
/// <param name="Layout">The recognised layout, such as <c>movielens-100k</c>.</param>
/// <param name="Files">Per-file counts.</param>
/// <param name="Videos">Videos in the catalogue.</param>
/// <param name="Users">Distinct users with a profile or an interaction.</param>
/// <param name="Interactions">Interaction events produced.</param>
public sealed record ImportSummary(string Layout, IReadOnlyList<FileSummary> Files, int Videos, int Users, int Interactions)
{
    /// <summary>SHA-256 (hex) over the bytes of every file read, in order: identifies the exact input. Set by <see cref="DatasetLoader"/>.</summary>
    public string Sha256 { get; init; } = "";

    /// <summary>Total lines skipped over all files.</summary>
    public int SkippedLines => Files.Sum(f => f.Skipped.Values.Sum());
}
