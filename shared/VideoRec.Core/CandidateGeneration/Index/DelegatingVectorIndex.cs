namespace VideoRec.Core.CandidateGeneration.Index;

/// <summary>
/// A vector index that forwards every member to another (the decorator base, as <c>DelegatingHandler</c> is for HTTP):
/// subclasses override only what they change, such as searches through a resilience pipeline or a lifetime they do
/// not own. It does not dispose the inner index; a subclass that owns it says so.
/// </summary>
/// <param name="inner">The index the calls go to.</param>
public abstract class DelegatingVectorIndex(IVideoVectorIndex inner) : IVideoVectorIndex
{
    /// <summary>The wrapped index.</summary>
    public IVideoVectorIndex Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <inheritdoc />
    public virtual string Engine => Inner.Engine;

    /// <inheritdoc />
    public virtual int Dimensions => Inner.Dimensions;

    /// <inheritdoc />
    public virtual VectorMetric Metric => Inner.Metric;

    /// <inheritdoc />
    public virtual ValueTask<long> CountAsync(CancellationToken cancellationToken = default) => Inner.CountAsync(cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask UpsertAsync(IReadOnlyList<IndexedVideo> videos, CancellationToken cancellationToken = default) => Inner.UpsertAsync(videos, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<int> DeleteAsync(IReadOnlyCollection<string> videoIds, CancellationToken cancellationToken = default) => Inner.DeleteAsync(videoIds, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<IReadOnlyList<VectorMatch>> SearchAsync(ReadOnlyMemory<float> query, int k, VectorSearchFilter? filter = null,
        CancellationToken cancellationToken = default) => Inner.SearchAsync(query, k, filter, cancellationToken);
}
