using System.Runtime.CompilerServices;
using Microsoft.Azure.Cosmos;
using VideoRec.Core.Embeddings;

namespace VideoRec.Azure.Cosmos;

/// <summary>
/// The embedding store on Azure Cosmos DB (NoSQL API), in the feature store's database and account.
/// <para>
/// Containers (see <see cref="EnsureCreatedAsync"/>): <c>videoEmbeddings</c> (partition <c>/videoId</c>, one document
/// per (video, field), id = the field name <c>title</c> or <c>tags</c>, so a video's fields are written together in one
/// transactional batch and its hashes are point reads), <c>queryEmbeddings</c> (partition <c>/id</c>, id = the cache
/// key: a hash, so point reads and writes spread evenly over partitions; entries expire
/// <see cref="CosmosFeatureStoreOptions.QueryEmbeddingTimeToLive"/> after their last write), and the user's search-history
/// embedding as the document <c>searchEmbedding</c> in the user's partition of <c>userState</c>. That last choice,
/// rather than a container of its own, puts it with the aggregates it is averaged from and the user's other derived
/// data (the WALS vector): <see cref="CosmosFeatureStore.DeleteUserAsync"/> deletes every such document of the
/// partition, so a user deletion removes it even when the separate <see cref="DeleteUserSearchEmbeddingAsync"/> that
/// follows never runs, and it costs no extra container (nor its minimum throughput).
/// </para>
/// <para>
/// Vectors are stored as Base64 text of their little-endian float32 bytes (<see cref="EmbeddingVectorCodec"/>): 384
/// floats take 2,048 characters instead of 4–8 KB of JSON numbers, and read back bit-exact.
/// </para>
/// <para>
/// Writes are upserts, so a refresh applied twice leaves what applying it once does. Transient failures are retried by
/// the gateway and then surface as <c>StoreUnavailableException</c>.
/// </para>
/// </summary>
public sealed class CosmosEmbeddingStore : IEmbeddingStore
{
    /// <summary>Items per read-many call (the SDK splits them by partition; this bounds one response).</summary>
    internal const int ReadManyChunk = 500;

    private static readonly VideoTextField[] AllFields = Enum.GetValues<VideoTextField>();

    private readonly ICosmosGateway _gateway;
    private readonly CosmosFeatureStoreOptions _options;

    /// <summary>A store in <paramref name="client"/>'s account (see <see cref="CosmosFeatureStore.CreateClient(string)"/>; share the feature store's client).</summary>
    /// <param name="client">The Cosmos DB client; the store reads and writes its own JSON, whatever the client's serializer.</param>
    /// <param name="options">Database, containers and retries (those of the feature store); <c>null</c> for the defaults.</param>
    public CosmosEmbeddingStore(CosmosClient client, CosmosFeatureStoreOptions? options = null)
        : this(new CosmosSdkGateway(client ?? throw new ArgumentNullException(nameof(client)), options ?? new CosmosFeatureStoreOptions()), options)
    {
    }

