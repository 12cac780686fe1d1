namespace VideoRec.Core.CandidateGeneration;

/// <summary>How one source fared in one request.</summary>
public enum SourceStatus
{
    /// <summary>It answered within its budget (possibly with no videos).</summary>
    Ok,

    /// <summary>It threw; its proposals are missing from the merge.</summary>
    Failed,

    /// <summary>It overran its time budget; its proposals are missing from the merge.</summary>
    TimedOut,
}

/// <summary>One source's part in a request.</summary>
/// <param name="Source">The source.</param>
/// <param name="Status">How it fared.</param>
/// <param name="Proposed">Videos it proposed.</param>
/// <param name="Selected">Merged candidates whose slot it filled.</param>
/// <param name="ElapsedMs">Wall time until it answered or was given up on, in milliseconds.</param>
/// <param name="Error">What went wrong, for <see cref="SourceStatus.Failed"/> and <see cref="SourceStatus.TimedOut"/>.</param>
public sealed record SourceReport(string Source, SourceStatus Status, int Proposed, int Selected, double ElapsedMs, string? Error = null);

/// <summary>The merged candidates of one request and how each source fared.</summary>
/// <param name="Candidates">The merged list (see <see cref="CandidateMerger"/>).</param>
/// <param name="Sources">One report per source that ran, in source priority order.</param>
/// <param name="Lists">Each source's own list (before merging), for analysis; empty for failed sources.</param>
public sealed record CandidateSet(
    IReadOnlyList<MergedCandidate> Candidates,
    IReadOnlyList<SourceReport> Sources,
    IReadOnlyDictionary<string, IReadOnlyList<Candidate>> Lists)
{
    /// <summary>Whether any source failed or timed out (the set is still usable).</summary>
    public bool Degraded => Sources.Any(s => s.Status != SourceStatus.Ok);
}
