using VideoRec.Core.Bundles;
using VideoRec.Core.Domain;
using VideoRec.Core.Models.Wals;
using VideoRec.Core.Tests.Support;

namespace VideoRec.Core.Tests.Bundles;

public sealed class ModelBundleTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    private static Dataset Tiny()
    {
        var videos = new Dictionary<string, Video>
        {
            ["v1"] = new("v1", "First") { Tags = ["Drama"], Language = "pt-BR", AllowedRegions = ["br", "PT"], UploadedAt = T0.AddDays(-3), CreatorId = "c9", DurationSeconds = 610 },
            ["v2"] = new("v2", "Second"),
            ["v3"] = new("v3", "Third"),
        };
        Interaction[] log =
        [
            new("alice", "v1", InteractionType.Watch, T0), new("alice", "v2", InteractionType.Like, T0),
            new("bob", "v2", InteractionType.Watch, T0), new("bob", "v3", InteractionType.Watch, T0),
        ];
        return new Dataset("tiny", videos, new Dictionary<string, UserProfile>(), log);
    }

    private static ModelBundle Train(TimeProvider? clock = null) => BundleBuilder.Train(Tiny(), "test", new string('a', 64),
        new BundleTrainingOptions { Wals = new WalsOptions { Factors = 2, Iterations = 3 }, Evaluate = false }, timeProvider: clock);

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    [Fact]
    public void Save_then_load_round_trips_every_part_and_current_points_at_the_version()
    {
        using var dir = new TempDirectory();
        var bundle = Train(new FixedClock(T0));

        var path = bundle.Save(dir.Path);
        var loaded = ModelBundle.Load(dir.Path);

        Assert.Equal(Path.Combine(dir.Path, bundle.Version), path);
        Assert.Equal(bundle.Version + Environment.NewLine, File.ReadAllText(Path.Combine(dir.Path, "CURRENT")));
        Assert.StartsWith("wals-20231114T221320Z-", bundle.Version);
        Assert.Equal(bundle.Users.Ids, loaded.Users.Ids);
        Assert.Equal(bundle.Videos.Ids, loaded.Videos.Ids);
        Assert.Equal(bundle.Wals.UserFactors, loaded.Wals.UserFactors);
        Assert.Equal(bundle.Wals.VideoFactors, loaded.Wals.VideoFactors);
        Assert.Equal(bundle.Popularity.Counts.ToArray(), loaded.Popularity.Counts.ToArray());
        Assert.Equal(bundle.Seen.RowStart, loaded.Seen.RowStart);
        Assert.Equal(bundle.Seen.ColumnIndices, loaded.Seen.ColumnIndices);
        Assert.Equal("First", loaded.Catalogue[0].Title);
        Assert.Equal(["Drama"], loaded.Catalogue[0].Tags);
        Assert.Equal(("pt-BR", "c9", 610.0, T0.AddDays(-3)), (loaded.Catalogue[0].Language, loaded.Catalogue[0].CreatorId, loaded.Catalogue[0].DurationSeconds, loaded.Catalogue[0].UploadedAt));
        Assert.Equal(["br", "PT"], loaded.Catalogue[0].AllowedRegions);
        Assert.Equal("pt-br", loaded.Catalogue[0].Attributes().Language);
        Assert.Equal(["BR", "PT"], loaded.Catalogue[0].Attributes().AllowedRegions);
        Assert.Null(loaded.Catalogue[1].Language);
        Assert.Equal(bundle.Manifest.Wals, loaded.Manifest.Wals);
        Assert.Equal(new string('a', 64), loaded.Manifest.Data.Sha256);
        Assert.Equal((2, 3, 4), (loaded.Manifest.Data.Users, loaded.Manifest.Data.Videos, loaded.Manifest.Data.Pairs));
        Assert.Equal(T0, loaded.Manifest.CreatedAt);
    }

    [Fact]
    public void A_catalogue_written_before_the_serving_fields_existed_still_loads()
    {
        using var dir = new TempDirectory();
        var path = Train().Save(dir.Path);
        File.WriteAllText(Path.Combine(path, "catalogue.json"), """[{"title": "First", "tags": ["Drama"]}, {"title": "Second", "tags": []}, {"title": "Third", "tags": []}]""");

        var loaded = ModelBundle.Load(dir.Path);

        Assert.Equal("First", loaded.Catalogue[0].Title);
        Assert.Equal((null, null, null), (loaded.Catalogue[0].Language, loaded.Catalogue[0].UploadedAt, loaded.Catalogue[0].CreatorId));
        Assert.Empty(loaded.Catalogue[0].AllowedRegions);
    }

    [Fact]
    public void The_popularity_ranking_counts_positive_pairs()
    {
        var bundle = Train();

        Assert.Equal([1f, 2f, 1f], bundle.Popularity.Counts.ToArray());
        Assert.Equal(1, bundle.Popularity.Top(1)[0].Index);
    }

    [Fact]
    public void A_truncated_factor_file_is_reported_by_name()
    {
        using var dir = new TempDirectory();
        var path = Train().Save(dir.Path);
        var file = Path.Combine(path, "video_factors.f32");
        File.WriteAllBytes(file, File.ReadAllBytes(file)[..^4]);

        var error = Assert.Throws<InvalidDataException>(() => ModelBundle.Load(dir.Path));

        Assert.Contains("video_factors.f32", error.Message);
    }

    [Fact]
    public void Missing_bundle_manifest_and_unknown_format_are_reported()
    {
        using var dir = new TempDirectory();
        Assert.Throws<DirectoryNotFoundException>(() => ModelBundle.Load(dir.Path));

        var path = Train().Save(dir.Path);
        var manifest = Path.Combine(path, "manifest.json");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"format_version\": 1", "\"format_version\": 99"));
        var error = Assert.Throws<InvalidDataException>(() => ModelBundle.Load(path));
        Assert.Contains("format 99", error.Message);
    }

    [Fact]
    public void Saving_the_same_version_twice_keeps_the_first_copy_and_repoints_current()
    {
        using var dir = new TempDirectory();
        var bundle = Train(new FixedClock(T0));
        var first = bundle.Save(dir.Path);
        var stamp = File.GetLastWriteTimeUtc(Path.Combine(first, "user_factors.f32"));
        File.WriteAllText(Path.Combine(dir.Path, "CURRENT"), "elsewhere");

        var second = bundle.Save(dir.Path);

        Assert.Equal(first, second);
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(Path.Combine(first, "user_factors.f32")));
        Assert.Equal(bundle.Version + Environment.NewLine, File.ReadAllText(Path.Combine(dir.Path, "CURRENT")));
    }

    [Fact]
    public void Folders_trained_beside_the_bundle_move_in_before_current_names_it()
    {
        using var dir = new TempDirectory();
        var bundle = Train(new FixedClock(T0));
        string Scratch(string name, string text)
        {
            var folder = Path.Combine(dir.Path, "." + name + "-scratch");
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "model.txt"), text);
            return folder;
        }

        var path = bundle.Save(dir.Path, new Dictionary<string, string> { ["ranker"] = Scratch("ranker", "first"), ["twotower"] = Scratch("twotower", "towers") });

        Assert.Equal("first", File.ReadAllText(Path.Combine(path, "ranker", "model.txt")));
        Assert.Equal("towers", File.ReadAllText(Path.Combine(path, "twotower", "model.txt")));
        Assert.False(Directory.Exists(Path.Combine(dir.Path, ".ranker-scratch")));
        Assert.Equal(path, Path.Combine(dir.Path, File.ReadAllText(Path.Combine(dir.Path, "CURRENT")).Trim()));

        // The same version again (the same model): the folder already there is kept, a missing one moves in.
        Directory.Delete(Path.Combine(path, "twotower"), recursive: true);
        bundle.Save(dir.Path, new Dictionary<string, string> { ["ranker"] = Scratch("ranker", "second"), ["twotower"] = Scratch("twotower", "again") });
        Assert.Equal("first", File.ReadAllText(Path.Combine(path, "ranker", "model.txt")));
        Assert.Equal("again", File.ReadAllText(Path.Combine(path, "twotower", "model.txt")));
        Assert.Empty(Directory.GetDirectories(dir.Path, ".*-scratch"));

        Assert.Throws<ArgumentException>(() => bundle.Save(dir.Path, new Dictionary<string, string> { ["../x"] = Scratch("x", "") }));
    }

    [Fact]
    public void A_version_folder_without_a_manifest_is_not_taken_for_a_bundle()
    {
        using var dir = new TempDirectory();
        var bundle = Train(new FixedClock(T0));
        Directory.CreateDirectory(Path.Combine(dir.Path, bundle.Version));

        Assert.Throws<IOException>(() => bundle.Save(dir.Path));
    }

    [Fact]
    public void Early_stopping_picks_the_iteration_count_on_a_validation_split_and_records_held_out_metrics()
    {
        var data = VideoRec.Import.DatasetLoader.Load(SharedData.MovieLensLatestSmall);
        var options = new BundleTrainingOptions { Wals = new WalsOptions { Factors = 16, Iterations = 30, EarlyStoppingPatience = 2 } };

        var bundle = BundleBuilder.Train(data.Dataset, data.Summary.Layout, data.Summary.Sha256, options);

        Assert.InRange(bundle.Manifest.Wals.Iterations, 1, 29);
        Assert.Equal(0, bundle.Manifest.Wals.EarlyStoppingPatience);
        Assert.InRange(bundle.Manifest.Metrics["ndcg"], 0.25, 0.6);
        Assert.Equal(data.Summary.Sha256, bundle.Manifest.Data.Sha256);
    }

    [Theory]
    [InlineData("user_factors.f32", "value 0 is not a finite number")]
    [InlineData("popularity.f32", "value 0 is not a finite number")]
    public void Non_finite_numbers_in_a_bundle_are_refused_naming_the_file(string file, string problem)
    {
        using var dir = new TempDirectory();
        var path = Train().Save(dir.Path);
        var bytes = File.ReadAllBytes(Path.Combine(path, file));
        BitConverter.GetBytes(float.NaN).CopyTo(bytes, 0);
        File.WriteAllBytes(Path.Combine(path, file), bytes);

        var error = Assert.Throws<InvalidDataException>(() => ModelBundle.Load(path));

        Assert.Equal($"{Path.Combine(path, file)}: {problem}.", error.Message);
    }

    [Fact]
    public void Decreasing_seen_row_pointers_are_refused()
    {
        using var dir = new TempDirectory();
        var path = Train().Save(dir.Path);
        var file = Path.Combine(path, "seen.i32");
        var ints = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(File.ReadAllBytes(file)).ToArray();
        ints[1] = -100; // users: alice, bob → pointers [0, 2, 4]
        File.WriteAllBytes(file, System.Runtime.InteropServices.MemoryMarshal.AsBytes(ints.AsSpan()).ToArray());

        var error = Assert.Throws<InvalidDataException>(() => ModelBundle.Load(path));

        Assert.Equal($"{file}: row pointer 1 decreases.", error.Message);
    }

    [Theory]
    [InlineData("catalogue.json", "\"title\": \"First\"", "\"title\": null", "entry 0 must have a title and a list of tags.")]
    [InlineData("manifest.json", "\"model_version\": \"wals-", "\"model_version\": \"[bad]wals-", "model_version must be 1 to 128 letters, digits, '.', '_' or '-'.")]
    [InlineData("manifest.json", "\"factors\": 2", "\"factors\": -2", "WALS option Factors must be between 1 and 1024.")]
    [InlineData("users.txt", "alice", "al/ice", "the id must not contain '/'.")]
    public void Damaged_json_and_id_files_are_refused_naming_the_file(string file, string find, string replace, string problem)
    {
        using var dir = new TempDirectory();
        var path = Train(new FixedClock(T0)).Save(dir.Path);
        var target = Path.Combine(path, file);
        var text = File.ReadAllText(target);
        Assert.Contains(find, text);
        File.WriteAllText(target, text.Replace(find, replace));

        var error = Assert.Throws<InvalidDataException>(() => ModelBundle.Load(path));

        Assert.StartsWith(target, error.Message);
        Assert.EndsWith(problem, error.Message);
    }

    [Fact]
    public void Training_on_no_interactions_says_so()
    {
        var empty = new Dataset("empty", new Dictionary<string, Video> { ["v"] = new("v", "V") }, new Dictionary<string, UserProfile>(), []);

        var error = Assert.Throws<VideoRec.Core.Evaluation.InsufficientDataException>(() =>
            BundleBuilder.Train(empty, "test", "sha", new BundleTrainingOptions()));

        Assert.Equal("empty: the data holds no (user, video) interactions to train on.", error.Message);
    }
}
