using VideoRec.Azure.Cosmos;

namespace VideoRec.Azure.Tests.Cosmos;

/// <summary>
/// A live Cosmos DB account for the tests that need one: the connection string in <c>VIDEOREC_COSMOS_CONNECTION</c>
/// (an account key connection string). Without it those tests are skipped (there is no emulator here).
/// </summary>
public static class LiveCosmos
{
    public const string Variable = "VIDEOREC_COSMOS_CONNECTION";

    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    /// <summary>A store in a database of its own (named with <paramref name="prefix"/> and a fresh id), created with its containers.</summary>
    public static async Task<(CosmosFeatureStore Store, Func<Task> Drop)> CreateStoreAsync(string prefix)
    {
        var connection = ConnectionString ?? throw new InvalidOperationException($"Set {Variable} to run the live Cosmos DB tests.");
        var client = CosmosFeatureStore.CreateClient(connection);
        var options = new CosmosFeatureStoreOptions { DatabaseName = $"{prefix}-{Guid.NewGuid():N}", RetryDelay = TimeSpan.FromMilliseconds(100) };
        var store = new CosmosFeatureStore(client, options);
        await store.EnsureCreatedAsync(CancellationToken.None);
        return (store, async () =>
        {
            await client.GetDatabase(options.DatabaseName).DeleteAsync();
            client.Dispose();
        });
    }
}

/// <summary>The embedding store on a live account (see <see cref="LiveCosmos"/>).</summary>
public static class LiveCosmosEmbeddings
{
    /// <summary>An embedding store in a database of its own (named with <paramref name="prefix"/> and a fresh id), created with its containers.</summary>
    public static async Task<(CosmosEmbeddingStore Store, Func<Task> Drop)> CreateStoreAsync(string prefix, int readPageSize = 1000)
    {
        var connection = LiveCosmos.ConnectionString ?? throw new InvalidOperationException($"Set {LiveCosmos.Variable} to run the live Cosmos DB tests.");
        var client = CosmosFeatureStore.CreateClient(connection);
        var options = new CosmosFeatureStoreOptions { DatabaseName = $"{prefix}-{Guid.NewGuid():N}", RetryDelay = TimeSpan.FromMilliseconds(100), EmbeddingReadPageSize = readPageSize };
        var store = new CosmosEmbeddingStore(client, options);
        await store.EnsureCreatedAsync(CancellationToken.None);
        return (store, async () =>
        {
            await client.GetDatabase(options.DatabaseName).DeleteAsync();
            client.Dispose();
        });
    }
}

/// <summary>A fact that runs only when <c>VIDEOREC_COSMOS_CONNECTION</c> names a live account, and is skipped otherwise.</summary>
public sealed class LiveCosmosFactAttribute : FactAttribute
{
    public LiveCosmosFactAttribute()
    {
        if (LiveCosmos.ConnectionString is null)
        {
            Skip = $"No live Cosmos DB account: set {LiveCosmos.Variable} to an account connection string to run this test.";
        }
    }
}
