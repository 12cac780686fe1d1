using VideoRec.Core.Scoring;
using VideoRec.Training.Scoring;

namespace VideoRec.Training.Tests.Scoring;

/// <summary>
/// Synthetic ranker rows with a planted cross feature: every column is N(0, 1) noise except that the label is 1 exactly
/// when wals_score × tag_affinity &gt; 0 (flipped for 5% of rows), an interaction no single column predicts (each alone
/// has AUC 0.5). Groups of 50 rows.
/// </summary>
internal static class PlantedRows
{
    public static readonly ScoringFeatures Layout = new(new ScoringFeatureSettings { TwoTowerDimensions = 0 });

    public static RankerData Make(int rows, int seed)
    {
        var random = new Random(seed);
        var f = Layout.Count;
        var wals = Layout.Offset("wals_score");
        var affinity = Layout.Offset("tag_affinity");
        var values = new float[rows * f];
        var labels = new float[rows];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < f; c++)
            {
                values[r * f + c] = (float)Gaussian(random);
            }

            var positive = values[r * f + wals] * values[r * f + affinity] > 0;
            labels[r] = positive ^ (random.NextDouble() < 0.05) ? 1 : 0;
        }

        var starts = Enumerable.Range(0, rows / 50 + 1).Select(g => Math.Min(rows, g * 50)).Distinct().ToArray();
        if (starts[^1] != rows)
        {
            starts = [.. starts, rows];
        }

        return new RankerData(values, f, labels, [.. labels], [.. Enumerable.Repeat(1f, rows)], starts);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
