using VideoRec.Core.Online;

namespace VideoRec.Core.Tests.Online;

public sealed class RelativeDifferenceTests
{
    [Fact]
    public void Risk_ratio_interval_by_the_log_method_matches_hand_computation()
    {
        // 120/1000 against 100/1000: ratio 1.2; se = √(0.88/120 + 0.9/100) = √0.0163333 = 0.127802.
        var (value, low, high) = RelativeDifference.OfProportions(120, 1000, 100, 1000)!.Value;

        Assert.Equal(0.2, value, 12);
        Assert.Equal(1.2 * Math.Exp(-1.959963984540054 * 0.12780193), low + 1, 6);
        Assert.Equal(1.2 * Math.Exp(1.959963984540054 * 0.12780193), high + 1, 6);
        Assert.InRange(low, -0.07, -0.06);
        Assert.InRange(high, 0.54, 0.55);
    }

    [Fact]
    public void Undefined_ratios_give_null()
    {
        Assert.Null(RelativeDifference.OfProportions(5, 100, 0, 100));
        Assert.Null(RelativeDifference.OfProportions(0, 100, 5, 100));
        Assert.Null(RelativeDifference.OfMeans(10, 1, 0, 1));
    }

    [Fact]
    public void Ratio_of_means_by_the_delta_method()
    {
        // 300 ± 30 against 200 ± 10: ratio 1.5, se = 1.5 · √(0.01 + 0.0025) = 0.167705.
        var (value, low, high) = RelativeDifference.OfMeans(300, 30, 200, 10)!.Value;

        Assert.Equal(0.5, value, 12);
        Assert.Equal(0.5 - 1.959963984540054 * 0.16770510, low, 6);
        Assert.Equal(0.5 + 1.959963984540054 * 0.16770510, high, 6);
    }
}
