using VideoRec.Cli.Tests.Support;

namespace VideoRec.Cli.Tests;

/// <summary>Bad --quotas and --weights values of evaluate-candidates: one error line naming the option, exit code 2.</summary>
[Collection(CliCollection.Name)]
public sealed class EvaluateCandidatesOptionTests : IDisposable
{
    private static readonly string MovieLens100K = Path.GetFullPath(Path.Combine(Repository.Root, "..", "shared", "data", "ml-100k"));

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("--quotas", "wals=NaN", "--quotas: 'wals=NaN' must give a share in [0, 1].")]
    [InlineData("--quotas", "popular=-0.1", "--quotas: 'popular=-0.1' must give a share in [0, 1].")]
    [InlineData("--weights", "wals=-1", "--weights: 'wals=-1' must give a weight in [0, 1000].")]
    [InlineData("--weights", "wals=2,popular=1,wals=0.5", "--weights: 'wals' is given twice; give each source once.")]
    [InlineData("--weights", "fresh=Infinity", "--weights: 'fresh=Infinity' must give a weight in [0, 1000].")]
    [InlineData("--quotas", "wals=0.9,twotower=0.9",
        "--quotas: the shares of the enabled sources add up to 1.9 (twotower 0.9, wals 0.9, similar 0.03, popular 0.03, trending 0.02, fresh 0.02); they must not exceed 1.")]
    public async Task Bad_quotas_and_weights_name_the_option(string option, string value, string expected)
    {
        // The validator's messages ("Sources:wals:Quota must be in [0, 1] (found NaN).") named configuration keys,
        // not the option the user typed.
        var message = await Vrec.FailsWithBadInputAsync("evaluate-candidates", "--data", MovieLens100K, option, value);

        Assert.Equal(expected, message);
    }

    [Fact]
    public async Task Without_the_two_tower_source_its_quota_does_not_count_towards_the_limit()
    {
        // The quota sum was checked before --no-two-tower removed the source: wals=0.85 was refused as adding up to
        // 1.05, although the sources that run reserve 0.95.
        var jsonPath = _temp["candidates.json"];

        await Vrec.SucceedsAsync("evaluate-candidates", "--data", MovieLens100K, "--no-two-tower", "--counts", "50", "--quotas", "wals=0.85", "--json", jsonPath);

        var json = Vrec.ReadJson(jsonPath);
        Assert.Equal(["wals", "similar", "popular", "trending", "fresh", "merged"], json["recall"]!.AsObject().Select(r => r.Key).ToArray());
    }

    [Fact]
    public async Task A_two_tower_quota_with_no_two_tower_is_refused_not_ignored()
    {
        var message = await Vrec.FailsWithBadInputAsync("evaluate-candidates", "--data", MovieLens100K, "--no-two-tower", "--quotas", "twotower=0.5");

        Assert.Equal("--quotas: 'twotower=0.5' names a source that does not run; the sources are wals, similar, popular, trending, fresh.", message);
    }
}
