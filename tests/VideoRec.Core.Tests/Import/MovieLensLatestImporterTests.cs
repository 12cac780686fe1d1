using System.Text;
using VideoRec.Core.Domain;
using VideoRec.Core.Tests.Support;
using VideoRec.Import;
using static VideoRec.Core.Tests.Import.ImportFixtures;

namespace VideoRec.Core.Tests.Import;

public sealed class MovieLensLatestImporterTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly MovieLensLatestImporter _importer = new();

    public void Dispose() => _dir.Dispose();

    private ImportResult Import(RatingConversion? ratings = null) => _importer.Import(_dir.Path, ratings ?? RatingConversion.Default);

    private string PathOf(string file) => Path.Combine(_dir.Path, file);

    [Fact]
    public void Layout_is_named_and_recognised_by_ratings_and_movies()
    {
        Assert.Equal("movielens-latest", _importer.Layout);
        Assert.False(_importer.Recognizes(_dir.Path));
        _dir.Write("movies.csv", MoviesLatest);
        _dir.Write("tags.csv", TagsLatest);
        Assert.False(_importer.Recognizes(_dir.Path));
        _dir.Write("ratings.csv", RatingsLatest);
        Assert.True(_importer.Recognizes(_dir.Path));
    }

    [Fact]
    public void Movies_keep_quoted_titles_with_commas_and_pipe_separated_genres()
    {
        WriteLatest(_dir, tags: false);

        var videos = Import().Dataset.Videos;

        Assert.Equal(["1", "11", "99"], videos.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("Toy Story (1995)", videos["1"].Title);
        Assert.Equal(["Adventure", "Animation", "Children", "Comedy", "Fantasy"], videos["1"].Tags);
        Assert.Equal("American President, The (1995)", videos["11"].Title);
        Assert.Equal(["Comedy", "Drama", "Romance"], videos["11"].Tags);
    }

    [Fact]
    public void No_genres_listed_gives_no_tags()
    {
        WriteLatest(_dir, tags: false);

        var video = Import().Dataset.Videos["99"];

        Assert.Equal("Some Documentary", video.Title);
        Assert.Empty(video.Tags);
        Assert.Null(video.UploadedAt);
    }

    [Fact]
    public void Quotes_inside_quoted_titles_are_unescaped_and_empty_genre_parts_are_dropped()
    {
        _dir.Write("movies.csv", MoviesHeader
            + "5,\"\"\"Great\"\" Escape, The (1963)\",Action| War ||Adventure\n"
            + "6,\"Dr. Strangelove or: How I Learned to Stop Worrying and Love the Bomb (1964)\",\"Comedy|War\"\n"
            + "7,Title Only (2001),\n");
        _dir.Write("ratings.csv", RatingsHeader);

        var videos = Import().Dataset.Videos;

        Assert.Equal("\"Great\" Escape, The (1963)", videos["5"].Title);
        Assert.Equal(["Action", "War", "Adventure"], videos["5"].Tags);
        Assert.Equal("Dr. Strangelove or: How I Learned to Stop Worrying and Love the Bomb (1964)", videos["6"].Title);
        Assert.Equal(["Comedy", "War"], videos["6"].Tags);
        Assert.Empty(videos["7"].Tags);
    }

    [Fact]
    public void Utf8_titles_and_a_byte_order_mark_are_read()
    {
        File.WriteAllText(PathOf("movies.csv"), MoviesHeader + "1,\"Misérables, Les (1995)\",Drama|War\n2,千と千尋の神隠し (2001),Animation\n", new UTF8Encoding(true));
        File.WriteAllText(PathOf("ratings.csv"), RatingsHeader + "1,1,4,0\n", new UTF8Encoding(true));
        Assert.Equal(0xEF, File.ReadAllBytes(PathOf("movies.csv"))[0]);

        var result = Import();

        Assert.Equal("Misérables, Les (1995)", result.Dataset.Videos["1"].Title);
        Assert.Equal("千と千尋の神隠し (2001)", result.Dataset.Videos["2"].Title);
        Assert.Equal(new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero), result.Dataset.Videos["2"].UploadedAt);
        Assert.Equal(1, FileOf(result, "ratings.csv").Records);
    }

    [Theory]
    [InlineData("Toy Story (1995)", 1995)]
    [InlineData("\"American President, The (1995)\"", 1995)]
    [InlineData("\"Nocturnal Animals (2016) \"", 2016)]
    [InlineData("Babylon 5 (1994-1998)", 1994)]
    [InlineData("Cosmos (1980–)", 1980)]
    [InlineData("\"Death Note: Desu nôto (2006–2007)\"", 2006)]
    [InlineData("1900 (Novecento) (1976)", 1976)]
    [InlineData("Ready Player One", null)]
    [InlineData("Hyena Road (2015) extended", null)]
    [InlineData("Old Film (0123)", null)]
    [InlineData("Short (95)", null)]
    public void Title_year_becomes_UploadedAt_on_the_first_of_january(string title, int? year)
    {
        _dir.Write("movies.csv", MoviesHeader + $"1,{title},Drama\n");
        _dir.Write("ratings.csv", RatingsHeader);

        var uploaded = Import().Dataset.Videos["1"].UploadedAt;

        Assert.Equal(year is null ? null : new DateTimeOffset(year.Value, 1, 1, 0, 0, 0, TimeSpan.Zero), uploaded);
    }

    [Fact]
    public void Tags_csv_is_optional()
    {
        WriteLatest(_dir, tags: false);

        var result = Import();

        Assert.Equal(["movies.csv", "ratings.csv"], result.Summary.Files.Select(f => f.File));
        Assert.Equal(["Adventure", "Animation", "Children", "Comedy", "Fantasy"], result.Dataset.Videos["1"].Tags);
    }

    [Fact]
    public void Tags_are_appended_to_genres_deduplicated_case_insensitively_and_every_skip_is_counted()
    {
        _dir.Write("movies.csv", MoviesLatest);
        _dir.Write("ratings.csv", RatingsLatest);
        _dir.Write("tags.csv", TagsHeader
            + "2,1,pixar,1445714994\n"            // record
            + "3,1,Pixar,1445714995\n"            // same tag, other case
            + "3,1,comedy,1445714996\n"           // a genre of the movie, other case
            + "2,500,funny,1445714997\n"          // movie not in movies.csv
            + "2,1,,1445714998\n"                 // empty
            + "2,1,\"   \",1445714998\n"          // blank after trimming
            + "\n"                                // blank line
            + "4,11,\"politics, US\",1445714999\n" // record, comma in quotes
            + "4,99, nature ,1445715000\n"        // record, trimmed
            + "5,99,Nature,1445715001\n");        // same as the trimmed tag

        var result = Import();
        var tags = FileOf(result, "tags.csv");

        Assert.Equal(["Adventure", "Animation", "Children", "Comedy", "Fantasy", "pixar"], result.Dataset.Videos["1"].Tags);
        Assert.Equal(["Comedy", "Drama", "Romance", "politics, US"], result.Dataset.Videos["11"].Tags);
        Assert.Equal(["nature"], result.Dataset.Videos["99"].Tags);
        Assert.Equal(10, tags.Lines);
        Assert.Equal(3, tags.Records);
        Assert.Equal(
            new Dictionary<string, int>
            {
                ["blank line"] = 1,
                ["empty tag"] = 2,
                ["movieId not in movies.csv"] = 1,
                ["tag already on the movie"] = 3,
            },
            tags.Skipped);
        Assert.Equal(7, result.Summary.SkippedLines);
        AssertBalanced(result.Summary);
    }

    [Fact]
    public void Ratings_become_events_and_raters_become_users()
    {
        WriteLatest(_dir);

        var result = Import();

        Interaction[] expected =
        [
            new("1", "1", InteractionType.Watch, Billion),
            new("1", "1", InteractionType.Like, Billion),
            new("1", "11", InteractionType.Watch, DateTimeOffset.UnixEpoch),
            new("2", "1", InteractionType.Watch, DateTimeOffset.UnixEpoch.AddDays(1)),
            new("2", "1", InteractionType.Dislike, DateTimeOffset.UnixEpoch.AddDays(1)),
        ];
        Assert.Equal(expected, result.Dataset.Interactions);
        Assert.All(result.Dataset.Interactions, e => Assert.Null(e.Value));
        Assert.Equal(["1", "2"], result.Dataset.Users.Keys.Order());
        Assert.Equal(new UserProfile("1"), result.Dataset.Users["1"]);
        Assert.Equal(new UserProfile("2"), result.Dataset.Users["2"]);
    }

    [Fact]
    public void Summary_counts_every_file()
    {
        WriteLatest(_dir);

        var result = Import();
        var summary = result.Summary;

        Assert.Equal(Path.GetFileName(_dir.Path), result.Dataset.Name);
        Assert.Equal("movielens-latest", summary.Layout);
        Assert.Equal(3, summary.Videos);
        Assert.Equal(2, summary.Users);
        Assert.Equal(5, summary.Interactions);
        Assert.Equal(0, summary.SkippedLines);
        Assert.Equal("", summary.Sha256);
        Assert.Equal(["movies.csv", "tags.csv", "ratings.csv"], summary.Files.Select(f => f.File));
        Assert.Equal((3, 3), (FileOf(result, "movies.csv").Lines, FileOf(result, "movies.csv").Records));
        Assert.Equal((1, 1), (FileOf(result, "tags.csv").Lines, FileOf(result, "tags.csv").Records));
        Assert.Equal((3, 3), (FileOf(result, "ratings.csv").Lines, FileOf(result, "ratings.csv").Records));
        Assert.All(summary.Files, f => Assert.Empty(f.Skipped));
    }

    [Fact]
    public void Dataset_name_is_the_folder_name_even_with_a_trailing_separator()
    {
        WriteLatest(_dir);

        var result = _importer.Import(_dir.Path + Path.DirectorySeparatorChar, RatingConversion.Default);

        Assert.Equal(Path.GetFileName(_dir.Path), result.Dataset.Name);
        Assert.StartsWith("vrec-tests-", result.Dataset.Name, StringComparison.Ordinal);
    }

    [Fact]
    public void Rating_for_a_movie_not_in_movies_csv_and_blank_lines_are_counted_skips()
    {
        _dir.Write("movies.csv", "\n" + MoviesLatest + "\n\n");
        _dir.Write("ratings.csv", RatingsLatest + "2,404,5.0,0\n\n3,12345,1.0,0\r\n");

        var result = Import();

        var movies = FileOf(result, "movies.csv");
        Assert.Equal((6, 3), (movies.Lines, movies.Records));
        Assert.Equal(new Dictionary<string, int> { ["blank line"] = 3 }, movies.Skipped);
        var ratings = FileOf(result, "ratings.csv");
        Assert.Equal((6, 3), (ratings.Lines, ratings.Records));
        Assert.Equal(new Dictionary<string, int> { ["blank line"] = 1, ["movieId not in movies.csv"] = 2 }, ratings.Skipped);
        Assert.Equal(6, result.Summary.SkippedLines);
        Assert.Equal(5, result.Summary.Interactions);
        // Users 3 only rated a missing movie.
        Assert.Equal(2, result.Summary.Users);
        AssertBalanced(result.Summary);
    }

    [Fact]
    public void Header_names_are_matched_ignoring_case_spaces_and_quotes()
    {
        _dir.Write("movies.csv", "MovieId, Title ,\"GENRES\"\n1,A (2000),Drama\n");
        _dir.Write("ratings.csv", "USERID,movieid,Rating,TimeStamp\r\n1,1,3,0\r\n");

        var result = Import();

        Assert.Equal(1, FileOf(result, "movies.csv").Records);
        Assert.Equal(1, FileOf(result, "ratings.csv").Records);
    }

    [Fact]
    public void Half_star_ratings_use_the_thresholds()
    {
        _dir.Write("movies.csv", MoviesHeader + "1,A (2000),Drama\n");
        _dir.Write("ratings.csv", RatingsHeader + "1,1,3.5,0\n2,1,4.0,0\n3,1,2.0,0\n4,1,2.5,0\n5,1,0.5,0\n6,1,5.0,0\n");

        var types = Import().Dataset.Interactions.Select(e => (e.UserId, e.Type));

        Assert.Equal(
            [
                ("1", InteractionType.Watch),
                ("2", InteractionType.Watch), ("2", InteractionType.Like),
                ("3", InteractionType.Watch), ("3", InteractionType.Dislike),
                ("4", InteractionType.Watch),
                ("5", InteractionType.Watch), ("5", InteractionType.Dislike),
                ("6", InteractionType.Watch), ("6", InteractionType.Like),
            ],
            types);
    }

    [Fact]
    public void Missing_ratings_csv_is_a_FileNotFoundException_naming_the_file()
    {
        _dir.Write("movies.csv", MoviesLatest);

        var ex = Assert.Throws<FileNotFoundException>(() => Import());

        Assert.Equal(PathOf("ratings.csv"), ex.FileName);
        Assert.Equal($"{PathOf("ratings.csv")}: file not found.", ex.Message);
    }

    public static TheoryData<string, string, int, string> BadLines => new()
    {
        // Headers (line 1 unless blank lines come first).
        { "ratings.csv", "user,movie,rating,timestamp\n1,1,4,0\n", 1, "expected the header 'userId,movieId,rating,timestamp', found 'user,movie,rating,timestamp'" },
        { "ratings.csv", "userId,movieId,rating\n1,1,4\n", 1, "expected the header 'userId,movieId,rating,timestamp', found 'userId,movieId,rating'" },
        { "ratings.csv", "1,1,4.0,1000000000\n", 1, "expected the header 'userId,movieId,rating,timestamp', found '1,1,4.0,1000000000'" },
        { "ratings.csv", "\nuserId,movieId,timestamp,rating\n", 2, "expected the header 'userId,movieId,rating,timestamp', found 'userId,movieId,timestamp,rating'" },
        { "movies.csv", "movieId,title,genres,year\n", 1, "expected the header 'movieId,title,genres', found 'movieId,title,genres,year'" },
        { "movies.csv", "movieId;title;genres\n", 1, "expected the header 'movieId,title,genres', found 'movieId;title;genres'" },
        { "tags.csv", "userId,movieId,tags,timestamp\n", 1, "expected the header 'userId,movieId,tag,timestamp', found 'userId,movieId,tags,timestamp'" },
        { "tags.csv", "userId,movieId,rating,timestamp\n2,1,4,0\n", 1, "expected the header 'userId,movieId,tag,timestamp', found 'userId,movieId,rating,timestamp'" },

        // An empty file has no header at all.
        { "ratings.csv", "", 1, "expected the header 'userId,movieId,rating,timestamp', found an empty file" },
        { "movies.csv", "", 1, "expected the header 'movieId,title,genres', found an empty file" },
        { "tags.csv", "\n\n", 2, "expected the header 'userId,movieId,tag,timestamp', found an empty file" },

        // Field counts.
        { "movies.csv", MoviesHeader + "1,Toy Story (1995),Animation\n11,American President, The (1995),Comedy\n", 3, "expected 3 fields (movieId, title, genres) separated by ',', found 4" },
        { "movies.csv", MoviesHeader + "1,Toy Story (1995)\n", 2, "expected 3 fields (movieId, title, genres) separated by ',', found 2" },
        { "ratings.csv", RatingsHeader + "1,1,4.0,0\n1,1,4.0\n", 3, "expected 4 fields (userId, movieId, rating, timestamp) separated by ',', found 3" },
        { "ratings.csv", RatingsHeader + "1\t1\t4.0\t0\n", 2, "expected 4 fields (userId, movieId, rating, timestamp) separated by ',', found 1" },
        { "tags.csv", TagsHeader + "2,1,funny, really,0\n", 2, "expected 4 fields (userId, movieId, tag, timestamp) separated by ',', found 5" },

        // Line numbers count physical lines, also across a quoted line break.
        { "movies.csv", MoviesHeader + "1,\"Two\nLines (1995)\",Comedy\n2,Bad\n", 4, "expected 3 fields (movieId, title, genres) separated by ',', found 2" },

        // Fields.
        { "ratings.csv", RatingsHeader + "1,1,4.0,0\n1,2,good,0\n", 3, "field 'rating' must be a number, found 'good'" },
        { "ratings.csv", RatingsHeader + "1,1,\"4,5\",0\n", 2, "field 'rating' must be a number, found '4,5'" },
        { "ratings.csv", RatingsHeader + "1,1,Infinity,0\n", 2, "field 'rating' must be a number, found 'Infinity'" },
        { "ratings.csv", RatingsHeader + "1,1,7,0\n", 2, "field 'rating' must be between 0.5 and 5, found 7" },
        { "ratings.csv", RatingsHeader + "1,1,0,0\n", 2, "field 'rating' must be between 0.5 and 5, found 0" },
        { "ratings.csv", RatingsHeader + "1,1,0.25,0\n", 2, "field 'rating' must be between 0.5 and 5, found 0.25" },
        { "ratings.csv", RatingsHeader + "1,1,4.0,2015-01-01\n", 2, "field 'timestamp' must be a Unix time in seconds, found '2015-01-01'" },
        { "ratings.csv", RatingsHeader + "1,1,4.0,-86400\n", 2, "field 'timestamp' must be a Unix time in seconds, found '-86400'" },
        { "ratings.csv", RatingsHeader + ",1,4.0,0\n", 2, "field 'userId' is empty" },
        { "ratings.csv", RatingsHeader + "1,\" \",4.0,0\n", 2, "field 'movieId' is empty" },
        { "movies.csv", MoviesHeader + ",Nameless (2000),Drama\n", 2, "field 'movieId' is empty" },
        { "movies.csv", MoviesHeader + "1,A (2000),Drama\n2,B (2000),Drama\n1,C (2000),Comedy\n", 4, "movieId 1 appears twice" },
        { "tags.csv", TagsHeader + "2,1,funny,soon\n", 2, "field 'timestamp' must be a Unix time in seconds, found 'soon'" },
        { "tags.csv", TagsHeader + ",1,funny,0\n", 2, "field 'userId' is empty" },
        { "tags.csv", TagsHeader + "2,,funny,0\n", 2, "field 'movieId' is empty" },
        // Fields are checked before the catalogue look-up.
        { "tags.csv", TagsHeader + "2,404,funny,-5\n", 2, "field 'timestamp' must be a Unix time in seconds, found '-5'" },
        { "ratings.csv", RatingsHeader + "1,404,6,0\n", 2, "field 'rating' must be between 0.5 and 5, found 6" },
    };

    [Theory]
    [MemberData(nameof(BadLines))]
    public void Bad_line_is_a_DataFormatException_naming_file_line_and_field(string file, string content, int line, string problem)
    {
        WriteLatest(_dir);
        var path = _dir.Write(file, content);

        var ex = Assert.Throws<DataFormatException>(() => Import());

        AssertFormatError(ex, path, line, problem);
    }

    [Fact]
    public void Multi_line_quoted_title_is_one_record_with_the_line_break_as_a_space()
    {
        _dir.Write("movies.csv", MoviesHeader + "1,\"Two\nLines (1995)\",Comedy\n2,After (1996),Drama\n");
        _dir.Write("ratings.csv", RatingsHeader + "1,2,4,0\n");

        var result = Import();

        Assert.Equal("Two Lines (1995)", result.Dataset.Videos["1"].Title);
        Assert.Equal(new DateTimeOffset(1995, 1, 1, 0, 0, 0, TimeSpan.Zero), result.Dataset.Videos["1"].UploadedAt);
        Assert.Equal((2, 2), (FileOf(result, "movies.csv").Lines, FileOf(result, "movies.csv").Records));
    }

    [Theory]
    [InlineData("1,\"Bell\u0007 (1995)\",Comedy\n", "field 'title' contains a control character: 'Bell? (1995)'")]
    [InlineData("1,\"Esc\u001b[31m (1995)\",Comedy\n", "field 'title' contains a control character: 'Esc?[31m (1995)'")]
    [InlineData("1\u0000,A (1995),Comedy\n", "field 'movieId' is not a valid id: an id must not contain control characters. Found '1?'")]
    [InlineData("a/b,A (1995),Comedy\n", "field 'movieId' is not a valid id: an id must not contain '/'. Found 'a/b'")]
    public void Control_characters_in_titles_and_bad_ids_are_refused_with_the_line(string movieLine, string problem)
    {
        _dir.Write("movies.csv", MoviesHeader + movieLine);
        _dir.Write("ratings.csv", RatingsHeader + "1,1,4,0\n");

        var error = Assert.Throws<DataFormatException>(() => Import());

        Assert.Equal(2, error.Line);
        Assert.Equal(problem, error.Problem);
    }

    [Fact]
    public void A_user_id_longer_than_256_characters_is_refused()
    {
        _dir.Write("movies.csv", MoviesHeader + "1,A (1995),Comedy\n");
        _dir.Write("ratings.csv", RatingsHeader + new string('u', 257) + ",1,4,0\n");

        var error = Assert.Throws<DataFormatException>(() => Import());

        Assert.Equal(2, error.Line);
        Assert.StartsWith("field 'userId' is not a valid id: an id must be at most 256 characters. Found 'uuuu", error.Problem);
        Assert.EndsWith("… (257 characters)'", error.Problem);
    }

    [Fact]
    public void Invalid_utf8_is_refused_naming_its_line()
    {
        _dir.Write("movies.csv", MoviesHeader + "1,A (1995),Comedy\n");
        var ratings = Path.Combine(_dir.Path, "ratings.csv");
        File.WriteAllBytes(ratings, [.. System.Text.Encoding.UTF8.GetBytes(RatingsHeader + "1,1,4,0\n"), (byte)'6', 0xFF, (byte)'1', .. ",1,4,0\n"u8]);

        var error = Assert.Throws<DataFormatException>(() => Import());

        Assert.Equal(3, error.Line);
        Assert.Equal("is not valid UTF-8 text (the file must be UTF-8 encoded)", error.Problem);
    }

    [Fact]
    public void A_later_rating_of_the_same_pair_replaces_the_earlier_and_is_counted()
    {
        _dir.Write("movies.csv", MoviesHeader + "1,A (1995),Comedy\n2,B (1996),Drama\n");
        _dir.Write("ratings.csv", RatingsHeader + "1,1,5.0,10\n1,2,3.0,11\n1,1,1.0,12\n");

        var result = Import();

        var ratings = FileOf(result, "ratings.csv");
        Assert.Equal((3, 2), (ratings.Lines, ratings.Records));
        Assert.Equal(1, ratings.Skipped["earlier rating of the same (user, movie), replaced by a later line"]);
        var first = result.Dataset.Interactions.Where(i => i.VideoId == "1").ToArray();
        Assert.Equal([InteractionType.Watch, InteractionType.Dislike], first.Select(i => i.Type).ToArray());
        Assert.All(first, i => Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(12), i.Timestamp));
    }

    [Fact]
    public void Shipped_sample_has_the_known_titles_tags_and_events()
    {
        // Counts from data/ml-latest-small/ratings.csv with awk: 100836 ratings, 48580 at or above 4, 13523 at or below 2.
        var result = _importer.Import(SharedData.MovieLensLatestSmall, RatingConversion.Default);

        Assert.Equal("ml-latest-small", result.Dataset.Name);
        Assert.Equal("American President, The (1995)", result.Dataset.Videos["11"].Title);
        Assert.Equal(["Comedy", "Drama", "Romance"], result.Dataset.Videos["11"].Tags.Take(3));
        Assert.Equal(100_836, result.Dataset.Interactions.Count(e => e.Type == InteractionType.Watch));
        Assert.Equal(48_580, result.Dataset.Interactions.Count(e => e.Type == InteractionType.Like));
        Assert.Equal(13_523, result.Dataset.Interactions.Count(e => e.Type == InteractionType.Dislike));
        Assert.Equal(100_836 + 48_580 + 13_523, result.Summary.Interactions);
        Assert.Equal(9742, FileOf(result, "movies.csv").Records);
        AssertBalanced(result.Summary);
    }
}
