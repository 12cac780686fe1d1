using VideoRec.Core.Tests.Support;
using VideoRec.Import;

namespace VideoRec.Core.Tests.Import;

/// <summary>Small hand-written MovieLens folders and assertion helpers shared by the importer tests.</summary>
internal static class ImportFixtures
{
    /// <summary>The 19 genres of MovieLens 100K, in flag order (u.genre).</summary>
    public static readonly string[] Genres100K =
    [
        "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary", "Drama", "Fantasy",
        "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western",
    ];

    /// <summary>The real u.genre text (19 lines and a trailing blank line, as GroupLens ships it).</summary>
    public static string GenreFile100K => string.Concat(Genres100K.Select((g, i) => $"{g}|{i}\n")) + "\n";

    /// <summary>One u.item line with the given genres set to 1 and every other flag 0.</summary>
    public static string Item(string id, string title, string releaseDate, params string[] genres)
    {
        foreach (var genre in genres)
        {
            Assert.Contains(genre, Genres100K);
        }

        var flags = Genres100K.Select(g => genres.Contains(g) ? "1" : "0");
        return $"{id}|{title}|{releaseDate}||http://us.imdb.com/M/title-exact?{id}|{string.Join('|', flags)}\n";
    }

    /// <summary>One u.item line with the 19 flags given verbatim.</summary>
    public static string ItemWithFlags(string id, string title, string releaseDate, string[] flags)
    {
        Assert.Equal(19, flags.Length);
        return $"{id}|{title}|{releaseDate}||http://x|{string.Join('|', flags)}\n";
    }

    /// <summary>u.item of the valid 100K folder: three movies.</summary>
    public static string Items100K =>
        Item("1", "Toy Story (1995)", "01-Jan-1995", "Animation", "Children's", "Comedy")
        + Item("2", "GoldenEye (1995)", "01-Jan-1995", "Action", "Adventure", "Thriller")
        + Item("3", "Good Morning (1971)", "4-Feb-1971", "unknown");

    /// <summary>u.user of the valid 100K folder: two users.</summary>
    public const string Users100K = "1|24|M|technician|85711\n2|53|F|other|T8H1N\n";

    /// <summary>u.data of the valid 100K folder: ratings 5, 3 and 1 (like, neutral, dislike).</summary>
    public const string Ratings100K = "1\t1\t5\t1000000000\n1\t2\t3\t0\n2\t3\t1\t86400\n";

    /// <summary>1000000000 seconds after the Unix epoch.</summary>
    public static readonly DateTimeOffset Billion = new(2001, 9, 9, 1, 46, 40, TimeSpan.Zero);

    /// <summary>Writes the valid 100K folder (u.genre, u.item, u.user, u.data) into <paramref name="dir"/>.</summary>
    public static void Write100K(TempDirectory dir, bool genre = true, bool users = true)
    {
        if (genre)
        {
            dir.Write("u.genre", GenreFile100K, latin1: true);
        }

        dir.Write("u.item", Items100K, latin1: true);
        if (users)
        {
            dir.Write("u.user", Users100K, latin1: true);
        }

        dir.Write("u.data", Ratings100K, latin1: true);
    }

    public const string MoviesHeader = "movieId,title,genres\n";
    public const string RatingsHeader = "userId,movieId,rating,timestamp\n";
    public const string TagsHeader = "userId,movieId,tag,timestamp\n";

    /// <summary>movies.csv of the valid "latest" folder.</summary>
    public const string MoviesLatest =
        MoviesHeader
        + "1,Toy Story (1995),Adventure|Animation|Children|Comedy|Fantasy\n"
        + "11,\"American President, The (1995)\",Comedy|Drama|Romance\n"
        + "99,Some Documentary,(no genres listed)\n";

    /// <summary>ratings.csv of the valid "latest" folder.</summary>
    public const string RatingsLatest =
        RatingsHeader
        + "1,1,4.0,1000000000\n"
        + "1,11,2.5,0\n"
        + "2,1,0.5,86400\n";

    /// <summary>tags.csv of the valid "latest" folder: one usable tag.</summary>
    public const string TagsLatest = TagsHeader + "2,1,pixar,1445714994\n";

    /// <summary>Writes the valid "latest" folder (movies.csv, ratings.csv and, when asked, tags.csv).</summary>
    public static void WriteLatest(TempDirectory dir, bool tags = true)
    {
        dir.Write("movies.csv", MoviesLatest);
        dir.Write("ratings.csv", RatingsLatest);
        if (tags)
        {
            dir.Write("tags.csv", TagsLatest);
        }
    }

    /// <summary>Checks every part of a <see cref="DataFormatException"/>.</summary>
    public static void AssertFormatError(DataFormatException ex, string file, int line, string problem)
    {
        Assert.Equal(file, ex.File);
        Assert.Equal(line, ex.Line);
        Assert.Equal(problem, ex.Problem);
        Assert.Equal($"{file}:{line}: {problem}", ex.Message);
    }

    /// <summary>Checks that each file's records and skips add up to its lines.</summary>
    public static void AssertBalanced(ImportSummary summary)
    {
        Assert.All(summary.Files, f => Assert.Equal(f.Lines, f.Records + f.Skipped.Values.Sum()));
    }

    public static FileSummary FileOf(ImportResult result, string name) => result.Summary.Files.Single(f => f.File == name);
}
