using VideoRec.Azure.Cosmos;
using VideoRec.Azure.Tests.Support;
using VideoRec.Contracts;
using VideoRec.Core.Embeddings;

namespace VideoRec.Azure.Tests.Cosmos;

/// <summary>
/// The embedding store contract on <see cref="CosmosEmbeddingStore"/> over the in-memory stand-in for Cosmos DB, with
/// a small read page so the ordered read crosses pages.
/// </summary>
public sealed class CosmosEmbeddingStoreInMemoryContractTests : EmbeddingStoreContract
{
    protected override IEmbeddingStore CreateStore()
    {
        var options = new CosmosFeatureStoreOptions { EmbeddingReadPageSize = 2 };
        return new CosmosEmbeddingStore(new InMemoryCosmosGateway(options), options);
    }
}

#if VIDEOREC_LIVE_COSMOS
/// <summary>
/// The embedding store contract against a live Cosmos DB account. Compiled only when <c>VIDEOREC_COSMOS_CONNECTION</c>
/// is set at build time (the project defines <c>VIDEOREC_LIVE_COSMOS</c> then): the contract's facts are plain
/// [Fact]s, which xunit 2 cannot skip at run time. Each test gets a database of its own, dropped when the class is
/// disposed.
/// </summary>
public sealed class CosmosEmbeddingStoreContractTests : EmbeddingStoreContract, IAsyncLifetime
{
    private readonly List<Func<Task>> _drops = [];

    protected override IEmbeddingStore CreateStore()
    {
        var (store, drop) = LiveCosmosEmbeddings.CreateStoreAsync("vrec-emb-contract", readPageSize: 2).GetAwaiter().GetResult();
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
