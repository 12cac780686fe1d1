using VideoRec.Azure.Cosmos;
using VideoRec.Azure.Tests.Support;
using VideoRec.Contracts;
using VideoRec.Core.Ingestion;

namespace VideoRec.Azure.Tests.Cosmos;

/// <summary>
/// The feature store contract on <see cref="CosmosFeatureStore"/> over the in-memory stand-in for Cosmos DB: the
/// store's own logic (batches, duplicates, conflicts, deletion, vectors) against every fact the SQLite store meets.
/// </summary>
public sealed class CosmosFeatureStoreInMemoryContractTests : FeatureStoreContract
{
    protected override IFeatureStore CreateStore() => new CosmosFeatureStore(new InMemoryCosmosGateway(), null);
}

#if VIDEOREC_LIVE_COSMOS
/// <summary>
/// The feature store contract against a live Cosmos DB account. Compiled only when <c>VIDEOREC_COSMOS_CONNECTION</c> is
/// set at build time (the project defines <c>VIDEOREC_LIVE_COSMOS</c> then): the contract's facts are plain [Fact]s,
/// which xunit 2 cannot skip at run time. Each test gets a database of its own, dropped when the class is disposed.
/// </summary>
public sealed class CosmosFeatureStoreContractTests : FeatureStoreContract, IAsyncLifetime
{
    private readonly List<Func<Task>> _drops = [];

    protected override IFeatureStore CreateStore()
    {
        var (store, drop) = LiveCosmos.CreateStoreAsync("vrec-contract").GetAwaiter().GetResult();
        _drops.Add(drop);
        return store;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var drop in _drops)
        {
            await drop();
        }
    }
}
#endif
