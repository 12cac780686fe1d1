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

    // One build thread: parallel inserts make the graph (and so an approximate answer) differ from run to run.
    protected override IVideoVectorIndex Create(int dimensions) => Track(new USearchVectorIndex(dimensions, Metric, new UsearchIndexOptions { Threads = 1 }));

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
