using System.Text.Json.Nodes;
using VideoRec.Cli.Tests.Support;

namespace VideoRec.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class ImportCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Import_json_has_the_exact_counts_of_the_tiny_latest_data()
    {
        var data = TinyData.WriteLatest(_temp.Folder("tiny"));
        var jsonPath = _temp["import.json"];

        var result = await Vrec.SucceedsAsync("import", "--data", data, "--json", jsonPath);

        var json = Vrec.ReadJson(jsonPath);
        Assert.Equal("tiny", (string?)json["dataset"]);
        Assert.Equal("movielens-latest", (string?)json["layout"]);
        Assert.Equal(8, (int)json["videos"]!);
        Assert.Equal(8, (int)json["users"]!);
        Assert.Equal(51, (int)json["interactions"]!);
        Assert.Equal(5, (int)json["skipped_lines"]!);
        var events = json["events"]!.AsObject();
        Assert.Equal(3, events.Count);
        Assert.Equal(28, (int)events["watch"]!);
        Assert.Equal(18, (int)events["like"]!);
        Assert.Equal(5, (int)events["dislike"]!);

        var files = json["files"]!.AsArray().Select(f => f!.AsObject()).ToArray();
        Assert.Equal(["movies.csv", "tags.csv", "ratings.csv"], files.Select(f => (string?)f["file"]));
        AssertFile(files[0], 8, 8);
        AssertFile(files[1], 7, 3, ("empty tag", 1), ("movieId not in movies.csv", 1), ("tag already on the movie", 2));
        AssertFile(files[2], 29, 28, ("movieId not in movies.csv", 1));

        Assert.Equal(TinyData.Sha256Of(data, "movies.csv", "tags.csv", "ratings.csv"), (string?)json["sha256"]);
        Assert.Contains("28 watch, 18 like, 5 dislike", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_reads_the_movielens_100k_layout()
    {
        var data = TinyData.Write100K(_temp.Folder("ml-100k-tiny"));
        var jsonPath = _temp["import.json"];

        await Vrec.SucceedsAsync("import", "--data", data, "--json", jsonPath);

        var json = Vrec.ReadJson(jsonPath);
        Assert.Equal("movielens-100k", (string?)json["layout"]);
        Assert.Equal(4, (int)json["videos"]!);
        Assert.Equal(4, (int)json["users"]!); // three raters plus user 4, who only has a profile
        Assert.Equal(11, (int)json["interactions"]!);
        Assert.Equal(1, (int)json["skipped_lines"]!);
        var events = json["events"]!.AsObject();
        Assert.Equal(6, (int)events["watch"]!);
        Assert.Equal(3, (int)events["like"]!);
        Assert.Equal(2, (int)events["dislike"]!);
        var files = json["files"]!.AsArray().Select(f => f!.AsObject()).ToArray();
        Assert.Equal(["u.item", "u.user", "u.data"], files.Select(f => (string?)f["file"]));
        AssertFile(files[0], 4, 4);
        AssertFile(files[1], 4, 4);
        AssertFile(files[2], 7, 6, ("item id not in u.item", 1));
        Assert.Equal(TinyData.Sha256Of(data, "u.item", "u.user", "u.data"), (string?)json["sha256"]);
    }

    [Fact]
    public async Task Without_data_the_shipped_sample_is_found_and_read()
    {
        var jsonPath = _temp["import.json"];

        await Vrec.SucceedsAsync("import", "--json", jsonPath);

        var json = Vrec.ReadJson(jsonPath);
        Assert.Equal("ml-latest-small", (string?)json["dataset"]);
        Assert.Equal(TinyData.Sha256Of(Repository.ShippedSample, "movies.csv", "tags.csv", "ratings.csv"), (string?)json["sha256"]);
        Assert.Equal(9742, (int)json["videos"]!);
        Assert.Equal(610, (int)json["users"]!);
        Assert.Equal(224, (int)json["skipped_lines"]!); // tags.csv repeats a tag already on the movie 224 times
    }

    [Fact]
    public async Task A_rating_that_is_not_a_number_names_file_line_and_field()
    {
        var data = _temp.Folder("bad-rating");
        TinyData.WriteLatest(data, "userId,movieId,rating,timestamp\n1,1,4,1000000000\n1,2,abc,1000000001\n1,3,4,1000000002\n");

        var message = await Vrec.FailsWithBadInputAsync("import", "--data", data);

        Assert.StartsWith(Path.Combine(data, "ratings.csv") + ":3: ", message, StringComparison.Ordinal);
        Assert.Contains("'rating'", message, StringComparison.Ordinal);
        Assert.Contains("'abc'", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_line_with_the_wrong_field_count_names_file_line_and_count()
    {
        var data = _temp.Folder("short-line");
        TinyData.WriteLatest(data, "userId,movieId,rating,timestamp\n1,1,4,1000000000\n1,2,4,1000000001\n1,3,4\n");

        var message = await Vrec.FailsWithBadInputAsync("import", "--data", data);

        Assert.StartsWith(Path.Combine(data, "ratings.csv") + ":4: ", message, StringComparison.Ordinal);
        Assert.Contains("expected 4 fields (userId, movieId, rating, timestamp)", message, StringComparison.Ordinal);
        Assert.Contains("found 3", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_100k_line_names_the_tab_separated_file_and_line()
    {
        var data = TinyData.Write100K(_temp.Folder("bad-100k"), "1\t1\t5\t881250949\n1\t2\t3\t881250950\textra\n");

        var message = await Vrec.FailsWithBadInputAsync("import", "--data", data);

        Assert.StartsWith(Path.Combine(data, "u.data") + ":2: ", message, StringComparison.Ordinal);
        Assert.Contains("expected 4 fields", message, StringComparison.Ordinal);
        Assert.Contains("found 5", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_first_line_of_a_headerless_file_is_line_1()
    {
        var data = TinyData.Write100K(_temp.Folder("bad-first-line"), "1\t1\tfive\t881250949\n1\t2\t3\t881250950\n");

        var message = await Vrec.FailsWithBadInputAsync("import", "--data", data);

        Assert.Equal($"{Path.Combine(data, "u.data")}:1: field 'rating' must be a number, found 'five'", message);
    }

    [Fact]
    public async Task A_rating_outside_the_scale_is_rejected_with_its_line()
    {
        var data = _temp.Folder("rating-7");
        TinyData.WriteLatest(data, "userId,movieId,rating,timestamp\n1,1,7,1000000000\n");

        var message = await Vrec.FailsWithBadInputAsync("import", "--data", data);

        Assert.Equal($"{Path.Combine(data, "ratings.csv")}:2: field 'rating' must be between 0.5 and 5, found 7", message);
    }

    [Fact]
    public async Task Bad_data_fails_every_command_that_reads_it_the_same_way()
    {
        var data = _temp.Folder("bad-for-train");
        TinyData.WriteLatest(data, "userId,movieId,rating,timestamp\n1,1,4,1000000000\n1,2,abc,1000000001\n");

        var message = await Vrec.FailsWithBadInputAsync("train", "--data", data, "--output", _temp["models"], "--iterations", "1");

        Assert.StartsWith(Path.Combine(data, "ratings.csv") + ":3: ", message, StringComparison.Ordinal);
        var models = _temp["models"];
        Assert.False(File.Exists(Path.Combine(models, "CURRENT")), "no bundle is written for bad data");
        Assert.True(!Directory.Exists(models) || !Directory.EnumerateFileSystemEntries(models).Any(), "the model folder is left empty");
    }

    [Fact]
    public async Task A_missing_data_folder_is_reported_with_its_path()
    {
        var missing = _temp["does-not-exist"];

        var message = await Vrec.FailsWithBadInputAsync("import", "--data", missing);

        Assert.Contains(missing, message, StringComparison.Ordinal);
        Assert.Contains("not found", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_folder_with_no_known_layout_lists_the_expected_files()
    {
        var data = _temp.Folder("unknown-layout");
        TinyData.Write(data, "ratings.csv", TinyData.Ratings()); // movies.csv missing, so not the 'latest' layout

        var message = await Vrec.FailsWithBadInputAsync("import", "--data", data);

        Assert.Contains(data, message, StringComparison.Ordinal);
        foreach (var file in new[] { "u.data", "u.item", "u.user", "ratings.csv", "movies.csv", "tags.csv" })
        {
            Assert.Contains(file, message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Dislike_threshold_not_below_like_threshold_is_bad_input()
    {
        var data = TinyData.WriteLatest(_temp.Folder("tiny"));

        var message = await Vrec.FailsWithBadInputAsync("import", "--data", data, "--like-at", "3", "--dislike-at", "3");

        Assert.Equal("--dislike-at (3) must be below --like-at (3).", message);
    }

    [Fact]
    public async Task Like_threshold_changes_the_event_counts()
    {
        var data = TinyData.WriteLatest(_temp.Folder("tiny"));
        var jsonPath = _temp["import.json"];

        await Vrec.SucceedsAsync("import", "--data", data, "--like-at", "5", "--dislike-at", "1", "--json", jsonPath);

        // Ratings of 5: (1,1) (2,2) (3,1) (4,3) (5,4) (6,7); at or below 1: (1,4) (4,8) (8,6).
        var events = Vrec.ReadJson(jsonPath)["events"]!.AsObject();
        Assert.Equal(28, (int)events["watch"]!);
        Assert.Equal(6, (int)events["like"]!);
        Assert.Equal(3, (int)events["dislike"]!);
    }

    [Fact]
    public async Task A_later_rating_of_the_same_user_and_movie_replaces_the_earlier_one()
    {
        var data = _temp.Folder("re-rated");
        // User 1 rates movie 1 twice: 2 (a dislike) then 5 (a like); only the later rating counts.
        TinyData.WriteLatest(data, "userId,movieId,rating,timestamp\n1,1,2,1000000000\n1,2,4,1000000001\n1,1,5,1000000002\n", withTags: false);
        var jsonPath = _temp["import.json"];

        await Vrec.SucceedsAsync("import", "--data", data, "--json", jsonPath);

        var json = Vrec.ReadJson(jsonPath);
        Assert.Equal(1, (int)json["skipped_lines"]!);
        var events = json["events"]!.AsObject();
        Assert.Equal(["watch", "like"], events.Select(e => e.Key));
        Assert.Equal(2, (int)events["watch"]!);
        Assert.Equal(2, (int)events["like"]!);
        var files = json["files"]!.AsArray().Select(f => f!.AsObject()).ToArray();
        AssertFile(files[1], 3, 2, ("earlier rating of the same (user, movie), replaced by a later line", 1));
    }

    [Fact]
    public async Task An_id_with_a_slash_names_file_line_and_field()
    {
        var data = _temp.Folder("slash-id");
        TinyData.WriteLatest(data, "userId,movieId,rating,timestamp\n1,1,4,1000000000\nu/1,2,4,1000000001\n");

        var message = await Vrec.FailsWithBadInputAsync("import", "--data", data);

        Assert.Equal($"{Path.Combine(data, "ratings.csv")}:3: field 'userId' is not a valid id: an id must not contain '/'. Found 'u/1'", message);
    }

    [Fact]
    public async Task Invalid_utf8_is_bad_input_naming_the_file()
    {
        var data = TinyData.WriteLatest(_temp.Folder("bad-utf8"));
        var movies = Path.Combine(data, "movies.csv");
        File.WriteAllBytes(movies, [.. File.ReadAllBytes(movies), .. "9,Caf"u8.ToArray(), 0xE9, .. " (1995),Drama\n"u8.ToArray()]);

        var message = await Vrec.FailsWithBadInputAsync("import", "--data", data);

        Assert.Equal($"{movies}:10: is not valid UTF-8 text (the file must be UTF-8 encoded)", message); // header, 8 movies, then the Latin-1 line
    }

    [Fact]
    public async Task A_control_character_in_a_title_names_file_line_and_field()
    {
        var data = TinyData.WriteLatest(_temp.Folder("control-character"));
        File.AppendAllText(Path.Combine(data, "movies.csv"), "9,Bad\u0001Title (1995),Drama\n");

        var message = await Vrec.FailsWithBadInputAsync("import", "--data", data);

        Assert.StartsWith($"{Path.Combine(data, "movies.csv")}:10: field 'title' ", message, StringComparison.Ordinal);
        Assert.Contains("contains a control character", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_json_path_that_is_a_folder_is_bad_input()
    {
        var data = TinyData.WriteLatest(_temp.Folder("tiny"));
        var folder = _temp.Folder("a-folder");

        var message = await Vrec.FailsWithBadInputAsync("import", "--data", data, "--json", folder);

        Assert.Equal($"--json: {folder} is a folder; give a file name.", message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
    }

    private static void AssertFile(JsonObject file, int lines, int records, params (string Reason, int Count)[] skipped)
    {
        Assert.Equal(lines, (int)file["lines"]!);
        Assert.Equal(records, (int)file["records"]!);
        var actual = file["skipped"]!.AsObject().Select(p => (p.Key, (int)p.Value!)).ToArray();
        Assert.Equal(skipped, actual);
    }
}
