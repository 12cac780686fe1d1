using VideoRec.Core.Models.TwoTower;

namespace VideoRec.Core.Tests.Models.TwoTower;

public sealed class NegativeSamplerTests
{
    [Fact]
    public void Popularity_sampling_follows_count_to_the_power_three_quarters_and_never_draws_unseen_videos()
    {
        // Counts 1, 16, 0, 81: weights 1, 8, 0, 27 → probabilities 1/36, 8/36, 0, 27/36.
        var sampler = new NegativeSampler([1, 16, 0, 81], NegativeSampling.Popularity);
        var random = new Random(42);
        var drawn = new int[4];
        for (var i = 0; i < 360_000; i++)
        {
            drawn[sampler.Next(random)]++;
        }

        Assert.Equal([1f / 36, 8f / 36, 0f, 27f / 36], sampler.Probabilities, (a, b) => Math.Abs(a - b) < 1e-6);
        Assert.Equal(0, drawn[2]);
        Assert.InRange(drawn[0], 9_400, 10_600);
        Assert.InRange(drawn[1], 78_800, 81_200);
        Assert.InRange(drawn[3], 268_500, 271_500);
    }

    [Fact]
    public void Uniform_sampling_is_flat_over_videos_with_any_positive()
    {
        var sampler = new NegativeSampler([5, 0, 1, 100], NegativeSampling.Uniform);
        var random = new Random(7);
        var drawn = new int[4];
        for (var i = 0; i < 300_000; i++)
        {
            drawn[sampler.Next(random)]++;
        }

        Assert.Equal(0, drawn[1]);
        Assert.All(new[] { drawn[0], drawn[2], drawn[3] }, d => Assert.InRange(d, 98_500, 101_500));
    }

    [Fact]
    public void A_catalogue_without_positives_cannot_be_sampled()
    {
        var error = Assert.Throws<ArgumentException>(() => new NegativeSampler([0, 0], NegativeSampling.Popularity));
        Assert.Contains("No video has a positive count", error.Message, StringComparison.Ordinal);
    }
}
