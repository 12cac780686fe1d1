using System.Globalization;
using System.Text;

namespace VideoRec.Cli.Tests.Support;

/// <summary>A fresh folder under the system temp folder, deleted on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "vrec-cli-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>A path inside the folder (not created).</summary>
    public string this[string name] => System.IO.Path.Combine(Path, name);

    /// <summary>Creates sub-folder <paramref name="name"/> and returns its path.</summary>
    public string Folder(string name) => Directory.CreateDirectory(this[name]).FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>The repository root and the shipped sample.</summary>
public static class Repository
{
    /// <summary>The folder holding Serverless.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>data/ml-latest-small.</summary>
    public static string ShippedSample => Path.Combine(Root, "data", "ml-latest-small");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Serverless.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Serverless.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>
/// Tiny MovieLens datasets whose counts are worked out by hand in the comments, so tests can assert exact values.
/// </summary>
public static class TinyData
{
    public const string Movies = """
        movieId,title,genres
        1,Toy Story (1995),Adventure|Animation|Children
        2,Jumanji (1995),Adventure|Children|Fantasy
        3,"Heat, The (1995)",Action|Crime
        4,Casino (1995),Crime|Drama
        5,Sabrina (1995),Comedy|Romance
        6,Balto (1995),(no genres listed)
        7,Nixon (1995),Drama
        8,GoldenEye (1995),Action|Adventure|Thriller

        """;

    /// <summary>7 lines: 3 records, 2 "tag already on the movie" (Pixar again, case-insensitively; Adventure is a genre of movie 2), 1 "movieId not in movies.csv", 1 "empty tag".</summary>
    public const string Tags = """
        userId,movieId,tag,timestamp
        1,1,pixar,1100000000
        2,1,Pixar,1100000001
        3,2,Adventure,1100000002
        4,99,orphan,1100000003
        5,3,"heist, classic",1100000004
        6,4, ,1100000005
        7,8,bond,1100000006

        """;

    /// <summary>
    /// (user, movie, rating) of ratings.csv in file order. Every valid rating is a watch; ≥ 4 also a like, ≤ 2 also a dislike.
    /// user 1: 4 watches, 2 likes (5, 4), 1 dislike (1)      user 5: 4 watches, 4 likes
    /// user 2: 4 watches, 2 likes (4.5, 5), 1 dislike (2)    user 6: 3 watches (movie 99 is unknown: skipped), 2 likes (4, 5)
    /// user 3: 4 watches, 3 likes (5, 4, 4)                   user 7: 3 watches, 2 likes (4, 4)
    /// user 4: 3 watches, 2 likes (4, 5), 1 dislike (0.5)    user 8: 3 watches, 1 like (4.5), 2 dislikes (1, 2)
    /// Totals: 29 lines, 28 records, 28 watches, 18 likes, 5 dislikes = 51 events, 8 users.
    /// </summary>
    public static readonly (int User, int Movie, double Rating)[] RatingRows =
    [
        (1, 1, 5), (1, 2, 4), (1, 3, 3), (1, 4, 1),
        (2, 1, 4.5), (2, 2, 5), (2, 5, 2), (2, 6, 3),
        (3, 1, 5), (3, 3, 4), (3, 4, 4), (3, 7, 3),
        (4, 2, 4), (4, 3, 5), (4, 8, 0.5),
        (5, 1, 4), (5, 4, 5), (5, 5, 4), (5, 6, 4),
        (6, 2, 2.5), (6, 3, 4), (6, 7, 5), (6, 99, 4),
        (7, 1, 3.5), (7, 5, 4), (7, 8, 4),
        (8, 6, 1), (8, 7, 4.5), (8, 8, 2),
    ];

    public static string Ratings()
    {
        var text = new StringBuilder("userId,movieId,rating,timestamp\n");
        var time = 1_000_000_000L;
        foreach (var (user, movie, rating) in RatingRows)
        {
            time += 100;
            text.Append(CultureInfo.InvariantCulture, $"{user},{movie},{rating},{time}\n");
        }

        return text.ToString();
    }

