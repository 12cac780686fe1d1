using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using VideoRec.Core.Domain;

namespace VideoRec.Import;

/// <summary>
/// The MovieLens "latest" layout (ml-latest, ml-latest-small, ml-20m/25m): <c>movies.csv</c>
/// (movieId,title,genres with pipe-separated genres), <c>ratings.csv</c> (userId,movieId,rating,timestamp) and
/// optionally <c>tags.csv</c> (userId,movieId,tag,timestamp), UTF-8 with RFC 4180 quoting. Genres and free-text
/// tags become video tags; the year in a title "Name (1995)" becomes the upload time.
/// </summary>
public sealed partial class MovieLensLatestImporter : IDatasetImporter
{
    /// <inheritdoc />
    public string Layout => "movielens-latest";

    /// <inheritdoc />
    public bool Recognizes(string directory) =>
        File.Exists(Path.Combine(directory, "ratings.csv")) && File.Exists(Path.Combine(directory, "movies.csv"));

    /// <inheritdoc />
    public ImportResult Import(string directory, RatingConversion ratings)
    {
        var files = new List<FileSummary>();
        var videoTags = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var videos = new Dictionary<string, Video>(StringComparer.Ordinal);

        var moviePath = Path.Combine(directory, "movies.csv");
        var movieSummary = new FileSummaryBuilder(moviePath);
        DelimitedFile.Read(moviePath, ',', Encoding.UTF8, ["movieId", "title", "genres"], header: true, quoted: true, movieSummary, row =>
        {
            var id = row.Id(0);
            var title = row.Text(1);
            var tags = new List<string>();
            foreach (var genre in row.Text(2).Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (genre != "(no genres listed)")
                {
                    tags.Add(genre);
                }
            }

            if (!videos.TryAdd(id, new Video(id, title) { UploadedAt = YearOf(title) }))
            {
                throw row.Error($"movieId {id} appears twice");
            }

            videoTags[id] = tags;
            movieSummary.Records++;
        });
        files.Add(movieSummary.Build());

        var tagPath = Path.Combine(directory, "tags.csv");
        if (File.Exists(tagPath) || Directory.Exists(tagPath))
        {
            var tagSummary = new FileSummaryBuilder(tagPath);
            DelimitedFile.Read(tagPath, ',', Encoding.UTF8, ["userId", "movieId", "tag", "timestamp"], header: true, quoted: true, tagSummary, row =>
            {
                row.Id(0);
                var movie = row.Id(1);
                var tag = row.Text(2);
                row.UnixTime(3);
                if (!videoTags.TryGetValue(movie, out var tags))
                {
                    tagSummary.Skip("movieId not in movies.csv");
                    return;
                }

                if (tag.Length == 0)
                {
                    tagSummary.Skip("empty tag");
                    return;
                }

                if (tags.Contains(tag, StringComparer.OrdinalIgnoreCase))
                {
                    tagSummary.Skip("tag already on the movie");
                    return;
                }

                tags.Add(tag);
                tagSummary.Records++;
            });
            files.Add(tagSummary.Build());
        }

        foreach (var (id, tags) in videoTags)
        {
            videos[id] = videos[id] with { Tags = tags };
        }

        var collected = RatingCollector.Read(Path.Combine(directory, "ratings.csv"), ',', Encoding.UTF8, ["userId", "movieId", "rating", "timestamp"],
            header: true, quoted: true, ratings, videos, "movieId not in movies.csv", out var ratingFile);
        files.Add(ratingFile);
        var events = collected.Events(ratings);
        var users = new HashSet<string>(collected.Users, StringComparer.Ordinal);

        var profiles = users.ToDictionary(u => u, u => new UserProfile(u), StringComparer.Ordinal);
        var dataset = new Dataset(Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory))), videos, profiles, events);
        return new ImportResult(dataset, new ImportSummary(Layout, files, videos.Count, users.Count, events.Count));
    }

    private static DateTimeOffset? YearOf(string title)
    {
        var match = TitleYear().Match(title);
        return match.Success && int.TryParse(match.Groups[1].ValueSpan, NumberStyles.Integer, CultureInfo.InvariantCulture, out var year) && year is >= 1800 and <= 9999
            ? new DateTimeOffset(year, 1, 1, 0, 0, 0, TimeSpan.Zero)
            : null;
    }

    [GeneratedRegex(@"\((\d{4})(?:[–-]\d{0,4})?\)\s*$")]
    private static partial Regex TitleYear();
}
