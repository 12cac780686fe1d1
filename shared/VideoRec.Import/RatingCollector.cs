using VideoRec.Core.Domain;

namespace VideoRec.Import;

/// <summary>
/// Collects ratings in file order; a later line for the same (user, video) replaces the earlier one (a re-rating),
/// counted in the file summary, so a pair never carries two contradictory ratings.
/// </summary>
internal sealed class RatingCollector(FileSummaryBuilder summary)
{
    public const string Replaced = "earlier rating of the same (user, movie), replaced by a later line";

    private readonly Dictionary<(string User, string Video), int> _slots = [];
    private readonly List<(string User, string Video, double Rating, DateTimeOffset Time)> _ratings = [];

    public void Add(string user, string video, double rating, DateTimeOffset time)
    {
        if (_slots.TryGetValue((user, video), out var slot))
        {
            _ratings[slot] = (user, video, rating, time);
            summary.Skip(Replaced);
            return;
        }

        _slots[(user, video)] = _ratings.Count;
        _ratings.Add((user, video, rating, time));
        summary.Records++;
    }

    /// <summary>The events of the kept ratings, in order of each pair's first line.</summary>
    public List<Interaction> Events(RatingConversion conversion)
    {
        var events = new List<Interaction>(_ratings.Count * 2);
        foreach (var (user, video, rating, time) in _ratings)
        {
            conversion.AddEvents(events, user, video, rating, time);
        }

        return events;
    }

    public IEnumerable<string> Users => _ratings.Select(r => r.User);
}
