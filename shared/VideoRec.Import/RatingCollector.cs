using VideoRec.Core.Domain;

namespace VideoRec.Import;

/// <summary>
/// Reads a ratings file (user, video, rating, Unix time) in file order: checks every field, counts ratings of videos
/// outside the catalogue, and lets a later line for the same (user, video) replace the earlier one (a re-rating),
/// counted in the file summary, so a pair never carries two contradictory ratings.
/// </summary>
internal sealed class RatingCollector(FileSummaryBuilder summary)
{
    /// <summary>Reads <paramref name="path"/> (fields in the order user, video, rating, timestamp).</summary>
    public static RatingCollector Read(string path, char separator, System.Text.Encoding encoding, string[] names, bool header, bool quoted,
        RatingConversion conversion, IReadOnlyDictionary<string, Video> catalogue, string unknownVideoReason, out FileSummary fileSummary)
    {
        var summary = new FileSummaryBuilder(path);
        var collected = new RatingCollector(summary);
        DelimitedFile.Read(path, separator, encoding, names, header, quoted, summary, row =>
        {
            var user = row.Id(0);
            var video = row.Id(1);
            var rating = row.Number(2);
            if (rating < conversion.MinRating || rating > conversion.MaxRating)
            {
                throw row.Error($"field '{names[2]}' must be between {conversion.MinRating} and {conversion.MaxRating}, found {rating}");
            }

            var time = row.UnixTime(3);
            if (!catalogue.ContainsKey(video))
            {
                summary.Skip(unknownVideoReason);
                return;
            }

            collected.Add(user, video, rating, time);
        });
        fileSummary = summary.Build();
        return collected;
    }

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
