using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Polly;

namespace VideoRec.Azure.Cosmos;

/// <summary>
/// <see cref="ICosmosGateway"/> over the Cosmos DB SDK: stream APIs (the JSON is ours, whatever serializer the client
/// was built with), Polly retries with jitter on 408, 429 (after the SDK's own throttling retries), 449, 5xx and
/// network errors, then <c>StoreUnavailableException</c>.
/// </summary>
internal sealed class CosmosSdkGateway(CosmosClient client, CosmosFeatureStoreOptions options) : ICosmosGateway
{
    private readonly ResiliencePipeline _retry = Resilience.Retry(options.MaxRetryAttempts, options.RetryDelay);

    private Container Container(string name) => client.GetContainer(options.DatabaseName, name);

    public async Task EnsureCreatedAsync(IReadOnlyList<ContainerProperties> containers, CancellationToken cancellationToken)
    {
        var database = await Run("create database", async ct => (await client.CreateDatabaseIfNotExistsAsync(options.DatabaseName, cancellationToken: ct)).Database, cancellationToken);
        foreach (var properties in containers)
        {
            await Run($"create container {properties.Id}", async ct => (await database.CreateContainerIfNotExistsAsync(properties, cancellationToken: ct)).StatusCode, cancellationToken);
        }
    }

