namespace VideoRec.Import;

/// <summary>Counts lines, records and skips of one file while it is read.</summary>
internal sealed class FileSummaryBuilder(string file)
{
    private readonly Dictionary<string, int> _skipped = new(StringComparer.Ordinal);

    public int Lines { get; set; }

    public int Records { get; set; }

    public void Skip(string reason) => _skipped[reason] = _skipped.GetValueOrDefault(reason) + 1;

    public FileSummary Build() => new(Path.GetFileName(file), Lines, Records, new SortedDictionary<string, int>(_skipped, StringComparer.Ordinal));
}
