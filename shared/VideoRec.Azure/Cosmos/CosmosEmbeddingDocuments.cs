using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Microsoft.Azure.Cosmos;
using VideoRec.Core.Embeddings;

namespace VideoRec.Azure.Cosmos;

/// <summary>
/// The embedding of one text field of one video in <c>videoEmbeddings</c> (partition <c>/videoId</c>, id = the field
/// name, see <see cref="CosmosEmbeddingDocuments.FieldId"/>).
/// </summary>
/// <param name="Id">The field name: <c>title</c> or <c>tags</c>.</param>
/// <param name="VideoId">The video (the partition key).</param>
/// <param name="Field">The field name again, so the cross-partition read of one field filters on it.</param>
/// <param name="ModelId">The embedding model.</param>
/// <param name="TextHash">Hash of (model, text).</param>
/// <param name="Dimensions">Length of the vector.</param>
/// <param name="Vector">The vector, see <see cref="EmbeddingVectorCodec"/>.</param>
internal sealed record VideoEmbeddingDocument(string Id, string VideoId, string Field, string ModelId, string TextHash, int Dimensions, string Vector)
{
    /// <summary>Document kind.</summary>
    public string Kind => CosmosEmbeddingDocuments.VideoEmbeddingKind;
}

/// <summary>What <see cref="CosmosEmbeddingStore.GetVideoTextHashesAsync"/> keeps of a <see cref="VideoEmbeddingDocument"/> (the vector is not deserialised).</summary>
internal sealed record VideoTextHashRow(string Id, string VideoId, string TextHash);

/// <summary>A cached search-query embedding in <c>queryEmbeddings</c> (partition <c>/id</c>, id = <see cref="CosmosDocuments.SafeId"/> of the key).</summary>
/// <param name="Id">The document id and partition key.</param>
/// <param name="Key">The cache key as given (<see cref="EmbeddingText.Hash"/> of model and normalised query).</param>
/// <param name="Dimensions">Length of the vector.</param>
/// <param name="Vector">The vector, see <see cref="EmbeddingVectorCodec"/>.</param>
/// <param name="Ttl">Its own time to live in seconds, when set.</param>
internal sealed record QueryEmbeddingDocument(string Id, string Key, int Dimensions, string Vector, int? Ttl)
{
    /// <summary>Document kind.</summary>
    public string Kind => CosmosEmbeddingDocuments.QueryEmbeddingKind;
}

/// <summary>
/// A user's search-history embedding in the user's partition of <c>userState</c> (id <c>searchEmbedding</c>), beside
/// the aggregates it is computed from: a user deletion (<see cref="CosmosFeatureStore.DeleteUserAsync"/>) deletes it
/// with the user's other documents. The field is named <c>vector</c> so the container's indexing policy leaves it out.
/// </summary>
internal sealed record UserSearchEmbeddingDocument(string Id, string UserId, string ModelId, int Dimensions, string Vector, int QueryCount, string QueriesHash, DateTimeOffset AsOf)
{
    /// <summary>Document kind.</summary>
    public string Kind => CosmosEmbeddingDocuments.SearchEmbeddingKind;
}

