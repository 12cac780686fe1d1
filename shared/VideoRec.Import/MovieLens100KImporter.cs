using System.Globalization;
using System.Text;
using VideoRec.Core.Domain;

namespace VideoRec.Import;

/// <summary>
/// The MovieLens 100K layout (GroupLens): <c>u.data</c> (user, item, rating 1–5, Unix time; tab-separated),
/// <c>u.user</c> (id|age|gender|occupation|zip), <c>u.item</c> (id|title|release date|video release date|URL|19 genre
/// flags; Latin-1) and optionally <c>u.genre</c>. Genre flags become tags; ratings become events through
/// <see cref="RatingConversion"/>. Its licence forbids redistribution: read it in place.
/// </summary>
public sealed class MovieLens100KImporter : IDatasetImporter
{
    private static readonly string[] ReleaseDateFormats = ["dd-MMM-yyyy", "d-MMM-yyyy"];

    private static readonly string[] DefaultGenres =
    [
        "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary", "Drama", "Fantasy",
        "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western",
    ];

    /// <inheritdoc />
    public string Layout => "movielens-100k";

    /// <inheritdoc />
    public bool Recognizes(string directory) =>
        File.Exists(Path.Combine(directory, "u.data")) && File.Exists(Path.Combine(directory, "u.item"));

    /// <inheritdoc />
    public ImportResult Import(string directory, RatingConversion ratings)
    {
        var files = new List<FileSummary>();
        var genres = ReadGenres(Path.Combine(directory, "u.genre"), files);

        var videos = new Dictionary<string, Video>(StringComparer.Ordinal);
        var itemPath = Path.Combine(directory, "u.item");
        var itemSummary = new FileSummaryBuilder(itemPath);
        string[] itemFields = ["movie id", "title", "release date", "video release date", "IMDb URL", .. genres.Select(g => "genre " + g)];
        DelimitedFile.Read(itemPath, '|', Encoding.Latin1, itemFields, header: false, quoted: false, itemSummary, row =>
        {
            var id = row.Id(0);
            var tags = new List<string>();
            for (var g = 0; g < genres.Length; g++)
            {
                var flag = row.Span(5 + g).Trim();
                if (flag is "1")
                {
                    if (genres[g] != "unknown")
                    {
                        tags.Add(genres[g]);
                    }
                }
                else if (flag is not "0")
                {
                    throw row.Error($"field 'genre {genres[g]}' must be 0 or 1, found '{flag}'");
                }
            }

            if (!videos.TryAdd(id, new Video(id, row.Text(1)) { Tags = tags, UploadedAt = ParseReleaseDate(row) }))
            {
                throw row.Error($"movie id {id} appears twice");
            }

            itemSummary.Records++;
        });
        files.Add(itemSummary.Build());

        var users = new Dictionary<string, UserProfile>(StringComparer.Ordinal);
        var userPath = Path.Combine(directory, "u.user");
        if (File.Exists(userPath) || Directory.Exists(userPath))
        {
            var userSummary = new FileSummaryBuilder(userPath);
            DelimitedFile.Read(userPath, '|', Encoding.Latin1, ["user id", "age", "gender", "occupation", "zip code"], header: false, quoted: false, userSummary, row =>
            {
                var id = row.Id(0);
                var age = row.Int(1);
                if (age is < 0 or > 130)
                {
                    throw row.Error($"field 'age' must be between 0 and 130, found {age}");
                }

                var profile = new UserProfile(id)
                {
                    Age = age,
                    Gender = NullIfEmpty(row.Text(2)),
                    Occupation = NullIfEmpty(row.Text(3)),
                    PostalCode = NullIfEmpty(row.Text(4)),
                    Country = CountryOfPostalCode(row.Span(4).Trim()),
                };
                if (!users.TryAdd(id, profile))
                {
                    throw row.Error($"user id {id} appears twice");
                }

                userSummary.Records++;
            });
            files.Add(userSummary.Build());
        }

        var collected = RatingCollector.Read(Path.Combine(directory, "u.data"), '\t', Encoding.Latin1, ["user id", "item id", "rating", "timestamp"],
            header: false, quoted: false, ratings, videos, "item id not in u.item", out var ratingFile);
        files.Add(ratingFile);

        var events = collected.Events(ratings);
        var interactionUsers = new HashSet<string>(collected.Users, StringComparer.Ordinal);
        interactionUsers.UnionWith(users.Keys);
        var dataset = new Dataset("ml-100k", videos, users, events);
        return new ImportResult(dataset, new ImportSummary(Layout, files, videos.Count, interactionUsers.Count, events.Count));
    }

    /// <summary>Reads u.genre, when present, and adds its counts to <paramref name="files"/>; otherwise the standard genres.</summary>
    private static string[] ReadGenres(string path, List<FileSummary> files)
    {
        if (!File.Exists(path))
        {
            return DefaultGenres;
        }

        var summary = new FileSummaryBuilder(path);
        var names = new SortedDictionary<int, string>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path, Encoding.Latin1))
        {
            lineNumber++;
            summary.Lines++;
            if (string.IsNullOrWhiteSpace(line))
            {
                summary.Skip("blank line");
                continue;
            }

            var bar = line.LastIndexOf('|');
            if (bar <= 0 || !int.TryParse(line.AsSpan(bar + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var index) || index < 0 || !names.TryAdd(index, line[..bar]))
            {
                throw new DataFormatException(path, lineNumber, $"expected 'genre|index' with a new index, found '{line}'");
            }

            summary.Records++;
        }

        if (names.Count == 0 || names.Keys.Last() != names.Count - 1)
        {
            throw new DataFormatException(path, Math.Max(1, lineNumber), "genre indices must run from 0 without gaps");
        }

        files.Add(summary.Build());
        return [.. names.Values];
    }

    private static DateTimeOffset? ParseReleaseDate(DelimitedRow row)
    {
        var text = row.Span(2).Trim();
        if (text.IsEmpty)
        {
            return null;
        }

        return DateTime.TryParseExact(text, ReleaseDateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var date)
            ? new DateTimeOffset(date, TimeSpan.Zero)
            : throw row.Error($"field 'release date' must look like 01-Jan-1995, found '{text}'");
    }

    /// <summary>Five digits are a US ZIP code and letter-digit-letter starts a Canadian postal code; otherwise unknown.</summary>
    internal static string? CountryOfPostalCode(ReadOnlySpan<char> code) =>
        code.Length == 5 && code.ContainsAnyExceptInRange('0', '9') is false ? "US"
        : code.Length >= 3 && char.IsAsciiLetter(code[0]) && char.IsAsciiDigit(code[1]) && char.IsAsciiLetter(code[2]) ? "CA"
        : null;

    private static string? NullIfEmpty(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