    internal CosmosEmbeddingStore(ICosmosGateway gateway, CosmosFeatureStoreOptions? options)
    {
        _gateway = gateway;
        _options = options ?? new CosmosFeatureStoreOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.EmbeddingWriteConcurrency, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.EmbeddingReadPageSize, 1, nameof(options));
    }

    /// <summary>
    /// Creates the database and the containers the store uses, with their partition keys, time to live and indexing
    /// policies, when missing: <c>videoEmbeddings</c>, <c>queryEmbeddings</c> and <c>userState</c> (the feature
    /// store's, defined as it defines it).
    /// </summary>
    public Task EnsureCreatedAsync(CancellationToken cancellationToken) => _gateway.EnsureCreatedAsync(CosmosEmbeddingDocuments.Containers(_options), cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// Read-many point reads of (field id, video id) for every field, in chunks of <see cref="ReadManyChunk"/>: cheaper
    /// than queries, and only the id, video id and hash of each document are deserialised.
    /// </remarks>
    public async Task<IReadOnlyDictionary<(string VideoId, VideoTextField Field), string>> GetVideoTextHashesAsync(IReadOnlyCollection<string> videoIds,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(videoIds);
        var items = videoIds.Distinct(StringComparer.Ordinal)
            .SelectMany(id => AllFields.Select(f => (CosmosEmbeddingDocuments.FieldId(f), id)))
            .ToList();
        var hashes = new Dictionary<(string, VideoTextField), string>();
        foreach (var chunk in items.Chunk(ReadManyChunk))
        {
            foreach (var row in await _gateway.ReadManyAsync<VideoTextHashRow>(_options.VideoEmbeddingsContainer, chunk, cancellationToken))
            {
                hashes[(row.VideoId, CosmosEmbeddingDocuments.ParseField(row.Id))] = row.TextHash;
            }
        }

        return hashes;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Grouped by video (the partition): a video's fields go in one transactional batch of upserts (one upsert when
    /// there is one field), and up to <see cref="CosmosFeatureStoreOptions.EmbeddingWriteConcurrency"/> videos are
    /// written at once. When the same (video, field) is listed twice, the last one wins.
    /// </remarks>
    public async Task UpsertVideoEmbeddingsAsync(IReadOnlyList<VideoTextEmbedding> embeddings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        var videos = embeddings
            .Select(CosmosEmbeddingDocuments.VideoDocument)
            .GroupBy(d => d.VideoId, StringComparer.Ordinal)
            .Select(g => g.GroupBy(d => d.Id, StringComparer.Ordinal).Select(f => f.Last()).ToList())
            .ToList();
        await ForEachAsync(videos, async (documents, ct) =>
        {
            if (documents.Count == 1)
            {
                await _gateway.UpsertAsync(_options.VideoEmbeddingsContainer, documents[0].VideoId, documents[0], ct);
                return;
            }

            var batch = CosmosEmbeddingDocuments.VideoBatch(_options, documents[0].VideoId, documents);
            var result = await _gateway.ExecuteAsync(batch, ct);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException(
                    $"Cosmos DB refused the embeddings of video '{batch.PartitionKey}': operation {result.FailedIndex} ({batch.Operations[result.FailedIndex].Id}) failed with HTTP {result.FailedStatus}.");
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<VideoTextEmbedding?> GetVideoEmbeddingAsync(string videoId, VideoTextField field, CancellationToken cancellationToken) =>
        (await _gateway.ReadAsync<VideoEmbeddingDocument>(_options.VideoEmbeddingsContainer, videoId, CosmosEmbeddingDocuments.FieldId(field), cancellationToken))?.Document is { } d
            ? CosmosEmbeddingDocuments.ToEmbedding(d)
            : null;

    /// <inheritdoc />
    /// <remarks>
    /// A cross-partition query of <c>videoEmbeddings</c> filtered on the field and ordered by video id (the service's
    /// string order, ordinal: <c>v1</c>, <c>v10</c>, <c>v3</c>), read in pages of
    /// <see cref="CosmosFeatureStoreOptions.EmbeddingReadPageSize"/> by keyset (<c>videoId &gt; last</c>), so memory stays
    /// bounded and a failed page is retried alone. A video written during the read appears if its id is after the page
    /// being read.
    /// </remarks>
    public async IAsyncEnumerable<VideoTextEmbedding> ReadVideoEmbeddingsAsync(VideoTextField field, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? after = null;
        while (true)
        {
            var page = await _gateway.QueryAcrossPartitionsAsync<VideoEmbeddingDocument>(_options.VideoEmbeddingsContainer,
                CosmosEmbeddingDocuments.VideoEmbeddingsPage(field, after, _options.EmbeddingReadPageSize), cancellationToken);
            foreach (var document in page)
            {
                yield return CosmosEmbeddingDocuments.ToEmbedding(document);
            }

            if (page.Count < _options.EmbeddingReadPageSize)
            {
                yield break;
            }

            after = page[^1].VideoId;
        }
    }

    /// <inheritdoc />
    /// <remarks>Read-many point reads (the key is the partition key), in chunks of <see cref="ReadManyChunk"/>.</remarks>
    public async Task<IReadOnlyDictionary<string, float[]>> GetQueryEmbeddingsAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var items = keys.Distinct(StringComparer.Ordinal).Select(k => CosmosEmbeddingDocuments.QueryId(k)).Select(id => (id, id)).ToList();
        var hits = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var chunk in items.Chunk(ReadManyChunk))
        {
            foreach (var document in await _gateway.ReadManyAsync<QueryEmbeddingDocument>(_options.QueryEmbeddingsContainer, chunk, cancellationToken))
            {
                hits[document.Key] = EmbeddingVectorCodec.Decode(document.Vector, document.Dimensions);
            }
        }

        return hits;
    }

    /// <inheritdoc />
    /// <remarks>One upsert per key (each is its own partition), up to <see cref="CosmosFeatureStoreOptions.EmbeddingWriteConcurrency"/> at once.</remarks>
    public Task PutQueryEmbeddingsAsync(IReadOnlyDictionary<string, float[]> embeddings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        var documents = embeddings.Select(e => CosmosEmbeddingDocuments.QueryDocument(e.Key, e.Value, _options.QueryEmbeddingTimeToLive)).ToList();
        return ForEachAsync(documents, async (document, ct) => await _gateway.UpsertAsync(_options.QueryEmbeddingsContainer, document.Id, document, ct), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<UserSearchEmbedding?> GetUserSearchEmbeddingAsync(string userId, CancellationToken cancellationToken) =>
        (await _gateway.ReadAsync<UserSearchEmbeddingDocument>(_options.UserStateContainer, userId, CosmosEmbeddingDocuments.SearchEmbeddingId, cancellationToken))?.Document is { } d
            ? CosmosEmbeddingDocuments.ToEmbedding(d)
            : null;

    /// <inheritdoc />
    public async Task PutUserSearchEmbeddingAsync(UserSearchEmbedding embedding, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(embedding);
        await _gateway.UpsertAsync(_options.UserStateContainer, embedding.UserId, CosmosEmbeddingDocuments.SearchDocument(embedding), cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteUserSearchEmbeddingAsync(string userId, CancellationToken cancellationToken) =>
        _gateway.DeleteAsync(_options.UserStateContainer, userId, CosmosEmbeddingDocuments.SearchEmbeddingId, cancellationToken);

    private Task ForEachAsync<T>(IReadOnlyList<T> items, Func<T, CancellationToken, ValueTask> write, CancellationToken cancellationToken) => items.Count switch
    {
        0 => Task.CompletedTask,
        1 => write(items[0], cancellationToken).AsTask(),
        _ => Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = _options.EmbeddingWriteConcurrency, CancellationToken = cancellationToken }, write),
    };
}