/// <summary>
/// Vectors as stored by the Cosmos DB embedding store: the Base64 text of the float32 values' little-endian bytes. A
/// 384-dimension embedding is 1,536 bytes, 2,048 characters, where a JSON array of numbers takes 4–8 KB (each float
/// printed with up to 9 significant digits, sign, exponent and comma) and costs more RU to write and read. The round
/// trip is bit-exact: negative zero, subnormals and every other bit pattern come back unchanged.
/// </summary>
internal static class EmbeddingVectorCodec
{
    /// <summary>The Base64 text of <paramref name="vector"/>.</summary>
    public static string Encode(ReadOnlySpan<float> vector)
    {
        if (BitConverter.IsLittleEndian)
        {
            return Convert.ToBase64String(MemoryMarshal.AsBytes(vector));
        }

        var bytes = new byte[vector.Length * sizeof(float)];
        for (var i = 0; i < vector.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), vector[i]);
        }

        return Convert.ToBase64String(bytes);
    }

    /// <summary>Reads <see cref="Encode"/>'s text.</summary>
    /// <param name="text">The Base64 text.</param>
    /// <param name="dimensions">The length the vector must have.</param>
    /// <exception cref="InvalidDataException">Not Base64, or not <paramref name="dimensions"/> floats.</exception>
    public static float[] Decode(string text, int dimensions)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(text);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"A stored embedding is not Base64: {e.Message}", e);
        }

        if (bytes.Length != dimensions * sizeof(float))
        {
            throw new InvalidDataException($"A stored embedding has {bytes.Length} bytes where {dimensions} floats take {dimensions * sizeof(float)}.");
        }

        var vector = new float[dimensions];
        if (BitConverter.IsLittleEndian)
        {
            bytes.CopyTo(MemoryMarshal.AsBytes(vector.AsSpan()));
        }
        else
        {
            for (var i = 0; i < dimensions; i++)
            {
                vector[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
            }
        }

        return vector;
    }
}

/// <summary>
/// The document shapes, ids, containers and queries of <see cref="CosmosEmbeddingStore"/>: pure functions, so unit
/// tests check them without a service.
/// </summary>
internal static class CosmosEmbeddingDocuments
{
    /// <summary>Id of a user's search-history embedding in their partition of <c>userState</c>.</summary>
    public const string SearchEmbeddingId = "searchEmbedding";

    /// <summary>The <c>kind</c> of video text embeddings.</summary>
    public const string VideoEmbeddingKind = "videoEmbedding";

    /// <summary>The <c>kind</c> of cached query embeddings.</summary>
    public const string QueryEmbeddingKind = "queryEmbedding";

    /// <summary>The <c>kind</c> of search-history embeddings.</summary>
    public const string SearchEmbeddingKind = "searchEmbedding";