    /// <summary>Writes the MovieLens "latest" layout to <paramref name="directory"/>; <paramref name="ratings"/> replaces ratings.csv.</summary>
    public static string WriteLatest(string directory, string? ratings = null, bool withTags = true)
    {
        Directory.CreateDirectory(directory);
        Write(directory, "movies.csv", Movies);
        if (withTags)
        {
            Write(directory, "tags.csv", Tags);
        }

        Write(directory, "ratings.csv", ratings ?? Ratings());
        return directory;
    }

    /// <summary>
    /// The MovieLens 100K layout: 4 items, 4 user profiles (user 4 never rates), and u.data with 7 lines: 6 ratings
    /// (3 likes, 2 dislikes, so 11 events) and one of item 9, which u.item lacks.
    /// </summary>
    public static string Write100K(string directory, string? data = null)
    {
        Directory.CreateDirectory(directory);
        Write(directory, "u.item", string.Join("\n", Item(1, "Toy Story (1995)", 3), Item(2, "GoldenEye (1995)", 1), Item(3, "Four Rooms (1995)", 17), Item(4, "Get Shorty (1995)", 5)) + "\n", latin1: true);
        Write(directory, "u.user", "1|24|M|technician|85711\n2|53|F|other|94043\n3|23|M|writer|32067\n4|24|M|technician|43537\n", latin1: true);
        Write(directory, "u.data", data ?? "1\t1\t5\t881250949\n1\t2\t3\t881250950\n2\t1\t4\t881250951\n2\t3\t1\t881250952\n3\t4\t2\t881250953\n3\t2\t5\t881250954\n1\t9\t4\t881250955\n", latin1: true);
        return directory;
    }

    /// <summary>A u.item line: id|title|release date|video release date|URL|19 genre flags (one set).</summary>
    /// <summary>
    /// A planted ML-100K-layout world big enough for the two-tower and the cold-start measurements: 200 users (half
    /// women, who watch comedies, items 1–20; half men, who watch action films, items 21–40), 15 ratings each at
    /// distinct times, seeded.
    /// </summary>
    public static string WritePlanted100K(string directory)
    {
        Directory.CreateDirectory(directory);
        var random = new Random(11);
        var items = Enumerable.Range(1, 40).Select(i => Item(i, i <= 20 ? $"Comedy number {i} (1995)" : $"Action film {i} (1996)", i <= 20 ? 5 : 1));
        var users = Enumerable.Range(1, 200).Select(u => $"{u}|{20 + u % 40}|{(u % 2 == 0 ? "F" : "M")}|{(u % 3 == 0 ? "writer" : "other")}|{10000 + u}");
        var ratings = new List<string>();
        for (var u = 1; u <= 200; u++)
        {
            var first = u % 2 == 0 ? 1 : 21;
            foreach (var (item, n) in Enumerable.Range(first, 20).OrderBy(_ => random.Next()).Take(15).Select((item, n) => (item, n)))
            {
                ratings.Add($"{u}\t{item}\t{4 + random.Next(2)}\t{880000000 + u * 100 + n}");
            }
        }

        Write(directory, "u.item", string.Join("\n", items) + "\n", latin1: true);
        Write(directory, "u.user", string.Join("\n", users) + "\n", latin1: true);
        Write(directory, "u.data", string.Join("\n", ratings) + "\n", latin1: true);
        return directory;
    }

    private static string Item(int id, string title, int genre) =>
        $"{id}|{title}|01-Jan-1995||http://us.imdb.com/M/title-exact?{id}|" + string.Join("|", Enumerable.Range(0, 19).Select(g => g == genre ? "1" : "0"));

    /// <summary>SHA-256 (lower-case hex) over "name\\nlength\\n" and the bytes of each file, in the order given.</summary>
    public static string Sha256Of(string directory, params string[] files)
    {
        var bytes = files.SelectMany(f =>
        {
            var content = File.ReadAllBytes(Path.Combine(directory, f));
            return System.Text.Encoding.UTF8.GetBytes($"{f}\n{content.Length}\n").Concat(content);
        }).ToArray();
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
    }

    public static void Write(string directory, string name, string content, bool latin1 = false) =>
        File.WriteAllText(Path.Combine(directory, name), content, latin1 ? Encoding.Latin1 : new UTF8Encoding(false));
}
