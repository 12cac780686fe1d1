using VideoRec.Core.Domain;
using VideoRec.Core.Tests.Support;
using VideoRec.Import;
using static VideoRec.Core.Tests.Import.ImportFixtures;

namespace VideoRec.Core.Tests.Import;

public sealed class MovieLens100KImporterTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly MovieLens100KImporter _importer = new();

    public void Dispose() => _dir.Dispose();

    private ImportResult Import(RatingConversion? ratings = null) => _importer.Import(_dir.Path, ratings ?? RatingConversion.Default);

    private string PathOf(string file) => Path.Combine(_dir.Path, file);

    [Fact]
    public void Layout_is_named_and_recognised_by_u_data_and_u_item()
    {
        Assert.Equal("movielens-100k", _importer.Layout);
        Assert.False(_importer.Recognizes(_dir.Path));
        _dir.Write("u.data", Ratings100K);
        Assert.False(_importer.Recognizes(_dir.Path));
        _dir.Write("u.item", Items100K);
        Assert.True(_importer.Recognizes(_dir.Path));
    }

    [Fact]
    public void Genre_flags_become_tags_in_u_genre_order_and_unknown_is_not_a_tag()
    {
        Write100K(_dir);

        var videos = Import().Dataset.Videos;

        Assert.Equal(["1", "2", "3"], videos.Keys.Order());
        Assert.Equal(["Animation", "Children's", "Comedy"], videos["1"].Tags);
        Assert.Equal(["Action", "Adventure", "Thriller"], videos["2"].Tags);
        Assert.Empty(videos["3"].Tags);
    }

    [Fact]
    public void Video_fields_come_from_u_item()
    {
        Write100K(_dir);

        var video = Import().Dataset.Videos["1"];

        Assert.Equal("1", video.Id);
        Assert.Equal("Toy Story (1995)", video.Title);
        Assert.Equal(new DateTimeOffset(1995, 1, 1, 0, 0, 0, TimeSpan.Zero), video.UploadedAt);
        Assert.Null(video.DurationSeconds);
        Assert.Null(video.Language);
        Assert.Null(video.CreatorId);
        Assert.Empty(video.AllowedRegions);
    }

    [Theory]
    [InlineData("01-Jan-1995", 1995, 1, 1)]
    [InlineData("4-Feb-1971", 1971, 2, 4)]
    [InlineData("24-Dec-1939", 1939, 12, 24)]
    [InlineData(" 15-Aug-1997 ", 1997, 8, 15)]
    public void Release_date_becomes_UploadedAt_at_midnight_utc(string text, int year, int month, int day)
    {
        _dir.Write("u.item", Item("7", "A Film (1990)", text, "Drama"), latin1: true);
        _dir.Write("u.data", "", latin1: true);

        var uploaded = Import().Dataset.Videos["7"].UploadedAt;

        Assert.Equal(new DateTimeOffset(year, month, day, 0, 0, 0, TimeSpan.Zero), uploaded);
        Assert.Equal(TimeSpan.Zero, uploaded!.Value.Offset);
    }

    [Fact]
    public void Empty_release_date_gives_no_UploadedAt()
    {
        _dir.Write("u.item", Item("267", "unknown", "", "unknown"), latin1: true);
        _dir.Write("u.data", "", latin1: true);

        var video = Import().Dataset.Videos["267"];

        Assert.Equal("unknown", video.Title);
        Assert.Null(video.UploadedAt);
        Assert.Empty(video.Tags);
    }

    [Fact]
    public void Titles_are_read_as_latin1()
    {
        var path = _dir.Write("u.item", Item("543", "Misérables, Les (1995)", "01-Jan-1995", "Drama", "Musical")
            + Item("1104", "C'est arrivé près de chez vous (1992)", "01-Jan-1992", "Comedy", "Crime", "Drama"), latin1: true);
        _dir.Write("u.data", "", latin1: true);
        // The file really is Latin-1: é is the single byte 0xE9, not the UTF-8 pair C3 A9.
        var bytes = File.ReadAllBytes(path);
        Assert.Contains((byte)0xE9, bytes);
        Assert.DoesNotContain((byte)0xC3, bytes);

        var videos = Import().Dataset.Videos;

        Assert.Equal("Misérables, Les (1995)", videos["543"].Title);
        Assert.Equal("C'est arrivé près de chez vous (1992)", videos["1104"].Title);
        Assert.Equal(["Drama", "Musical"], videos["543"].Tags);
    }

    [Fact]
    public void Titles_may_hold_quotes_because_u_item_is_not_quoted()
    {
        _dir.Write("u.item", Item("9", "\"Crocodile\" Dundee (1986)", "01-Jan-1986", "Comedy"), latin1: true);
        _dir.Write("u.data", "", latin1: true);

        Assert.Equal("\"Crocodile\" Dundee (1986)", Import().Dataset.Videos["9"].Title);
    }

    [Fact]
    public void Users_come_from_u_user()
    {
        Write100K(_dir);

        var users = Import().Dataset.Users;

        Assert.Equal(["1", "2"], users.Keys.Order());
        var first = users["1"];
        Assert.Equal("1", first.Id);
        Assert.Equal(24, first.Age);
        Assert.Equal("M", first.Gender);
        Assert.Equal("technician", first.Occupation);
        Assert.Equal("85711", first.PostalCode);
        Assert.Equal("US", first.Country);
        Assert.Null(first.City);
        Assert.Null(first.Language);
        Assert.Null(first.TimeZone);
        var second = users["2"];
        Assert.Equal(53, second.Age);
        Assert.Equal("F", second.Gender);
        Assert.Equal("other", second.Occupation);
        Assert.Equal("T8H1N", second.PostalCode);
        Assert.Equal("CA", second.Country);
    }

    [Fact]
    public void Empty_user_fields_become_null_and_ages_0_and_130_are_valid()
    {
        Write100K(_dir);
        _dir.Write("u.user", "1|0|||\n2|130| F | student | 02139 \n", latin1: true);

        var users = Import().Dataset.Users;

        Assert.Equal(0, users["1"].Age);
        Assert.Null(users["1"].Gender);
        Assert.Null(users["1"].Occupation);
        Assert.Null(users["1"].PostalCode);
        Assert.Null(users["1"].Country);
        Assert.Equal(130, users["2"].Age);
        Assert.Equal("F", users["2"].Gender);
        Assert.Equal("student", users["2"].Occupation);
        Assert.Equal("02139", users["2"].PostalCode);
        Assert.Equal("US", users["2"].Country);
    }

    [Theory]
    [InlineData("85711", "US")]
    [InlineData("00000", "US")]
    [InlineData("T8H1N", "CA")]
    [InlineData("V3N4P", "CA")]
    [InlineData("K1A 0B1", "CA")]
    [InlineData("k1a0b1", "CA")]
    [InlineData("1234", null)]
    [InlineData("123456", null)]
    [InlineData("8571A", null)]
    [InlineData("12-45", null)]
    [InlineData("ABC12", null)]
    [InlineData("1A2B3", null)]
    [InlineData("", null)]
    public void Postal_code_gives_the_country(string code, string? country)
    {
        Assert.Equal(country, MovieLens100KImporter.CountryOfPostalCode(code));

        Write100K(_dir);
        _dir.Write("u.user", $"5|30|M|writer|{code}\n", latin1: true);
        Assert.Equal(country, Import().Dataset.Users["5"].Country);
    }

    [Fact]
    public void Ratings_become_watch_like_and_dislike_events_in_source_order()
    {
        Write100K(_dir);

        var events = Import().Dataset.Interactions;

        var epoch = DateTimeOffset.UnixEpoch;
        Interaction[] expected =
        [
            new("1", "1", InteractionType.Watch, Billion),
            new("1", "1", InteractionType.Like, Billion),
            new("1", "2", InteractionType.Watch, epoch),
            new("2", "3", InteractionType.Watch, epoch.AddDays(1)),
            new("2", "3", InteractionType.Dislike, epoch.AddDays(1)),
        ];
        Assert.Equal(expected, events);
        Assert.All(events, e =>
        {
            Assert.Null(e.Value);
            Assert.Null(e.EventId);
            Assert.Null(e.Text);
        });
    }

    [Fact]
    public void Summary_counts_every_file()
    {
        Write100K(_dir);

        var result = Import();
        var summary = result.Summary;

        Assert.Equal("ml-100k", result.Dataset.Name);
        Assert.Equal("movielens-100k", summary.Layout);
        Assert.Equal(3, summary.Videos);
        Assert.Equal(2, summary.Users);
        Assert.Equal(5, summary.Interactions);
        // Only u.genre's trailing blank line (the shipped u.genre has one too).
        Assert.Equal(1, summary.SkippedLines);
        Assert.Equal("", summary.Sha256);
        Assert.Equal(["u.genre", "u.item", "u.user", "u.data"], summary.Files.Select(f => f.File));
        Assert.Equal((20, 19), (FileOf(result, "u.genre").Lines, FileOf(result, "u.genre").Records));
        Assert.Equal((3, 3), (FileOf(result, "u.item").Lines, FileOf(result, "u.item").Records));
        Assert.Equal((2, 2), (FileOf(result, "u.user").Lines, FileOf(result, "u.user").Records));
        Assert.Equal((3, 3), (FileOf(result, "u.data").Lines, FileOf(result, "u.data").Records));
        AssertBalanced(summary);
    }

    [Fact]
    public void U_genre_lines_are_counted_and_its_trailing_blank_line_is_a_counted_skip()
    {
        Write100K(_dir);

        var genre = FileOf(Import(), "u.genre");

        Assert.Equal(20, genre.Lines);
        Assert.Equal(19, genre.Records);
        Assert.Equal(new Dictionary<string, int> { ["blank line"] = 1 }, genre.Skipped);
    }

    [Fact]
    public void U_user_is_optional_and_users_then_come_from_ratings()
    {
        Write100K(_dir, users: false);

        var result = Import();

        Assert.Empty(result.Dataset.Users);
        Assert.Equal(2, result.Summary.Users);
        Assert.Equal(["u.genre", "u.item", "u.data"], result.Summary.Files.Select(f => f.File));
        Assert.Equal(5, result.Dataset.Interactions.Count);
    }

    [Fact]
    public void Users_counts_profiles_without_ratings_and_raters_without_profiles()
    {
        Write100K(_dir);
        _dir.Write("u.user", Users100K + "3|40|M|lawyer|10001\n", latin1: true);
        _dir.Write("u.data", Ratings100K + "9\t1\t4\t0\n", latin1: true);

        var result = Import();

        // Profiles 1, 2, 3 and raters 1, 2, 9.
        Assert.Equal(4, result.Summary.Users);
        Assert.Equal(["1", "2", "3"], result.Dataset.Users.Keys.Order());
        Assert.Equal(7, result.Summary.Interactions);
    }

    [Fact]
    public void U_genre_is_optional_and_the_standard_genres_apply_without_it()
    {
        Write100K(_dir, genre: false);

        var result = Import();

        Assert.Equal(["Animation", "Children's", "Comedy"], result.Dataset.Videos["1"].Tags);
        Assert.Equal(["Action", "Adventure", "Thriller"], result.Dataset.Videos["2"].Tags);
        Assert.Empty(result.Dataset.Videos["3"].Tags);
        Assert.Equal(["u.item", "u.user", "u.data"], result.Summary.Files.Select(f => f.File));
    }

    [Fact]
    public void U_genre_decides_the_genre_names_and_the_number_of_flags()
    {
        _dir.Write("u.genre", "unknown|0\nNoir|1\nSatire|2\n", latin1: true);
        _dir.Write("u.item", "1|A (1995)|01-Jan-1995||url|0|1|1\n2|B (1996)|01-Jan-1996||url|1|0|1\n3|C (1997)|01-Jan-1997||url|0|0|0\n", latin1: true);
        _dir.Write("u.data", "", latin1: true);

        var videos = Import().Dataset.Videos;

        Assert.Equal(["Noir", "Satire"], videos["1"].Tags);
        Assert.Equal(["Satire"], videos["2"].Tags);
        Assert.Empty(videos["3"].Tags);
    }

    [Fact]
    public void U_genre_lines_may_come_in_any_order()
    {
        _dir.Write("u.genre", "Satire|2\nunknown|0\nNoir|1\n", latin1: true);
        _dir.Write("u.item", "1|A (1995)|01-Jan-1995||url|0|0|1\n", latin1: true);
        _dir.Write("u.data", "", latin1: true);

        Assert.Equal(["Satire"], Import().Dataset.Videos["1"].Tags);
    }

    [Fact]
    public void Rating_for_a_movie_not_in_u_item_is_a_counted_skip()
    {
        Write100K(_dir);
        _dir.Write("u.data", Ratings100K + "1\t1683\t5\t0\n2\t404\t1\t0\n", latin1: true);

        var result = Import();
        var data = FileOf(result, "u.data");

        Assert.Equal(5, data.Lines);
        Assert.Equal(3, data.Records);
        Assert.Equal(new Dictionary<string, int> { ["item id not in u.item"] = 2 }, data.Skipped);
        Assert.Equal(5, result.Summary.Interactions);
        Assert.DoesNotContain(result.Dataset.Interactions, e => e.VideoId is "1683" or "404");
        Assert.Equal(2, result.Summary.SkippedLines - FileOf(result, "u.genre").Skipped.Values.Sum());
        AssertBalanced(result.Summary);
    }

    [Fact]
    public void Blank_lines_are_counted_skips_in_every_file()
    {
        Write100K(_dir);
        _dir.Write("u.item", "\n" + Items100K + "   \n", latin1: true);
        _dir.Write("u.user", "1|24|M|technician|85711\n\n2|53|F|other|T8H1N\n", latin1: true);
        _dir.Write("u.data", "1\t1\t5\t1000000000\n\n\t\n1\t2\t3\t0\r\n\r\n2\t3\t1\t86400\n", latin1: true);

        var result = Import();

        var item = FileOf(result, "u.item");
        Assert.Equal((5, 3), (item.Lines, item.Records));
        Assert.Equal(new Dictionary<string, int> { ["blank line"] = 2 }, item.Skipped);
        var user = FileOf(result, "u.user");
        Assert.Equal((3, 2), (user.Lines, user.Records));
        Assert.Equal(new Dictionary<string, int> { ["blank line"] = 1 }, user.Skipped);
        var data = FileOf(result, "u.data");
        Assert.Equal((6, 3), (data.Lines, data.Records));
        Assert.Equal(new Dictionary<string, int> { ["blank line"] = 3 }, data.Skipped);
        // u.genre's trailing blank line + 2 + 1 + 3.
        Assert.Equal(7, result.Summary.SkippedLines);
        Assert.Equal(5, result.Summary.Interactions);
        AssertBalanced(result.Summary);
    }

    [Fact]
    public void Rating_thresholds_and_range_are_configurable()
    {
        Write100K(_dir);
        _dir.Write("u.data", "1\t1\t10\t0\n1\t2\t7\t0\n1\t3\t8\t0\n2\t1\t3\t0\n2\t2\t4\t0\n", latin1: true);
        var tenStars = new RatingConversion { MinRating = 1, MaxRating = 10, LikeAtOrAbove = 8, DislikeAtOrBelow = 3 };

        var events = Import(tenStars).Dataset.Interactions;

        Assert.Equal(
            [
                ("1", "1", InteractionType.Watch), ("1", "1", InteractionType.Like),
                ("1", "2", InteractionType.Watch),
                ("1", "3", InteractionType.Watch), ("1", "3", InteractionType.Like),
                ("2", "1", InteractionType.Watch), ("2", "1", InteractionType.Dislike),
                ("2", "2", InteractionType.Watch),
            ],
            events.Select(e => (e.UserId, e.VideoId!, e.Type)));
    }

    [Fact]
    public void Boundary_ratings_and_timestamps_are_accepted()
    {
        Write100K(_dir);
        _dir.Write("u.data", "1\t1\t0.5\t0\n1\t2\t5\t253402300799\n", latin1: true);

        var events = Import().Dataset.Interactions;

        Assert.Equal(
            [
                new Interaction("1", "1", InteractionType.Watch, DateTimeOffset.UnixEpoch),
                new Interaction("1", "1", InteractionType.Dislike, DateTimeOffset.UnixEpoch),
                new Interaction("1", "2", InteractionType.Watch, new DateTimeOffset(9999, 12, 31, 23, 59, 59, TimeSpan.Zero)),
                new Interaction("1", "2", InteractionType.Like, new DateTimeOffset(9999, 12, 31, 23, 59, 59, TimeSpan.Zero)),
            ],
            events);
    }

    [Fact]
    public void Ids_are_trimmed()
    {
        _dir.Write("u.item", Item(" 12 ", "Title (1990)", "01-Jan-1990", "War"), latin1: true);
        _dir.Write("u.user", " 7 |20|M|writer|12345\n", latin1: true);
        _dir.Write("u.data", " 7 \t 12 \t 4 \t 0 \n", latin1: true);

        var result = Import();

        Assert.Equal(["12"], result.Dataset.Videos.Keys);
        Assert.Equal(["7"], result.Dataset.Users.Keys);
        Assert.Equal(new Interaction("7", "12", InteractionType.Watch, DateTimeOffset.UnixEpoch), result.Dataset.Interactions[0]);
        Assert.Equal(1, FileOf(result, "u.data").Records);
    }

    [Fact]
    public void Missing_u_data_is_a_FileNotFoundException_naming_the_file()
    {
        _dir.Write("u.item", Items100K, latin1: true);

        var ex = Assert.Throws<FileNotFoundException>(() => Import());

        Assert.Equal(PathOf("u.data"), ex.FileName);
        Assert.Equal($"{PathOf("u.data")}: file not found.", ex.Message);
    }

    private const string ItemFieldList =
        "movie id, title, release date, video release date, IMDb URL, genre unknown, genre Action, genre Adventure, genre Animation, "
        + "genre Children's, genre Comedy, genre Crime, genre Documentary, genre Drama, genre Fantasy, genre Film-Noir, genre Horror, "
        + "genre Musical, genre Mystery, genre Romance, genre Sci-Fi, genre Thriller, genre War, genre Western";

    private static string[] Flags(int index, string value)
    {
        var flags = Enumerable.Repeat("0", 19).ToArray();
        flags[index] = value;
        return flags;
    }

    public static TheoryData<string, string, int, string> BadLines => new()
    {
        // u.data: user id \t item id \t rating \t timestamp
        { "u.data", "1\t1\t5\n", 1, "expected 4 fields (user id, item id, rating, timestamp) separated by '\\t', found 3" },
        { "u.data", "1\t1\t5\t0\n1\t2\t3\t0\t9\n", 2, "expected 4 fields (user id, item id, rating, timestamp) separated by '\\t', found 5" },
        { "u.data", "1 1 5 0\n", 1, "expected 4 fields (user id, item id, rating, timestamp) separated by '\\t', found 1" },
        { "u.data", "1\t1\t5\t0\n1\t2\tfive\t0\n", 2, "field 'rating' must be a number, found 'five'" },
        { "u.data", "1\t1\t\t0\n", 1, "field 'rating' must be a number, found ''" },
        { "u.data", "1\t1\tNaN\t0\n", 1, "field 'rating' must be a number, found 'NaN'" },
        { "u.data", "1\t1\t7\t0\n", 1, "field 'rating' must be between 0.5 and 5, found 7" },
        { "u.data", "1\t1\t0\t0\n", 1, "field 'rating' must be between 0.5 and 5, found 0" },
        { "u.data", "1\t1\t5.5\t0\n", 1, "field 'rating' must be between 0.5 and 5, found 5.5" },
        { "u.data", "1\t1\t-1\t0\n", 1, "field 'rating' must be between 0.5 and 5, found -1" },
        { "u.data", "1\t1\t5\tyesterday\n", 1, "field 'timestamp' must be a Unix time in seconds, found 'yesterday'" },
        { "u.data", "1\t1\t5\t-1\n", 1, "field 'timestamp' must be a Unix time in seconds, found '-1'" },
        { "u.data", "1\t1\t5\t881250949.5\n", 1, "field 'timestamp' must be a Unix time in seconds, found '881250949.5'" },
        { "u.data", "1\t1\t5\t253402300800\n", 1, "field 'timestamp' must be a Unix time in seconds, found '253402300800'" },
        { "u.data", "1\t1\t5\t\n", 1, "field 'timestamp' must be a Unix time in seconds, found ''" },
        { "u.data", "\t1\t5\t0\n", 1, "field 'user id' is empty" },
        { "u.data", "1\t  \t5\t0\n", 1, "field 'item id' is empty" },
        { "u.data", "1\t1\t5\t0\n\n1\t1\t5\n", 3, "expected 4 fields (user id, item id, rating, timestamp) separated by '\\t', found 3" },
        // Range is checked before the catalogue: a bad rating for an unknown movie is still an error.
        { "u.data", "1\t404\t9\t0\n", 1, "field 'rating' must be between 0.5 and 5, found 9" },

        // u.item: movie id | title | release date | video release date | URL | 19 genre flags
        { "u.item", "1|Toy Story (1995)|01-Jan-1995\n", 1, $"expected 24 fields ({ItemFieldList}) separated by '|', found 3" },
        { "u.item", Item("1", "A (1995)", "01-Jan-1995").TrimEnd('\n') + "|0\n", 1, $"expected 24 fields ({ItemFieldList}) separated by '|', found 25" },
        { "u.item", Item("", "A (1995)", "01-Jan-1995", "Drama"), 1, "field 'movie id' is empty" },
        { "u.item", Item(" ", "A (1995)", "01-Jan-1995", "Drama"), 1, "field 'movie id' is empty" },
        { "u.item", Item("1", "A (1995)", "01-Jan-1995") + ItemWithFlags("2", "B (1995)", "01-Jan-1995", Flags(5, "2")), 2, "field 'genre Comedy' must be 0 or 1, found '2'" },
        { "u.item", ItemWithFlags("1", "A (1995)", "01-Jan-1995", Flags(1, "")), 1, "field 'genre Action' must be 0 or 1, found ''" },
        { "u.item", ItemWithFlags("1", "A (1995)", "01-Jan-1995", Flags(0, "yes")), 1, "field 'genre unknown' must be 0 or 1, found 'yes'" },
        { "u.item", ItemWithFlags("1", "A (1995)", "01-Jan-1995", Flags(18, "-1")), 1, "field 'genre Western' must be 0 or 1, found '-1'" },
        { "u.item", Item("1", "A (1995)", "1995-01-01", "Drama"), 1, "field 'release date' must look like 01-Jan-1995, found '1995-01-01'" },
        { "u.item", Item("1", "A (1995)", "32-Jan-1995", "Drama"), 1, "field 'release date' must look like 01-Jan-1995, found '32-Jan-1995'" },
        { "u.item", Item("1", "A (1995)", "01-Foo-1995", "Drama"), 1, "field 'release date' must look like 01-Jan-1995, found '01-Foo-1995'" },
        { "u.item", Item("1", "A (1995)", "1995", "Drama"), 1, "field 'release date' must look like 01-Jan-1995, found '1995'" },
        { "u.item", Item("1", "A (1995)", "01-Jan-1995") + Item("2", "B (1995)", "01-Jan-1995") + Item("1", "C (1995)", "01-Jan-1995"), 3, "movie id 1 appears twice" },
        { "u.item", Item("1", "A (1995)", "01-Jan-1995") + Item(" 1", "C (1995)", "01-Jan-1995"), 2, "movie id 1 appears twice" },

        // u.user: user id | age | gender | occupation | zip code
        { "u.user", "1|24|M|technician\n", 1, "expected 5 fields (user id, age, gender, occupation, zip code) separated by '|', found 4" },
        { "u.user", "1|24|M|technician|85711\n2|53|F|other|94043|x\n", 2, "expected 5 fields (user id, age, gender, occupation, zip code) separated by '|', found 6" },
        { "u.user", "|24|M|technician|85711\n", 1, "field 'user id' is empty" },
        { "u.user", "1|131|M|technician|85711\n", 1, "field 'age' must be between 0 and 130, found 131" },
        { "u.user", "1|-1|M|technician|85711\n", 1, "field 'age' must be between 0 and 130, found -1" },
        { "u.user", "1|old|M|technician|85711\n", 1, "field 'age' must be an integer, found 'old'" },
        { "u.user", "1|24.5|M|technician|85711\n", 1, "field 'age' must be an integer, found '24.5'" },
        { "u.user", "1||M|technician|85711\n", 1, "field 'age' must be an integer, found ''" },
        { "u.user", "1|24|M|technician|85711\n2|53|F|other|94043\n1|30|F|writer|32067\n", 3, "user id 1 appears twice" },

        // u.genre: name|index, indices 0..n-1
        { "u.genre", "unknown|0\nAction\n", 2, "expected 'genre|index' with a new index, found 'Action'" },
        { "u.genre", "unknown|0\nAction|one\n", 2, "expected 'genre|index' with a new index, found 'Action|one'" },
        { "u.genre", "unknown|0\nAction|0\n", 2, "expected 'genre|index' with a new index, found 'Action|0'" },
        { "u.genre", "|0\n", 1, "expected 'genre|index' with a new index, found '|0'" },
        { "u.genre", "unknown|-1\n", 1, "expected 'genre|index' with a new index, found 'unknown|-1'" },
        { "u.genre", "unknown|0\n\nAction|1\nDrama|3\n", 4, "genre indices must run from 0 without gaps" },
        { "u.genre", "Action|1\n", 1, "genre indices must run from 0 without gaps" },
        { "u.genre", "", 1, "genre indices must run from 0 without gaps" },
    };

    [Theory]
    [MemberData(nameof(BadLines))]
    public void Bad_line_is_a_DataFormatException_naming_file_line_and_field(string file, string content, int line, string problem)
    {
        Write100K(_dir);
        var path = _dir.Write(file, content, latin1: true);

        var ex = Assert.Throws<DataFormatException>(() => Import());

        AssertFormatError(ex, path, line, problem);
    }

    [Fact]
    public void U_item_field_count_follows_u_genre()
    {
        Write100K(_dir);
        var genre = _dir.Write("u.genre", "unknown|0\nNoir|1\n", latin1: true);
        var item = PathOf("u.item");

        var ex = Assert.Throws<DataFormatException>(() => Import());

        Assert.Equal(PathOf("u.genre"), genre);
        AssertFormatError(ex, item, 1,
            "expected 7 fields (movie id, title, release date, video release date, IMDb URL, genre unknown, genre Noir) separated by '|', found 24");
    }
}
