using VideoRec.Core.Online;

namespace VideoRec.Core.Tests.Online;

public sealed class WilsonIntervalTests
{
    [Theory]
    // Hand-computed: p̂ = 0.1, z² = 3.8415: centre 0.114800, half-width 0.059568.
    [InlineData(10, 100, 0.05523, 0.17437)]
    // No successes: the lower end is 0 and the upper is z²/(n + z²) = 3.8415 / 13.8415.
    [InlineData(0, 10, 0.0, 0.27753)]
    [InlineData(10, 10, 0.72247, 1.0)]
    // Symmetric: centre 0.5, half-width 1.959964 / 1.0038415 · √(0.00025 + 3.8415 / 4e6) = 0.030930.
    [InlineData(500, 1000, 0.46907, 0.53093)]
    public void Matches_hand_computed_intervals(long k, long n, double low, double high)
    {
        var (l, h) = WilsonInterval.Compute(k, n);

        Assert.Equal(low, l, 5);
        Assert.Equal(high, h, 5);
    }

    [Fact]
    public void No_trials_give_an_empty_interval_and_bad_counts_throw()
    {
        Assert.Equal((0.0, 0.0), WilsonInterval.Compute(0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => WilsonInterval.Compute(3, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => WilsonInterval.Compute(-1, 2));
    }
}