    public Task<Stored<T>?> ReadAsync<T>(string container, string partitionKey, string id, CancellationToken cancellationToken) =>
        Run($"read {container}", async ct =>
        {
            using var response = await Container(container).ReadItemStreamAsync(id, new PartitionKey(partitionKey), cancellationToken: ct);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }

            Check(response);
            return new Stored<T>(await JsonSerializer.DeserializeAsync<T>(response.Content, CosmosDocuments.Json, ct)
                ?? throw new InvalidDataException($"Document '{id}' in {container} is null."), response.Headers.ETag);
        }, cancellationToken);

    public Task<IReadOnlyList<T>> QueryAsync<T>(string container, string partitionKey, CosmosQuery query, CancellationToken cancellationToken) =>
        Query<T>(container, query, new QueryRequestOptions { PartitionKey = new PartitionKey(partitionKey) }, cancellationToken);

    public Task<IReadOnlyList<T>> QueryAcrossPartitionsAsync<T>(string container, CosmosQuery query, CancellationToken cancellationToken) =>
        Query<T>(container, query, new QueryRequestOptions(), cancellationToken);

    private Task<IReadOnlyList<T>> Query<T>(string container, CosmosQuery query, QueryRequestOptions requestOptions, CancellationToken cancellationToken) =>
        Run($"query {container}", async ct =>
        {
            var definition = new QueryDefinition(query.Text);
            foreach (var (name, value) in query.Parameters)
            {
                definition = definition.WithParameter(name, value);
            }

            var results = new List<T>();
            using var iterator = Container(container).GetItemQueryStreamIterator(definition, requestOptions: requestOptions);
            while (iterator.HasMoreResults)
            {
                using var page = await iterator.ReadNextAsync(ct);
                Check(page);
                results.AddRange(await Documents<T>(page.Content, ct));
            }

            return (IReadOnlyList<T>)results;
        }, cancellationToken);

    public Task<IReadOnlyList<T>> ReadManyAsync<T>(string container, IReadOnlyList<(string Id, string PartitionKey)> items, CancellationToken cancellationToken) =>
        items.Count == 0
            ? Task.FromResult<IReadOnlyList<T>>([])
            : Run($"read many {container}", async ct =>
            {
                using var response = await Container(container).ReadManyItemsStreamAsync(items.Select(i => (i.Id, new PartitionKey(i.PartitionKey))).ToList(), cancellationToken: ct);
                Check(response);
                return (IReadOnlyList<T>)await Documents<T>(response.Content, ct);
            }, cancellationToken);

    public Task<CosmosBatchResult> ExecuteAsync(CosmosBatch batch, CancellationToken cancellationToken) =>
        Run($"batch {batch.Container}", async ct =>
        {
            var transaction = Container(batch.Container).CreateTransactionalBatch(new PartitionKey(batch.PartitionKey));
            foreach (var operation in batch.Operations)
            {
                transaction = operation.Kind switch
                {
                    CosmosOperationKind.Create => transaction.CreateItemStream(Body(operation.Document)),
                    CosmosOperationKind.Replace => transaction.ReplaceItemStream(operation.Id, Body(operation.Document), new TransactionalBatchItemRequestOptions { IfMatchEtag = operation.IfMatchEtag }),
                    CosmosOperationKind.Upsert => transaction.UpsertItemStream(Body(operation.Document)),
                    CosmosOperationKind.Delete => transaction.DeleteItem(operation.Id, new TransactionalBatchItemRequestOptions { IfMatchEtag = operation.IfMatchEtag }),
                    _ => throw new ArgumentOutOfRangeException(nameof(batch), operation.Kind, "Unknown operation."),
                };
            }

            using var response = await transaction.ExecuteAsync(ct);
            if (response.IsSuccessStatusCode)
            {
                return CosmosBatchResult.Success;
            }

            for (var i = 0; i < response.Count; i++)
            {
                var status = (int)response[i].StatusCode;
                if (status != 424) // 424: failed because another operation failed
                {
                    ThrowIfTransient(status, response);
                    return new CosmosBatchResult(i, status);
                }
            }

            ThrowIfTransient((int)response.StatusCode, response);
            throw new CosmosException($"The transactional batch failed: {response.ErrorMessage}", response.StatusCode, 0, response.ActivityId, response.RequestCharge);
        }, cancellationToken);

    public Task<bool> UpsertAsync(string container, string partitionKey, object document, CancellationToken cancellationToken) =>
        Run($"upsert {container}", async ct =>
        {
            using var response = await Container(container).UpsertItemStreamAsync(Body(document), new PartitionKey(partitionKey), cancellationToken: ct);
            Check(response);
            return response.StatusCode == HttpStatusCode.Created;
        }, cancellationToken);

    public Task<bool> DeleteAsync(string container, string partitionKey, string id, CancellationToken cancellationToken) =>
        Run($"delete {container}", async ct =>
        {
            using var response = await Container(container).DeleteItemStreamAsync(id, new PartitionKey(partitionKey), cancellationToken: ct);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return false;
            }

            Check(response);
            return true;
        }, cancellationToken);

    private static MemoryStream Body(object document) => new(Encoding.UTF8.GetBytes(CosmosDocuments.Serialize(document)));

    /// <summary>Reads the <c>Documents</c> array of a query or read-many page.</summary>
    private static async Task<List<T>> Documents<T>(Stream content, CancellationToken cancellationToken)
    {
        using var page = await JsonDocument.ParseAsync(content, cancellationToken: cancellationToken);
        return page.RootElement.GetProperty("Documents").EnumerateArray()
            .Select(d => d.Deserialize<T>(CosmosDocuments.Json) ?? throw new InvalidDataException("A query returned null."))
            .ToList();
    }

    /// <summary>Throws the failure of a stream response as a <see cref="CosmosException"/> (which the retry policy classifies).</summary>
    private static void Check(ResponseMessage response)
    {
        response.EnsureSuccessStatusCode();
    }

    private static void ThrowIfTransient(int status, TransactionalBatchResponse response)
    {
        if (Resilience.IsTransientStatus(status))
        {
            throw new CosmosException($"The transactional batch was not applied: {response.ErrorMessage}", (HttpStatusCode)status, 0, response.ActivityId, response.RequestCharge);
        }
    }

    private Task<T> Run<T>(string operation, Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken) =>
        Resilience.RunAsync(_retry, $"Cosmos DB ({options.DatabaseName}, {operation})", call, cancellationToken);
}
