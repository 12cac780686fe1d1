using VideoRec.TwoTower.Onnx;
using VideoRec.TwoTower.Towers;

namespace VideoRec.TwoTower.Tests;

/// <summary>Both the ONNX tower and the reference reject bad inputs the same way, naming the input.</summary>
public sealed class InputErrorTests : IDisposable
{
    private readonly TowerLayout _layout = TestTowers.UserLayout(16);
    private readonly TowerReference _reference;
    private readonly OnnxTower _tower;

    public InputErrorTests()
    {
        var weights = TestTowers.RandomWeights(_layout, 101);
        _reference = new TowerReference(weights);
        _tower = OnnxTower.Load(TowerOnnxExporter.ExportToBytes(weights));
    }

    public void Dispose() => _tower.Dispose();

    private TowerInputs Inputs(int batch = 3) => TestTowers.RandomInputs(_layout, batch, 102);

    private void AssertBoth<TException>(TowerInputs inputs, string name)
        where TException : ArgumentException
    {
        var fromOnnx = Assert.Throws<TException>(() => _tower.Embed(inputs));
        Assert.Equal(name, fromOnnx.ParamName);
        Assert.Contains($"'{name}'", fromOnnx.Message, StringComparison.Ordinal);
        var fromReference = Assert.Throws<TException>(() => _reference.Forward(inputs));
        Assert.Equal(name, fromReference.ParamName);
    }

    [Theory]
    [InlineData("user_id")]
    [InlineData("liked")]
    [InlineData("age")]
    public void MissingInputIsNamed(string name)
    {
        var inputs = Inputs();
        inputs.Categoricals.Remove(name);
        inputs.Bags.Remove(name);
        inputs.Denses.Remove(name);
        AssertBoth<ArgumentException>(inputs, name);
    }

    [Fact]
    public void BagGivenAsCategoricalIsMissingAsBag()
    {
        var inputs = Inputs();
        inputs.Bags.Remove("watched");
        inputs.WithCategorical("watched", [1, 2, 3]);
        AssertBoth<ArgumentException>(inputs, "watched");
    }

    [Fact]
    public void UnknownInputIsNamed()
    {
        AssertBoth<ArgumentException>(Inputs().WithDense("mood", [1f, 2f, 3f]), "mood");
    }

    [Fact]
    public void WrongLengthsAreNamed()
    {
        AssertBoth<ArgumentException>(Inputs().WithCategorical("country", [1, 2]), "country");
        AssertBoth<ArgumentException>(Inputs().WithDense("activity", new float[11]), "activity");
        AssertBoth<ArgumentException>(Inputs().WithBag("watched", new long[10], 3), "watched");
    }

    [Fact]
    public void CategoricalIndexPastTheTableIsOutOfRange()
    {
        AssertBoth<ArgumentOutOfRangeException>(Inputs().WithCategorical("country", [0, 5, 1]), "country"); // 5 rows
    }

    [Fact]
    public void NegativeCategoricalIndexIsOutOfRange()
    {
        // -1 is padding in bags only; ONNX Gather would read the last row.
        AssertBoth<ArgumentOutOfRangeException>(Inputs().WithCategorical("user_id", [0, -1, 1]), "user_id");
    }

    [Fact]
    public void BagIndexOtherThanPaddingOutsideTheTableIsOutOfRange()
    {
        AssertBoth<ArgumentOutOfRangeException>(Inputs().WithBag("liked", [[1, -2], [], [3]]), "liked");
        AssertBoth<ArgumentOutOfRangeException>(Inputs().WithBag("watched", [[40], [], [0]]), "watched"); // 40 rows
    }

    [Fact]
    public void BatchOneIntoAReusedBufferMatchesTheAllocatingPath()
    {
        var buffer = new float[_tower.OutputDimensions + 3];
        for (var seed = 0; seed < 5; seed++)
        {
            var inputs = TestTowers.RandomInputs(_layout, 1, 200 + seed);
            _tower.Embed(inputs, buffer);
            Assert.Equal(_tower.Embed(inputs), buffer[.._tower.OutputDimensions]);
        }

        var tooShort = Assert.Throws<ArgumentException>(() => _tower.Embed(Inputs(2), buffer));
        Assert.Equal("destination", tooShort.ParamName);
    }

    [Fact]
    public void ConcurrentCallsGiveTheSequentialResults()
    {
        var batches = Enumerable.Range(0, 8).Select(i => TestTowers.RandomInputs(_layout, 1 + (i * 7 % 20), 300 + i)).ToArray();
        var sequential = batches.Select(_tower.Embed).ToArray();
        var results = new float[batches.Length * 10][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => results[i] = _tower.Embed(batches[i % batches.Length]));
        for (var i = 0; i < results.Length; i++)
        {
            Assert.Equal(sequential[i % batches.Length], results[i]);
        }
    }

    [Fact]
    public void DisposedTowerThrows()
    {
        var weights = TestTowers.RandomWeights(_layout, 103);
        var tower = OnnxTower.Load(TowerOnnxExporter.ExportToBytes(weights));
        tower.Dispose();
        tower.Dispose();
        Assert.Throws<ObjectDisposedException>(() => tower.Embed(Inputs()));
    }
}
