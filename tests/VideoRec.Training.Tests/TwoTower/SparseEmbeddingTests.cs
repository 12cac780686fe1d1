using VideoRec.Core.Features;
using VideoRec.Core.Feedback;
using VideoRec.Training.TwoTower;
using VideoRec.TwoTower.Features;
using VideoRec.TwoTower.Towers;
using static TorchSharp.torch;

namespace VideoRec.Training.Tests.TwoTower;

/// <summary><see cref="TwoTowerOptions.SparseEmbeddings"/>: sparse tables updated by <see cref="SparseAdam"/>, Adam for the rest.</summary>
public sealed class SparseEmbeddingTests
{
    [Fact]
    public void Sparse_adam_moves_only_the_looked_up_rows_by_one_learning_rate_on_its_first_step()
    {
        TorchRuntime.Initialize();
        using var table = nn.Embedding(6, 3, sparse: true);
        using (no_grad())
        {
            table.weight!.zero_();
        }

        using var optimizer = new SparseAdam([table.weight!], learningRate: 0.1);
        using var ids = tensor(new long[] { 1, 4, 4 }); // row 4 twice: the uncoalesced gradient's duplicates are summed
        using var loss = table.forward(ids).sum();
        loss.backward();
        Assert.True(table.weight!.grad!.is_sparse);

        optimizer.Step();
        optimizer.ZeroGrad();

        // First Adam step: m̂ = g, v̂ = g², so each touched value moves by lr · g / |g| = 0.1 against the gradient.
        var rows = table.weight!.detach().data<float>().ToArray().Chunk(3).Select(r => r.Select(x => Math.Round(x, 5)).ToArray()).ToArray();
        Assert.Equal([0.0, 0, 0], rows[0]);
        Assert.Equal([-0.1, -0.1, -0.1], rows[1]);
        Assert.Equal([0.0, 0, 0], rows[2]);
        Assert.Equal([-0.1, -0.1, -0.1], rows[4]);
        Assert.Null(table.weight!.grad);
    }

    [Fact]
    public void Sparse_adam_refuses_a_dense_gradient()
    {
        TorchRuntime.Initialize();
        using var table = nn.Embedding(4, 2);
        using var optimizer = new SparseAdam([table.weight!], learningRate: 0.1);
        using var loss = table.forward(tensor(new long[] { 1 })).sum();
        loss.backward();

        var error = Assert.Throws<InvalidOperationException>(optimizer.Step);

        Assert.Contains("sparse: true", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sparse_embedding_training_reduces_the_loss_and_is_reproducible()
    {
        var world = SyntheticTwoTowerData.Generate(users: 400, videos: 150, interactionsPerUser: 15, seed: 7, textDimensions: 8, topics: 6);
        var options = new TwoTowerOptions { Epochs = 4, Patience = 0, BatchSize = 128, SparseEmbeddings = true };

        var first = Train(world, options);
        var second = Train(world, options);
        var dense = Train(world, options with { SparseEmbeddings = false });

        var losses = first.History.Select(e => e.Loss).ToArray();
        Assert.True(losses[^1] < losses[0] - 0.1, $"sparse losses {string.Join(", ", losses.Select(l => l.ToString("F4")))}");
        Assert.Equal(losses, second.History.Select(e => e.Loss));
        AssertSameWeights(first.User, second.User);
        AssertSameWeights(first.Video, second.Video);

        // The option changes training (lazy moments for the tables), and both learn about as well.
        Assert.NotEqual(losses, dense.History.Select(e => e.Loss));
        Assert.True(dense.History[^1].Loss < dense.History[0].Loss - 0.1);
    }

    [Fact]
    public void Max_batches_per_epoch_cuts_each_epoch_short()
    {
        var world = SyntheticTwoTowerData.Generate(users: 200, videos: 80, interactionsPerUser: 10, seed: 3, textDimensions: 4, topics: 4);
        var steps = new List<TwoTowerStep>();

        var result = Train(world, new TwoTowerOptions { Epochs = 2, Patience = 0, BatchSize = 64, MaxBatchesPerEpoch = 3 }, steps);

        Assert.Equal(2, result.History.Count);
        Assert.Equal([1, 2, 3, 1, 2, 3], steps.Select(s => s.Batch));
        Assert.All(steps, s => Assert.Equal(3, s.Batches));
        Assert.Throws<ArgumentException>(() => new TwoTowerOptions { MaxBatchesPerEpoch = 0 }.Validate());
    }

    private static TwoTowerTrainingResult Train(SyntheticTwoTowerData world, TwoTowerOptions options, List<TwoTowerStep>? steps = null)
    {
        var table = world.Pairs.Table;
        var spec = FeatureSpecBuilder.Build(world.Dataset, table, [.. table.Pairs], "synthetic", world.TextDimensions);
        return TwoTowerTrainer.Fit(new TwoTowerEncoder(spec), world.Dataset, table, table.Pairs, world.TitleEmbeddings, RelevancePolicy.Default,
            world.Pairs.DurationSeconds, options, steps: steps is null ? null : new Inline<TwoTowerStep>(steps.Add));
    }

    private static void AssertSameWeights(TowerWeights expected, TowerWeights actual)
    {
        Assert.Equal(expected.Tables.Keys.Order(), actual.Tables.Keys.Order());
        foreach (var (name, values) in expected.Tables)
        {
            Assert.True(values.AsSpan().SequenceEqual(actual.Tables[name]), $"table {name} differs");
        }

        Assert.Equal(expected.Layers.Count, actual.Layers.Count);
        for (var i = 0; i < expected.Layers.Count; i++)
        {
            Assert.True(expected.Layers[i].Weight.AsSpan().SequenceEqual(actual.Layers[i].Weight), $"layer {i} differs");
            Assert.True(expected.Layers[i].Bias.AsSpan().SequenceEqual(actual.Layers[i].Bias), $"layer {i} bias differs");
        }
    }

    private sealed class Inline<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
