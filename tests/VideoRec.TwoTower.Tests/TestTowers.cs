using VideoRec.TwoTower.Towers;

namespace VideoRec.TwoTower.Tests;

/// <summary>Seeded layouts, weights and inputs shared by the tests.</summary>
internal static class TestTowers
{
    public const int WatchedLength = 7;
    public const int LikedLength = 3;

    /// <summary>
    /// The user tower of the tests: 2 categoricals (user_id, country), 2 bags sharing the video_id table (watched,
    /// liked), 2 denses (activity, age); input width 8 + 3 + 6 + 6 + 4 + 1 = 28; output 8.
    /// </summary>
    public static TowerLayout UserLayout(params int[] hidden) => new()
    {
        Name = TowerLayout.UserTower,
        Tables =
        [
            new EmbeddingTable("user_id", 30, 8),
            new EmbeddingTable("country", 5, 3),
            new EmbeddingTable("video_id", 40, 6),
        ],
        Categoricals = [new CategoricalFeature("user_id", "user_id"), new CategoricalFeature("country", "country")],
        Bags = [new BagFeature("watched", "video_id"), new BagFeature("liked", "video_id")],
        Denses = [new DenseFeature("activity", 4), new DenseFeature("age", 1)],
        Hidden = hidden,
        OutputDimensions = 8,
    };

    /// <summary>Uniform tables in [-1, 1], Glorot-uniform layer weights, biases in [-0.1, 0.1].</summary>
    public static TowerWeights RandomWeights(TowerLayout layout, int seed)
    {
        var random = new Random(seed);
        var weights = new TowerWeights(layout);
        foreach (var table in layout.Tables)
        {
            weights.Tables[table.Name] = Uniform(random, table.Rows * table.Dimensions, 1f);
        }

        var inputWidth = layout.InputWidth;
        foreach (var outputWidth in layout.Hidden.Append(layout.OutputDimensions))
        {
            var limit = MathF.Sqrt(6f / (inputWidth + outputWidth));
            weights.Layers.Add(new LinearLayer(Uniform(random, outputWidth * inputWidth, limit), Uniform(random, outputWidth, 0.1f)));
            inputWidth = outputWidth;
        }

        weights.Validate();
        return weights;
    }

    /// <summary>
    /// Random inputs for <see cref="UserLayout"/>: ragged bags with padding anywhere in a row (duplicates allowed);
    /// example 0 has a non-empty watched row and an all-padding liked row, and every fifth example has both bags
    /// empty.
    /// </summary>
    public static TowerInputs RandomInputs(TowerLayout layout, int batch, int seed)
    {
        var random = new Random(seed);
        var inputs = new TowerInputs(batch);
        foreach (var categorical in layout.Categoricals)
        {
            var rows = layout.GetTable(categorical.Table).Rows;
            inputs.WithCategorical(categorical.Name, [.. Enumerable.Range(0, batch).Select(_ => (long)random.Next(rows))]);
        }

        foreach (var bag in layout.Bags)
        {
            var length = bag.Name == "liked" ? LikedLength : WatchedLength;
            var rows = layout.GetTable(bag.Table).Rows;
            var ids = new long[batch * length];
            Array.Fill(ids, TowerLayout.Padding);
            for (var b = 0; b < batch; b++)
            {
                var empty = (b % 5 == 0 && b > 0) || (b == 0 && bag.Name == "liked");
                var count = empty ? 0 : b == 0 ? 1 + random.Next(length) : random.Next(length + 1);
                var positions = Enumerable.Range(0, length).OrderBy(_ => random.Next()).Take(count);
                foreach (var position in positions)
                {
                    ids[(b * length) + position] = random.Next(rows);
                }
            }

            inputs.WithBag(bag.Name, ids, length);
        }

        foreach (var dense in layout.Denses)
        {
            inputs.WithDense(dense.Name, Uniform(random, batch * dense.Width, 2f));
        }

        return inputs;
    }

    public static float[] Uniform(Random random, int count, float limit)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1) * limit;
        }

        return values;
    }

    public static float MaxAbsDifference(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        var max = 0f;
        for (var i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs(a[i] - b[i]));
        }

        return max;
    }

    public static double RowNorm(float[] values, int row, int width)
    {
        var squares = 0.0;
        for (var o = 0; o < width; o++)
        {
            squares += (double)values[(row * width) + o] * values[(row * width) + o];
        }

        return Math.Sqrt(squares);
    }
}

/// <summary>A fresh folder under the system temp folder, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "vrec-twotower-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
