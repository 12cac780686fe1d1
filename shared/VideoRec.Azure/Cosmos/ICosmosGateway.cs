using Microsoft.Azure.Cosmos;

namespace VideoRec.Azure.Cosmos;

/// <summary>A document as read, with its etag.</summary>
internal sealed record Stored<T>(T Document, string ETag);

/// <summary>How a transactional batch ended: success, or the first failing operation and its status.</summary>
/// <param name="FailedIndex">The failing operation; −1 on success.</param>
/// <param name="FailedStatus">Its HTTP status (409 conflict, 412 precondition failed, 404 not found…); 0 on success.</param>
internal sealed record CosmosBatchResult(int FailedIndex, int FailedStatus)
{
    /// <summary>A batch that committed.</summary>
    public static readonly CosmosBatchResult Success = new(-1, 0);

    /// <summary>Whether the batch committed.</summary>
    public bool Succeeded => FailedIndex < 0;
}

/// <summary>
/// The few calls the Cosmos DB feature store makes, each in one partition but the search for users waiting for a vector
/// refresh (<see cref="QueryAcrossPartitionsAsync"/>). The SDK implementation keeps them thin
/// (documents go in and out as JSON written by <see cref="CosmosDocuments"/>), and tests substitute an in-memory one.
/// Implementations retry transient failures and then throw <c>StoreUnavailableException</c>.
/// </summary>
internal interface ICosmosGateway
{
    /// <summary>Creates the database and containers when missing.</summary>
    Task EnsureCreatedAsync(IReadOnlyList<ContainerProperties> containers, CancellationToken cancellationToken);

    /// <summary>A document by id, or <c>null</c> when there is none.</summary>
    Task<Stored<T>?> ReadAsync<T>(string container, string partitionKey, string id, CancellationToken cancellationToken);

    /// <summary>All results of <paramref name="query"/> in one partition.</summary>
    Task<IReadOnlyList<T>> QueryAsync<T>(string container, string partitionKey, CosmosQuery query, CancellationToken cancellationToken);

    /// <summary>All results of <paramref name="query"/> over every partition of the container (with its <c>TOP</c> and <c>ORDER BY</c> applied across them).</summary>
    Task<IReadOnlyList<T>> QueryAcrossPartitionsAsync<T>(string container, CosmosQuery query, CancellationToken cancellationToken);

    /// <summary>The documents that exist among (id, partition key) pairs.</summary>
    Task<IReadOnlyList<T>> ReadManyAsync<T>(string container, IReadOnlyList<(string Id, string PartitionKey)> items, CancellationToken cancellationToken);

    /// <summary>Runs a transactional batch; a rejected operation (409, 412, 404…) is a result, not an exception.</summary>
    Task<CosmosBatchResult> ExecuteAsync(CosmosBatch batch, CancellationToken cancellationToken);

    /// <summary>Creates or replaces a document; <c>true</c> when it was created.</summary>
    Task<bool> UpsertAsync(string container, string partitionKey, object document, CancellationToken cancellationToken);

    /// <summary>Deletes a document; <c>false</c> when there was none.</summary>
    Task<bool> DeleteAsync(string container, string partitionKey, string id, CancellationToken cancellationToken);
}
