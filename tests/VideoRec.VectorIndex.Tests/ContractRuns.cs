using VideoRec.Contracts;
using VideoRec.Core.CandidateGeneration.Index;
using VideoRec.Local.VectorIndex;

namespace VideoRec.VectorIndex.Tests;

public sealed class ExactInnerProductContractTests : VectorIndexContract
{
    protected override VectorMetric Metric => VectorMetric.InnerProduct;

    protected override IVideoVectorIndex Create(int dimensions) => new ExactVectorIndex(dimensions, Metric);
}

public sealed class ExactCosineContractTests : VectorIndexContract
{
    protected override VectorMetric Metric => VectorMetric.Cosine;

    protected override IVideoVectorIndex Create(int dimensions) => new ExactVectorIndex(dimensions, Metric);
}

/// <summary>The contract against USearch; <see cref="Reopen"/> saves and reopens memory-mapped.</summary>
public abstract class USearchContractTests : VectorIndexContract, IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly List<IDisposable> _indexes = [];

    protected override IVideoVectorIndex Create(int dimensions) => Track(new USearchVectorIndex(dimensions, Metric, new UsearchIndexOptions { Threads = 2 }));

    protected override IVideoVectorIndex Reopen(IVideoVectorIndex index)
    {
        var directory = _folder.Sub(Guid.NewGuid().ToString("N"));
        ((USearchVectorIndex)index).Save(directory);
        return Track(USearchVectorIndex.Open(directory, IndexOpenMode.MemoryMapped));
    }

    public void Dispose()
    {
        _indexes.ForEach(i => i.Dispose());
        _folder.Dispose();
    }

    private USearchVectorIndex Track(USearchVectorIndex index)
    {
        _indexes.Add(index);
        return index;
    }
}

public sealed class USearchInnerProductContractTests : USearchContractTests
{
    protected override VectorMetric Metric => VectorMetric.InnerProduct;
}

public sealed class USearchCosineContractTests : USearchContractTests
{
    protected override VectorMetric Metric => VectorMetric.Cosine;
}

/// <summary>The contract against the maximum-inner-product transformation over the exact index (norm bound 100).</summary>
public sealed class MipsOverExactContractTests : VectorIndexContract
{
    protected override VectorMetric Metric => VectorMetric.InnerProduct;

    protected override IVideoVectorIndex Create(int dimensions) => new MipsVectorIndex(new ExactVectorIndex(dimensions + 1, VectorMetric.InnerProduct), 100);
}

/// <summary>The contract against the maximum-inner-product transformation over USearch (norm bound 100).</summary>
public sealed class MipsOverUSearchContractTests : VectorIndexContract, IDisposable
{
    private readonly List<IDisposable> _indexes = [];

    protected override VectorMetric Metric => VectorMetric.InnerProduct;

    protected override IVideoVectorIndex Create(int dimensions)
    {
        var index = new MipsVectorIndex(new USearchVectorIndex(dimensions + 1, VectorMetric.InnerProduct, new UsearchIndexOptions { Threads = 2 }), 100);
        _indexes.Add(index);
        return index;
    }

    public void Dispose() => _indexes.ForEach(i => i.Dispose());
}

public sealed class MipsVectorIndexTests
{
    [Fact]
    public async Task Scores_stay_the_dot_products_and_vectors_above_the_bound_are_refused()
    {
        using var index = new MipsVectorIndex(new ExactVectorIndex(3, VectorMetric.InnerProduct), 5);
        await index.UpsertAsync([new IndexedVideo("a", new float[] { 3, 4 }, VideoIndexAttributes.Unrestricted), new IndexedVideo("b", new float[] { 1, 0 }, VideoIndexAttributes.Unrestricted)]);

        var matches = await index.SearchAsync(new float[] { 1, 1 }, 2);

        // q·a = 3 + 4 = 7, q·b = 1; the stored third coordinates (0 and √24) meet the query's 0.
        Assert.Equal([("a", 7f), ("b", 1f)], matches.Select(m => (m.VideoId, m.Score)));
        Assert.Equal((2, "exact+mips", 5f), (index.Dimensions, index.Engine, index.MaxNorm));
        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await index.UpsertAsync([new IndexedVideo("c", new float[] { 6, 0 }, VideoIndexAttributes.Unrestricted)]));
        Assert.Contains("norm 6, above the index's bound 5", error.Message, StringComparison.Ordinal);
        Assert.Equal(5.005f, MipsVectorIndex.NormBound(new float[] { 3, 4, 1, 0 }, 2), 4);
        Assert.Throws<ArgumentException>(() => new MipsVectorIndex(new ExactVectorIndex(3, VectorMetric.Cosine), 5));
    }
}
