using VideoRec.Core.Domain;
using VideoRec.Core.Tests.Support;
using VideoRec.Import;
using static VideoRec.Core.Tests.Import.ImportFixtures;

namespace VideoRec.Core.Tests.Import;

/// <summary>
/// Reads the real MovieLens 100K in place (../shared/data/ml-100k; never copied). Expected values were computed from
/// the files with awk and sha256sum:
/// <c>awk -F'\t' '{n++; if($3>=4)l++; if($3&lt;=2)d++} END{print n,l,d}' u.data</c> gives 100000 55375 17480;
/// the genre flags other than "unknown" sum to 2891; 925 ZIP codes are 5 digits and 18 start letter-digit-letter;
/// SHA-256 over "name\nlength\n" followed by the bytes of u.genre, u.item, u.user and u.data, in that order
/// (computed once with Python's hashlib), gives f673a994…02d3.
/// </summary>
public sealed class MovieLens100KRealDataTests
{
    private static readonly Lazy<ImportResult> Result = new(() => DatasetLoader.Load(SharedData.MovieLens100K));

    [Fact]
    public void Known_counts()
    {
        var result = Result.Value;
        var summary = result.Summary;

        Assert.Equal("movielens-100k", summary.Layout);
        Assert.Equal("ml-100k", result.Dataset.Name);
        Assert.Equal(1682, summary.Videos);
        Assert.Equal(1682, result.Dataset.Videos.Count);
        Assert.Equal(943, summary.Users);
        Assert.Equal(943, result.Dataset.Users.Count);
        Assert.Equal(100_000, FileOf(result, "u.data").Records);
        Assert.Equal(100_000, FileOf(result, "u.data").Lines);
        Assert.Equal(1682, FileOf(result, "u.item").Records);
        Assert.Equal(943, FileOf(result, "u.user").Records);
        Assert.Equal(19, FileOf(result, "u.genre").Records);
        AssertBalanced(summary);
    }

    [Fact]
    public void Known_event_counts()
    {
        var result = Result.Value;
        var byType = result.Dataset.Interactions.GroupBy(e => e.Type).ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal(
            new Dictionary<InteractionType, int>
            {
                [InteractionType.Watch] = 100_000,
                [InteractionType.Like] = 55_375,
                [InteractionType.Dislike] = 17_480,
            },
            byType);
        Assert.Equal(172_855, result.Summary.Interactions);
        Assert.All(result.Dataset.Interactions, e => Assert.Null(e.Value));
    }

    [Fact]
    public void Only_the_trailing_blank_line_of_u_genre_is_skipped()
    {
        var summary = Result.Value.Summary;

        Assert.Equal(1, summary.SkippedLines);
        Assert.Equal(new Dictionary<string, int> { ["blank line"] = 1 }, summary.Files.Single(f => f.File == "u.genre").Skipped);
    }

    [Fact]
    public void Known_videos_users_and_events()
    {
        var dataset = Result.Value.Dataset;

        var toyStory = dataset.Videos["1"];
        Assert.Equal("Toy Story (1995)", toyStory.Title);
        Assert.Equal(["Animation", "Children's", "Comedy"], toyStory.Tags);
        Assert.Equal(new DateTimeOffset(1995, 1, 1, 0, 0, 0, TimeSpan.Zero), toyStory.UploadedAt);
        Assert.Equal("Misérables, Les (1995)", dataset.Videos["543"].Title);
        Assert.Equal(new DateTimeOffset(1971, 2, 4, 0, 0, 0, TimeSpan.Zero), dataset.Videos["1373"].UploadedAt);
        Assert.Empty(dataset.Videos["1373"].Tags);
        Assert.Null(dataset.Videos["267"].UploadedAt);
        Assert.Equal(2891, dataset.Videos.Values.Sum(v => v.Tags.Count));
        Assert.DoesNotContain(dataset.Videos.Values, v => v.Tags.Contains("unknown"));

        Assert.Equal(new UserProfile("1") { Age = 24, Gender = "M", Occupation = "technician", PostalCode = "85711", Country = "US" }, dataset.Users["1"]);
        Assert.Equal("CA", dataset.Users["74"].Country);
        Assert.Equal(925, dataset.Users.Values.Count(u => u.Country == "US"));
        Assert.Equal(18, dataset.Users.Values.Count(u => u.Country == "CA"));

        // u.data starts "196 242 3 881250949" and "186 302 3 891717742": two neutral ratings, one watch each.
        // date -u -d @881250949 → 1997-12-04 15:55:49; date -u -d @891717742 → 1998-04-04 19:22:22.
        Assert.Equal(
            [
                new Interaction("196", "242", InteractionType.Watch, new DateTimeOffset(1997, 12, 4, 15, 55, 49, TimeSpan.Zero)),
                new Interaction("186", "302", InteractionType.Watch, new DateTimeOffset(1998, 4, 4, 19, 22, 22, TimeSpan.Zero)),
            ],
            dataset.Interactions.Take(2));
    }

    [Fact]
    public void Sha256_is_the_hash_of_the_files_read()
    {
        Assert.Equal("f673a994b3d960bf4f29c6abb4d72adb0bbb8a7386dc7432ee716335224802d3", Result.Value.Summary.Sha256);
    }
}
