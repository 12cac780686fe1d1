using System.Security.Cryptography;
using VideoRec.Core.Domain;
using VideoRec.Core.Tests.Support;
using VideoRec.Import;
using static VideoRec.Core.Tests.Import.ImportFixtures;

namespace VideoRec.Core.Tests.Import;

public sealed class DatasetLoaderTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TempDirectory _other = new();

    public void Dispose()
    {
        _dir.Dispose();
        _other.Dispose();
    }

    private static string ExpectedFilesMessage(string directory) =>
        $"{directory}: not a recognised data folder. Expected MovieLens 100K files (u.data and u.item; u.user and u.genre optional) or MovieLens 'latest' files (ratings.csv and movies.csv; tags.csv optional).";

    private static string Sha256Of(string directory, params string[] files)
    {
        var bytes = files.SelectMany(f =>
        {
            var content = File.ReadAllBytes(Path.Combine(directory, f));
            return System.Text.Encoding.UTF8.GetBytes($"{f}\n{content.Length}\n").Concat(content);
        }).ToArray();
        return System.Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    [Fact]
    public void Importers_are_tried_100K_first_then_latest()
    {
        Assert.Equal(["movielens-100k", "movielens-latest"], DatasetLoader.Importers.Select(i => i.Layout));
    }

    [Fact]
    public void A_100K_folder_is_imported_with_the_100K_importer()
    {
        Write100K(_dir);

        var result = DatasetLoader.Load(_dir.Path);

        Assert.Equal("movielens-100k", result.Summary.Layout);
        Assert.Equal("ml-100k", result.Dataset.Name);
        Assert.Equal(3, result.Summary.Videos);
        Assert.Equal(5, result.Summary.Interactions);
    }

    [Fact]
    public void A_latest_folder_is_imported_with_the_latest_importer()
    {
        WriteLatest(_dir);

        var result = DatasetLoader.Load(_dir.Path);

        Assert.Equal("movielens-latest", result.Summary.Layout);
        Assert.Equal(Path.GetFileName(_dir.Path), result.Dataset.Name);
        Assert.Equal(3, result.Summary.Videos);
        Assert.Equal(5, result.Summary.Interactions);
    }

    [Fact]
    public void The_rating_conversion_is_passed_to_the_importer()
    {
        WriteLatest(_dir);
        var noLikes = new RatingConversion { LikeAtOrAbove = 6, DislikeAtOrBelow = 0 };

        var result = DatasetLoader.Load(_dir.Path, noLikes);

        Assert.Equal(3, result.Summary.Interactions);
        Assert.All(result.Dataset.Interactions, e => Assert.Equal(InteractionType.Watch, e.Type));
    }

    [Fact]
    public void An_unknown_folder_is_an_InvalidDataException_listing_the_expected_files()
    {
        _dir.Write("readme.txt", "hello");

        var ex = Assert.Throws<InvalidDataException>(() => DatasetLoader.Load(_dir.Path));

        Assert.Equal(ExpectedFilesMessage(_dir.Path), ex.Message);
        foreach (var file in new[] { "u.data", "u.item", "u.user", "ratings.csv", "movies.csv", "tags.csv" })
        {
            Assert.Contains(file, ex.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("u.data")]
    [InlineData("u.item")]
    [InlineData("ratings.csv")]
    [InlineData("movies.csv")]
    public void A_folder_with_only_half_a_layout_is_not_recognised(string file)
    {
        _dir.Write(file, "");

        var ex = Assert.Throws<InvalidDataException>(() => DatasetLoader.Load(_dir.Path));

        Assert.Equal(ExpectedFilesMessage(_dir.Path), ex.Message);
    }

    [Fact]
    public void A_missing_folder_is_a_DirectoryNotFoundException()
    {
        var missing = Path.Combine(_dir.Path, "no-such-folder");

        var ex = Assert.Throws<DirectoryNotFoundException>(() => DatasetLoader.Load(missing));

        Assert.Equal($"{missing}: data folder not found.", ex.Message);
    }

    [Fact]
    public void A_bad_line_surfaces_as_a_DataFormatException()
    {
        Write100K(_dir);
        var path = _dir.Write("u.data", "1\t1\t5\t0\n1\t2\t0\t0\n", latin1: true);

        var ex = Assert.Throws<DataFormatException>(() => DatasetLoader.Load(_dir.Path));

        AssertFormatError(ex, path, 2, "field 'rating' must be between 0.5 and 5, found 0");
    }

    [Fact]
    public void Sha256_is_the_hash_of_the_100K_files_in_reading_order()
    {
        Write100K(_dir);

        var sha = DatasetLoader.Load(_dir.Path).Summary.Sha256;

        Assert.Equal(Sha256Of(_dir.Path, "u.genre", "u.item", "u.user", "u.data"), sha);
        Assert.Matches("^[0-9a-f]{64}$", sha);
    }

    [Fact]
    public void Sha256_is_the_hash_of_the_latest_files_in_reading_order()
    {
        WriteLatest(_dir);

        var sha = DatasetLoader.Load(_dir.Path).Summary.Sha256;

        Assert.Equal(Sha256Of(_dir.Path, "movies.csv", "tags.csv", "ratings.csv"), sha);
    }

    [Fact]
    public void Sha256_of_a_known_content_is_fixed()
    {
        // SHA-256 of "movies.csv\n38\n" + movies.csv + "ratings.csv\n40\n" + ratings.csv, computed once with Python's hashlib.
        _dir.Write("movies.csv", "movieId,title,genres\n1,A (2000),Drama\n");
        _dir.Write("ratings.csv", "userId,movieId,rating,timestamp\n1,1,4,0\n");

        Assert.Equal("3c7200861d56f33758a6888b3d213345ad6670ab52d96f3eafcec71237083b23", DatasetLoader.Load(_dir.Path).Summary.Sha256);
    }

    [Fact]
    public void Sha256_is_stable_for_equal_content_in_other_folders()
    {
        Write100K(_dir);
        Write100K(_other);

        var first = DatasetLoader.Load(_dir.Path).Summary.Sha256;
        var again = DatasetLoader.Load(_dir.Path).Summary.Sha256;
        var elsewhere = DatasetLoader.Load(_other.Path).Summary.Sha256;

        Assert.Equal(first, again);
        Assert.Equal(first, elsewhere);
    }

    [Fact]
    public void Sha256_ignores_files_that_are_not_read()
    {
        Write100K(_dir);
        var before = DatasetLoader.Load(_dir.Path).Summary.Sha256;
        _dir.Write("u.info", "943 users\n");
        _dir.Write("README", "MovieLens\n");

        Assert.Equal(before, DatasetLoader.Load(_dir.Path).Summary.Sha256);
    }

    [Theory]
    [InlineData("u.genre", "Western", "Westerm")]
    [InlineData("u.item", "Toy Story", "Toy Storm")]
    [InlineData("u.user", "technician", "technicien")]
    [InlineData("u.data", "1000000000", "1000000001")]
    public void Sha256_changes_when_one_byte_of_a_100K_file_changes(string file, string from, string to)
    {
        Write100K(_dir);
        Write100K(_other);
        ChangeOneByte(Path.Combine(_other.Path, file), from, to);

        Assert.NotEqual(DatasetLoader.Load(_dir.Path).Summary.Sha256, DatasetLoader.Load(_other.Path).Summary.Sha256);
    }

    [Theory]
    [InlineData("movies.csv", "Fantasy", "Fantasi")]
    [InlineData("tags.csv", "pixar", "Pixar")]
    [InlineData("ratings.csv", "4.0", "4.5")]
    public void Sha256_changes_when_one_byte_of_a_latest_file_changes(string file, string from, string to)
    {
        WriteLatest(_dir);
        WriteLatest(_other);
        ChangeOneByte(Path.Combine(_other.Path, file), from, to);

        Assert.NotEqual(DatasetLoader.Load(_dir.Path).Summary.Sha256, DatasetLoader.Load(_other.Path).Summary.Sha256);
    }

    /// <summary>Replaces the first <paramref name="from"/> by <paramref name="to"/>, which differ in exactly one byte, keeping the file valid.</summary>
    private static void ChangeOneByte(string path, string from, string to)
    {
        var before = File.ReadAllBytes(path);
        var text = System.Text.Encoding.Latin1.GetString(before);
        var at = text.IndexOf(from, StringComparison.Ordinal);
        Assert.True(at >= 0);
        File.WriteAllBytes(path, System.Text.Encoding.Latin1.GetBytes(string.Concat(text.AsSpan(0, at), to, text.AsSpan(at + from.Length))));
        var after = File.ReadAllBytes(path);
        Assert.Equal(before.Length, after.Length);
        Assert.Equal(1, before.Zip(after).Count(p => p.First != p.Second));
    }
}
