using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Azure.Cosmos;
using VideoRec.Azure.Cosmos;

namespace VideoRec.Azure.Tests.Support;

/// <summary>
/// An in-memory stand-in for Cosmos DB behind <see cref="ICosmosGateway"/> with the service's rules that the store
/// relies on: documents stored as the JSON the store writes, ids unique per (container, partition), the partition key
/// field of a document equal to the partition it is written to, etags changing on every write, transactional batches
/// all-or-nothing with 409 on a create of an existing id, 412 on a stale etag and 404 on a missing document (for a
/// replace or a delete), and the store's queries, including the one across partitions. Hooks let tests interfere between
/// calls (a concurrent writer, a crash).
/// </summary>
internal sealed class InMemoryCosmosGateway : ICosmosGateway
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Container, string Partition, string Id), (string Json, string ETag)> _documents = [];
    private readonly Dictionary<string, string> _keyFields;
    private readonly CosmosFeatureStoreOptions _options;
    private long _etag;

    public InMemoryCosmosGateway(CosmosFeatureStoreOptions? options = null)
    {
        _options = options ?? new CosmosFeatureStoreOptions();
        _keyFields = CosmosDocuments.Containers(_options).Concat(CosmosEmbeddingDocuments.Containers(_options))
            .DistinctBy(c => c.Id)
            .ToDictionary(c => c.Id, c => c.PartitionKeyPath.TrimStart('/'));
    }

    /// <summary>Called before each batch; may change the store (through <see cref="Put"/>) or throw to simulate a crash.</summary>
    public Action<CosmosBatch>? BeforeBatch { get; set; }

    /// <summary>Called before each query.</summary>
    public Action<CosmosQuery>? BeforeQuery { get; set; }

    /// <summary>The batches run (committed or not), in order.</summary>
    public List<(CosmosBatch Batch, CosmosBatchResult Result)> Batches { get; } = [];

    /// <summary>The queries run, in order.</summary>
    public List<CosmosQuery> Queries { get; } = [];

    /// <summary>The read-many calls run (container, number of items), in order.</summary>
    public List<(string Container, int Items)> ReadManys { get; } = [];

    /// <summary>The single-document upserts run (container, partition), in order.</summary>
    public List<(string Container, string Partition)> Upserts { get; } = [];

    /// <summary>The containers <see cref="EnsureCreatedAsync"/> was asked for.</summary>
    public IReadOnlyList<ContainerProperties>? Created { get; private set; }

    /// <summary>The ids in a container, ordered.</summary>
    public IReadOnlyList<(string Partition, string Id)> Ids(string container)
    {
        lock (_gate)
        {
            return _documents.Keys.Where(k => k.Container == container).Select(k => (k.Partition, k.Id)).OrderBy(k => k.Partition, StringComparer.Ordinal).ThenBy(k => k.Id, StringComparer.Ordinal).ToArray();
        }
    }

    /// <summary>A stored document's JSON, or null.</summary>
    public string? Json(string container, string partition, string id)
    {
        lock (_gate)
        {
            return _documents.TryGetValue((container, partition, id), out var d) ? d.Json : null;
        }
    }

    /// <summary>Writes a document directly (as another process would), changing its etag.</summary>
    public void Put(string container, string partition, object document)
    {
        lock (_gate)
        {
            var json = Checked(container, partition, document, out var id);
            _documents[(container, partition, id)] = (json, NextETag());
        }
    }

    public Task EnsureCreatedAsync(IReadOnlyList<ContainerProperties> containers, CancellationToken cancellationToken)
    {
        Created = containers;
        return Task.CompletedTask;
    }

    public Task<Stored<T>?> ReadAsync<T>(string container, string partitionKey, string id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_documents.TryGetValue((container, partitionKey, id), out var d) ? new Stored<T>(CosmosDocuments.Deserialize<T>(d.Json), d.ETag) : null);
        }
    }

    public Task<IReadOnlyList<T>> QueryAcrossPartitionsAsync<T>(string container, CosmosQuery query, CancellationToken cancellationToken)
    {
        BeforeQuery?.Invoke(query);
        lock (_gate)
        {
            Queries.Add(query);
            if (query.Text == CosmosQueries.PendingVectorUsers(1).Text)
            {
                Assert.Equal(_options.UserStateContainer, container);
                var max = (int)query["@max"];
                return Task.FromResult<IReadOnlyList<T>>(_documents
                    .Where(d => d.Key.Container == container)
                    .Select(d => JsonNode.Parse(d.Value.Json)!)
                    .Where(n => (string?)n["kind"] == (string)query["@kind"] && n["vectorPending"] is JsonValue pending && pending.GetValueKind() == JsonValueKind.True)
                    .Select(n => (string)n["userId"]!)
                    .Order(StringComparer.Ordinal)
                    .Take(max)
                    .Select(user => new JsonObject { ["userId"] = user }.Deserialize<T>(CosmosDocuments.Json)!)
                    .ToList());
            }

            if (query.Text is CosmosEmbeddingDocuments.VideoEmbeddingsFirstPageText or CosmosEmbeddingDocuments.VideoEmbeddingsNextPageText)
            {
                // The service orders strings by code point; ids here are ordinal-comparable UTF-16 without surrogates.
                Assert.Equal(_options.VideoEmbeddingsContainer, container);
                var after = query.Text == CosmosEmbeddingDocuments.VideoEmbeddingsNextPageText ? (string)query["@after"] : null;
                return Task.FromResult<IReadOnlyList<T>>(_documents
                    .Where(d => d.Key.Container == container)
                    .Select(d => JsonNode.Parse(d.Value.Json)!)
                    .Where(n => (string?)n["field"] == (string)query["@field"] && (after is null || string.CompareOrdinal((string)n["videoId"]!, after) > 0))
                    .OrderBy(n => (string)n["videoId"]!, StringComparer.Ordinal)
                    .Take((int)query["@top"])
                    .Select(n => n.Deserialize<T>(CosmosDocuments.Json)!)
                    .ToList());
            }

            throw new NotSupportedException($"The in-memory gateway does not know the cross-partition query '{query.Text}'.");
        }
    }

    public Task<IReadOnlyList<T>> QueryAsync<T>(string container, string partitionKey, CosmosQuery query, CancellationToken cancellationToken)
    {
        BeforeQuery?.Invoke(query);
        lock (_gate)
        {
            Queries.Add(query);
            var partition = _documents.Where(d => d.Key.Container == container && d.Key.Partition == partitionKey).ToArray();
            if (query.Text == CosmosQueries.UserInteractions(partitionKey).Text)
            {
                Assert.Equal(partitionKey, query["@userId"]);
                var interactions = partition
                    .Select(d => JsonNode.Parse(d.Value.Json)!)
                    .Where(n => (string?)n["kind"] == (string)query["@kind"] && (string?)n["userId"] == partitionKey)
                    .Select(n => n.Deserialize<T>(CosmosDocuments.Json)!)
                    .Cast<InteractionDocument>()
                    .OrderBy(d => d.Timestamp, StringComparer.Ordinal).ThenBy(d => d.EventId, StringComparer.Ordinal)
                    .Cast<T>()
                    .ToList();
                return Task.FromResult<IReadOnlyList<T>>(interactions);
            }

            if (query.Text.StartsWith("SELECT VALUE c.id FROM c WHERE c.", StringComparison.Ordinal) && query.Text.Contains("ARRAY_CONTAINS(@ids, c.id)", StringComparison.Ordinal))
            {
                Assert.Equal(partitionKey, query["@key"]);
                var ids = ((string[])query["@ids"]).ToHashSet(StringComparer.Ordinal);
                return Task.FromResult<IReadOnlyList<T>>(partition.Where(d => ids.Contains(d.Key.Id)).Select(d => (T)(object)d.Key.Id).ToList());
            }

            if (query.Text == CosmosQueries.UserDocuments(partitionKey).Text)
            {
                Assert.Equal(partitionKey, query["@userId"]);
                return Task.FromResult<IReadOnlyList<T>>(partition
                    .Select(d => JsonNode.Parse(d.Value.Json)!.AsObject())
                    .Select(n => Project(n, "id", "kind", "ttl").Deserialize<T>(CosmosDocuments.Json)!)
                    .ToList());
            }

            if (query.Text == CosmosQueries.ConsumedVideoIds(partitionKey).Text)
            {
                Assert.Equal(partitionKey, query["@userId"]);
                var notConsumed = ((string[])query["@notConsumed"]).ToHashSet(StringComparer.Ordinal);
                return Task.FromResult<IReadOnlyList<T>>(partition
                    .Select(d => JsonNode.Parse(d.Value.Json)!)
                    .Where(n => (string?)n["kind"] == (string)query["@kind"] && n["videoId"] is JsonValue video && video.GetValueKind() == JsonValueKind.String &&
                        !notConsumed.Contains((string?)n["type"] ?? ""))
                    .Select(n => (string)n["videoId"]!)
                    .Distinct(StringComparer.Ordinal)
                    .Select(v => (T)(object)v)
                    .ToList());
            }

            throw new NotSupportedException($"The in-memory gateway does not know the query '{query.Text}'.");
        }
    }

    public Task<IReadOnlyList<T>> ReadManyAsync<T>(string container, IReadOnlyList<(string Id, string PartitionKey)> items, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ReadManys.Add((container, items.Count));
            return Task.FromResult<IReadOnlyList<T>>(items
                .Where(i => _documents.ContainsKey((container, i.PartitionKey, i.Id)))
                .Select(i => CosmosDocuments.Deserialize<T>(_documents[(container, i.PartitionKey, i.Id)].Json))
                .ToList());
        }
    }

    public Task<CosmosBatchResult> ExecuteAsync(CosmosBatch batch, CancellationToken cancellationToken)
    {
        BeforeBatch?.Invoke(batch);
        lock (_gate)
        {
            Assert.InRange(batch.Operations.Count, 1, CosmosDocuments.MaxBatchOperations);
            var staged = new Dictionary<string, string?>(StringComparer.Ordinal); // null: deleted
            var result = CosmosBatchResult.Success;
            for (var i = 0; i < batch.Operations.Count && result.Succeeded; i++)
            {
                var operation = batch.Operations[i];
                var json = Checked(batch.Container, batch.PartitionKey, operation.Document, out var id);
                Assert.Equal(operation.Id, id);
                Assert.Equal(operation.Kind is CosmosOperationKind.Replace or CosmosOperationKind.Delete, operation.IfMatchEtag is not null);
                var key = (batch.Container, batch.PartitionKey, id);
                var exists = staged.TryGetValue(id, out var earlier) ? earlier is not null : _documents.ContainsKey(key);
                if (operation.Kind == CosmosOperationKind.Create && exists)
                {
                    result = new CosmosBatchResult(i, 409);
                }
                else if (operation.Kind is CosmosOperationKind.Replace or CosmosOperationKind.Delete && !exists)
                {
                    result = new CosmosBatchResult(i, 404);
                }
                else if (operation.Kind is CosmosOperationKind.Replace or CosmosOperationKind.Delete && (staged.ContainsKey(id) || _documents[key].ETag != operation.IfMatchEtag))
                {
                    result = new CosmosBatchResult(i, 412);
                }
                else
                {
                    staged[id] = operation.Kind == CosmosOperationKind.Delete ? null : json;
                }
            }

            if (result.Succeeded)
            {
                foreach (var (id, json) in staged)
                {
                    if (json is null)
                    {
                        _documents.Remove((batch.Container, batch.PartitionKey, id));
                    }
                    else
                    {
                        _documents[(batch.Container, batch.PartitionKey, id)] = (json, NextETag());
                    }
                }
            }

            Batches.Add((batch, result));
            return Task.FromResult(result);
        }
    }

    public Task<bool> UpsertAsync(string container, string partitionKey, object document, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Upserts.Add((container, partitionKey));
            var json = Checked(container, partitionKey, document, out var id);
            var created = !_documents.ContainsKey((container, partitionKey, id));
            _documents[(container, partitionKey, id)] = (json, NextETag());
            return Task.FromResult(created);
        }
    }

    public Task<bool> DeleteAsync(string container, string partitionKey, string id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_documents.Remove((container, partitionKey, id)));
        }
    }

    /// <summary>The document's JSON, after checking what the service checks: an id, and the partition key field matching the partition.</summary>
    private string Checked(string container, string partition, object document, out string id)
    {
        Assert.True(_keyFields.TryGetValue(container, out var keyField), $"Unknown container '{container}'.");
        var json = CosmosDocuments.Serialize(document);
        var node = JsonNode.Parse(json)!.AsObject();
        id = (string?)node["id"] ?? throw new InvalidOperationException("A document without an id.");
        Assert.InRange(id.Length, 1, CosmosDocuments.MaxIdLength);
        Assert.DoesNotContain(id, c => c is '/' or '\\' or '?' or '#');
        Assert.Equal(partition, (string?)node[keyField]);
        return json;
    }

    /// <summary>The fields of <paramref name="node"/> a projection names, those it has (as the service leaves undefined ones out).</summary>
    private static JsonObject Project(JsonObject node, params string[] fields)
    {
        var projected = new JsonObject();
        foreach (var field in fields)
        {
            if (node[field] is { } value)
            {
                projected[field] = value.DeepClone();
            }
        }

        return projected;
    }

    private string NextETag() => $"\"{++_etag:x8}\"";
}
