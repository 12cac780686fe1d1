using VideoRec.Core.Tests.Support;
using VideoRec.Import;

namespace VideoRec.Core.Tests.Import;

public sealed class ImportSmokeTests
{
    [Fact]
    public void Shipped_sample_imports_with_its_known_counts()
    {
        var result = DatasetLoader.Load(SharedData.MovieLensLatestSmall);

        Assert.Equal("movielens-latest", result.Summary.Layout);
        Assert.Equal(9742, result.Summary.Videos);
        Assert.Equal(610, result.Summary.Users);
        Assert.Equal(100_836, result.Summary.Files.Single(f => f.File == "ratings.csv").Records);
    }
}
