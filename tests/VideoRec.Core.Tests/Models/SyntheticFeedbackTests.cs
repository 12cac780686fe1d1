using VideoRec.Core.Synthetic;

namespace VideoRec.Core.Tests.Models;

public sealed class SyntheticFeedbackTests
{
    [Fact]
    public void Generates_about_the_requested_pairs_deterministically_with_a_popularity_skew()
    {
        var a = SyntheticFeedback.Generate(2000, 500, 50_000, seed: 3);
        var b = SyntheticFeedback.Generate(2000, 500, 50_000, seed: 3);

        Assert.Equal(50_000, a.NonZeros);
        Assert.Equal(a.ColumnIndices, b.ColumnIndices);
        Assert.Equal(a.Strength, b.Strength);

        var counts = new int[500];
        foreach (var c in a.ColumnIndices)
        {
            counts[c]++;
        }

        Array.Sort(counts);
        Array.Reverse(counts);
        // Power law: the top 10% of videos hold far more than 10% of the pairs.
        Assert.True(counts.Take(50).Sum() > 0.3 * a.NonZeros);
        for (var r = 0; r < a.Rows; r++)
        {
            var row = a.RowColumns(r);
            for (var i = 1; i < row.Length; i++)
            {
                Assert.True(row[i - 1] < row[i]);
            }
        }
    }
}