    /// <summary>The document id (and <c>field</c> value) of a video text field: <c>title</c> or <c>tags</c>.</summary>
    public static string FieldId(VideoTextField field) => field switch
    {
        VideoTextField.Title => "title",
        VideoTextField.Tags => "tags",
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, "Unknown video text field."),
    };

    /// <summary>Reads <see cref="FieldId"/>.</summary>
    /// <exception cref="InvalidDataException">Not a field name.</exception>
    public static VideoTextField ParseField(string id) => id switch
    {
        "title" => VideoTextField.Title,
        "tags" => VideoTextField.Tags,
        _ => throw new InvalidDataException($"Unknown video text field '{id}' in a stored embedding."),
    };

    /// <summary>The document of a video text embedding.</summary>
    public static VideoEmbeddingDocument VideoDocument(VideoTextEmbedding e) =>
        new(FieldId(e.Field), e.VideoId, FieldId(e.Field), e.ModelId, e.TextHash, e.Vector.Length, EmbeddingVectorCodec.Encode(e.Vector));

    /// <summary>The embedding a <see cref="VideoEmbeddingDocument"/> holds.</summary>
    public static VideoTextEmbedding ToEmbedding(VideoEmbeddingDocument d) =>
        new(d.VideoId, ParseField(d.Field), d.ModelId, d.TextHash, EmbeddingVectorCodec.Decode(d.Vector, d.Dimensions));

    /// <summary>Id (and partition key) of the cached embedding of <paramref name="key"/>.</summary>
    public static string QueryId(string key) => CosmosDocuments.SafeId(key);

    /// <summary>The document of a cached query embedding, expiring after <paramref name="timeToLive"/> when set.</summary>
    public static QueryEmbeddingDocument QueryDocument(string key, float[] vector, TimeSpan? timeToLive) =>
        new(QueryId(key), key, vector.Length, EmbeddingVectorCodec.Encode(vector), timeToLive is { } ttl ? CosmosDocuments.TtlSeconds(ttl) : null);

    /// <summary>The document of a user's search-history embedding.</summary>
    public static UserSearchEmbeddingDocument SearchDocument(UserSearchEmbedding e) =>
        new(SearchEmbeddingId, e.UserId, e.ModelId, e.Vector.Length, EmbeddingVectorCodec.Encode(e.Vector), e.QueryCount, e.QueriesHash, e.AsOf);

    /// <summary>The embedding a <see cref="UserSearchEmbeddingDocument"/> holds.</summary>
    public static UserSearchEmbedding ToEmbedding(UserSearchEmbeddingDocument d) =>
        new(d.UserId, d.ModelId, EmbeddingVectorCodec.Decode(d.Vector, d.Dimensions), d.QueryCount, d.QueriesHash, d.AsOf);

    /// <summary>
    /// A video's embeddings in one transactional batch of upserts in its partition (at most one per field, so far
    /// below the service's 100 operations).
    /// </summary>
    public static CosmosBatch VideoBatch(CosmosFeatureStoreOptions store, string videoId, IReadOnlyList<VideoEmbeddingDocument> documents)
    {
        if (documents.Count is 0 or > CosmosDocuments.MaxBatchOperations || documents.Any(d => d.VideoId != videoId))
        {
            throw new ArgumentException($"A batch holds 1 to {CosmosDocuments.MaxBatchOperations} embeddings of video '{videoId}'.", nameof(documents));
        }

        return new CosmosBatch(store.VideoEmbeddingsContainer, videoId, [],
            documents.Select(d => new CosmosOperation(CosmosOperationKind.Upsert, d.Id, d)).ToList().AsReadOnly());
    }

    /// <summary>
    /// The containers the embedding store uses: <c>videoEmbeddings</c> (partition <c>/videoId</c>, no time to live;
    /// the vector, the hash and the model id are not indexed, <c>field</c> and <c>videoId</c> are, for the ordered read
    /// of one field), <c>queryEmbeddings</c> (partition <c>/id</c>, time to live on so entries expire by their own
    /// <c>ttl</c>; point reads only, so only <c>id</c> is indexed) and, for the search-history embeddings, the feature
    /// store's <c>userState</c> with its own definition (creating a container that exists changes nothing).
    /// </summary>
    public static IReadOnlyList<ContainerProperties> Containers(CosmosFeatureStoreOptions store) =>
    [
        CosmosDocuments.Container(store.VideoEmbeddingsContainer, "/videoId", null, ["/vector/?", "/textHash/?", "/modelId/?", "/dimensions/?"], []),
        CosmosDocuments.Container(store.QueryEmbeddingsContainer, "/id", -1, ["/vector/?", "/key/?", "/dimensions/?", "/kind/?", "/ttl/?"], []),
        CosmosDocuments.Containers(store).Single(c => c.Id == store.UserStateContainer),
    ];

    /// <summary>
    /// One page of the embeddings of <paramref name="field"/> across every video partition, by video id, after
    /// <paramref name="afterVideoId"/> when given (keyset paging: each page is a bounded <c>TOP</c> query that the
    /// gateway retries on its own, and a video id is unique per field).
    /// </summary>
    public static CosmosQuery VideoEmbeddingsPage(VideoTextField field, string? afterVideoId, int pageSize) => afterVideoId is null
        ? new(VideoEmbeddingsFirstPageText, [new("@top", pageSize), new("@field", FieldId(field))])
        : new(VideoEmbeddingsNextPageText, [new("@top", pageSize), new("@field", FieldId(field)), new("@after", afterVideoId)]);

    /// <summary>The text of the first page of <see cref="VideoEmbeddingsPage"/>.</summary>
    public const string VideoEmbeddingsFirstPageText = "SELECT TOP @top * FROM c WHERE c.field = @field ORDER BY c.videoId";

    /// <summary>The text of the later pages of <see cref="VideoEmbeddingsPage"/>.</summary>
    public const string VideoEmbeddingsNextPageText = "SELECT TOP @top * FROM c WHERE c.field = @field AND c.videoId > @after ORDER BY c.videoId";
}
