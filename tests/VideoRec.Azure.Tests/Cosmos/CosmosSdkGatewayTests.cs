using System.Net;
using System.Net.Sockets;
using Microsoft.Azure.Cosmos;
using VideoRec.Azure.Cosmos;
using VideoRec.Core.Ingestion;

namespace VideoRec.Azure.Tests.Cosmos;

/// <summary>The thin SDK layer where no account is needed: failures to reach the service become StoreUnavailableException.</summary>
public sealed class CosmosSdkGatewayTests
{
    [Fact]
    public async Task UnreachableAccount_AfterRetries_IsStoreUnavailable()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var key = Convert.ToBase64String(new byte[64]);
        using var client = new CosmosClient($"AccountEndpoint=https://127.0.0.1:{port}/;AccountKey={key};", new CosmosClientOptions
        {
            ConnectionMode = ConnectionMode.Gateway,
            RequestTimeout = TimeSpan.FromSeconds(5),
            UseSystemTextJsonSerializerWithOptions = CosmosDocuments.Json,
        });
        var store = new CosmosFeatureStore(client, new CosmosFeatureStoreOptions { MaxRetryAttempts = 1, RetryDelay = TimeSpan.FromMilliseconds(10) });

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.GetUserAggregatesAsync("u1", CancellationToken.None));

        Assert.StartsWith("Cosmos DB (videorec, read userState) is unavailable: ", error.Message, StringComparison.Ordinal);
    }
}
