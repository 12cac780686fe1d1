using VideoRec.Core.Scoring;

namespace VideoRec.Core.Tests.Scoring;

public sealed class NormalizationStatsTests
{
    [Fact]
    public void Stats_are_the_column_mean_and_population_std_and_a_constant_column_keeps_std_one()
    {
        float[] rows = [1, 5, 0, 3, 5, 1, 5, 5, 2]; // 3 rows × 3 columns

        var stats = NormalizationStats.Compute(rows, 3);

        Assert.Equal([3f, 5f, 1f], stats.Mean);
        Assert.Equal(MathF.Sqrt(8f / 3), stats.Std[0], 6);
        Assert.Equal(1f, stats.Std[1]);
        Assert.Equal(MathF.Sqrt(2f / 3), stats.Std[2], 6);
        stats.Apply(rows);
        Assert.Equal(0f, rows[0] + rows[3] + rows[6], 5);
        Assert.Equal([0f, 0f, 0f], [rows[1], rows[4], rows[7]]);
    }

    [Fact]
    public void Stats_round_trip_through_json_bit_for_bit()
    {
        var random = new Random(5);
        var rows = Enumerable.Range(0, 400).Select(_ => (float)(random.NextDouble() * 1000 - 3)).ToArray();
        var stats = NormalizationStats.Compute(rows, 8);

        var copy = NormalizationStats.FromJson(stats.ToJson());

        Assert.Equal(stats.Mean, copy.Mean);
        Assert.Equal(stats.Std, copy.Std);
    }

    [Fact]
    public void Bad_input_is_refused_with_a_clear_message()
    {
        Assert.Contains("finite", Assert.Throws<ArgumentException>(() => NormalizationStats.Compute([1, float.NaN], 2)).Message);
        Assert.Throws<ArgumentException>(() => NormalizationStats.Compute([1, 2, 3], 2));
        Assert.Throws<ArgumentException>(() => new NormalizationStats([0], [0]));
        Assert.Throws<InvalidDataException>(() => NormalizationStats.FromJson("{\"mean\":[1]}"));
        Assert.Throws<InvalidDataException>(() => NormalizationStats.FromJson("not json"));
    }
}
