using System.Text.Json.Nodes;
using Microsoft.Azure.Cosmos;
using VideoRec.Azure.Cosmos;
using VideoRec.Azure.Tests.Support;
using VideoRec.Core.Embeddings;

namespace VideoRec.Azure.Tests.Cosmos;

/// <summary>
/// <see cref="CosmosEmbeddingStore"/> beyond the contract: the stored shape (Base64 vectors), the containers, and how
/// it uses Cosmos DB (read-many for hashes and the query cache, one batch per video, keyset pages across partitions,
/// the search-history embedding in the user's partition).
/// </summary>
public sealed class CosmosEmbeddingStoreTests
{
    private static CancellationToken None => CancellationToken.None;

    private static (CosmosEmbeddingStore Store, InMemoryCosmosGateway Gateway, CosmosFeatureStoreOptions Options) Create(CosmosFeatureStoreOptions? options = null)
    {
        options ??= new CosmosFeatureStoreOptions();
        var gateway = new InMemoryCosmosGateway(options);
        return (new CosmosEmbeddingStore(gateway, options), gateway, options);
    }

    private static VideoTextEmbedding Video(string id, VideoTextField field, string hash, params float[] vector) => new(id, field, "m", hash, vector);

    [Fact]
    public void Vector_384Floats_Is2048Base64Characters_AndRoundTripsBitExact()
    {
        var random = new Random(3);
        var vector = Enumerable.Range(0, 384).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        vector[0] = -0f;
        vector[1] = float.Epsilon;
        vector[2] = -float.Epsilon;
        vector[3] = BitConverter.Int32BitsToSingle(0x007FFFFF); // largest subnormal
        vector[4] = float.MaxValue;
        vector[5] = float.NegativeInfinity;
        vector[6] = BitConverter.Int32BitsToSingle(0x7FC01234); // a NaN with a payload

        var text = EmbeddingVectorCodec.Encode(vector);
        var back = EmbeddingVectorCodec.Decode(text, 384);

        Assert.Equal(2048, text.Length);
        Assert.Equal(vector.Select(BitConverter.SingleToInt32Bits), back.Select(BitConverter.SingleToInt32Bits));
        // Little-endian float32: 1f is 00 00 80 3F.
        Assert.Equal(Convert.ToBase64String([0, 0, 0x80, 0x3F]), EmbeddingVectorCodec.Encode([1f]));
        Assert.Empty(EmbeddingVectorCodec.Decode("", 0));
    }

    [Fact]
    public void Vector_OfTheWrongLengthOrNotBase64_IsInvalidData()
    {
        Assert.Throws<InvalidDataException>(() => EmbeddingVectorCodec.Decode(EmbeddingVectorCodec.Encode([1f, 2f]), 3));
        Assert.Throws<InvalidDataException>(() => EmbeddingVectorCodec.Decode("not base64!", 1));
    }

    [Fact]
    public async Task VideoEmbedding_IsStoredCompactly_UnderItsFieldName_InTheVideosPartition()
    {
        var (store, gateway, options) = Create();

        await store.UpsertVideoEmbeddingsAsync([Video("v/1?", VideoTextField.Tags, "h", 0.5f, -0f)], None);

        Assert.Equal([("v/1?", "tags")], gateway.Ids(options.VideoEmbeddingsContainer));
        var json = JsonNode.Parse(gateway.Json(options.VideoEmbeddingsContainer, "v/1?", "tags")!)!;
        Assert.Equal(EmbeddingVectorCodec.Encode([0.5f, -0f]), (string?)json["vector"]);
        Assert.Equal(("v/1?", "tags", "m", "h", 2, "videoEmbedding"),
            ((string?)json["videoId"], (string?)json["field"], (string?)json["modelId"], (string?)json["textHash"], (int?)json["dimensions"], (string?)json["kind"]));
    }

    [Fact]
    public async Task Upsert_WritesEachVideoInOneBatch_OrOneUpsert_AndTheLastOfARepeatedFieldWins()
    {
        var (store, gateway, options) = Create();

        await store.UpsertVideoEmbeddingsAsync(
        [
            Video("v1", VideoTextField.Title, "a", 1f),
            Video("v2", VideoTextField.Title, "b", 2f),
            Video("v1", VideoTextField.Tags, "c", 3f),
            Video("v1", VideoTextField.Title, "d", 4f),
        ], None);

        var batch = Assert.Single(gateway.Batches);
        Assert.True(batch.Result.Succeeded);
        Assert.Equal(("v1", options.VideoEmbeddingsContainer), (batch.Batch.PartitionKey, batch.Batch.Container));
        Assert.Equal([CosmosOperationKind.Upsert, CosmosOperationKind.Upsert], batch.Batch.Operations.Select(o => o.Kind));
        Assert.Equal([(options.VideoEmbeddingsContainer, "v2")], gateway.Upserts);
        var title = await store.GetVideoEmbeddingAsync("v1", VideoTextField.Title, None);
        Assert.Equal("d", title!.TextHash);
        Assert.Equal([4f], title.Vector);
    }

    [Fact]
    public async Task TextHashes_AreReadManyPointReads_InChunks_WithoutQueries()
    {
        var (store, gateway, options) = Create();
        var ids = Enumerable.Range(0, 600).Select(i => $"v{i}").ToList();
        await store.UpsertVideoEmbeddingsAsync(ids.Select(id => Video(id, VideoTextField.Title, "h" + id, 1f)).ToList(), None);

        var hashes = await store.GetVideoTextHashesAsync([.. ids, .. ids], None); // repeated ids are asked once

        Assert.Equal(600, hashes.Count);
        Assert.Equal("hv599", hashes[("v599", VideoTextField.Title)]);
        Assert.Equal([500, 500, 200], gateway.ReadManys.Select(r => r.Items)); // 600 videos × 2 fields
        Assert.All(gateway.ReadManys, r => Assert.Equal(options.VideoEmbeddingsContainer, r.Container));
        Assert.Empty(gateway.Queries);
    }

    [Fact]
    public async Task ReadVideoEmbeddings_ReadsKeysetPages_InOrdinalOrder_EachEmbeddingOnce()
    {
        var (store, gateway, _) = Create(new CosmosFeatureStoreOptions { EmbeddingReadPageSize = 2 });
        string[] ids = ["b", "a", "B", "ä", "a1", "c"];
        await store.UpsertVideoEmbeddingsAsync(ids.Select((id, i) => Video(id, VideoTextField.Title, "h", i)).Append(Video("z", VideoTextField.Tags, "h", 9f)).ToList(), None);

        var read = new List<VideoTextEmbedding>();
        await foreach (var e in store.ReadVideoEmbeddingsAsync(VideoTextField.Title, None))
        {
            read.Add(e);
        }

        Assert.Equal(ids.Order(StringComparer.Ordinal), read.Select(e => e.VideoId));
        Assert.All(read, e => Assert.Equal(VideoTextField.Title, e.Field));
        Assert.Equal(4, gateway.Queries.Count); // pages of 2, 2, 2, then an empty one
        Assert.Equal(CosmosEmbeddingDocuments.VideoEmbeddingsFirstPageText, gateway.Queries[0].Text);
        Assert.Equal(["a", "b", "ä"], gateway.Queries.Skip(1).Select(q => (string)q["@after"]));
    }

    [Fact]
    public async Task QueryCache_KeysAreReadMany_OddKeysGetSafeIds_AndEntriesCarryTheirTimeToLive()
    {
        var (store, gateway, options) = Create(new CosmosFeatureStoreOptions { QueryEmbeddingTimeToLive = TimeSpan.FromDays(2) });

        await store.PutQueryEmbeddingsAsync(new Dictionary<string, float[]> { ["k1"] = [1f], ["a/b?#"] = [2f] }, None);
        var hits = await store.GetQueryEmbeddingsAsync(["k1", "a/b?#", "k9"], None);

        Assert.Equal([1f], hits["k1"]);
        Assert.Equal([2f], hits["a/b?#"]);
        Assert.Equal(2, hits.Count);
        Assert.Equal([3], gateway.ReadManys.Select(r => r.Items));
        var safe = CosmosDocuments.SafeId("a/b?#");
        Assert.StartsWith("~", safe, StringComparison.Ordinal);
        var json = JsonNode.Parse(gateway.Json(options.QueryEmbeddingsContainer, safe, safe)!)!;
        Assert.Equal(("a/b?#", 2 * 24 * 3600), ((string?)json["key"], (int?)json["ttl"]));

        var (forever, foreverGateway, foreverOptions) = Create(new CosmosFeatureStoreOptions { QueryEmbeddingTimeToLive = null });
        await forever.PutQueryEmbeddingsAsync(new Dictionary<string, float[]> { ["k1"] = [1f] }, None);
        Assert.Null(JsonNode.Parse(foreverGateway.Json(foreverOptions.QueryEmbeddingsContainer, "k1", "k1")!)!["ttl"]);
    }

    [Fact]
    public async Task SearchEmbedding_LivesInTheUsersPartition_AndAUserDeletionRemovesIt()
    {
        var (store, gateway, options) = Create();
        var features = new CosmosFeatureStore(gateway, options);
        var at = new DateTimeOffset(2025, 6, 2, 10, 0, 0, TimeSpan.Zero);
        await store.PutUserSearchEmbeddingAsync(new UserSearchEmbedding("u1", "m", [0.5f], 1, "q", at), None);
        await store.PutUserSearchEmbeddingAsync(new UserSearchEmbedding("u2", "m", [0.25f], 1, "q", at), None);

        Assert.Contains(("u1", CosmosEmbeddingDocuments.SearchEmbeddingId), gateway.Ids(options.UserStateContainer));
        Assert.Equal("searchEmbedding", (string?)JsonNode.Parse(gateway.Json(options.UserStateContainer, "u1", "searchEmbedding")!)!["kind"]);

        Assert.True(await features.DeleteUserAsync("u1", at.AddDays(1), None));

        Assert.Null(await store.GetUserSearchEmbeddingAsync("u1", None));
        Assert.False(await store.DeleteUserSearchEmbeddingAsync("u1", None));
        Assert.NotNull(await store.GetUserSearchEmbeddingAsync("u2", None));
    }

    [Fact]
    public async Task EnsureCreated_AsksForTheEmbeddingContainers_AndTheFeatureStoresUserState()
    {
        var (store, gateway, _) = Create();

        await store.EnsureCreatedAsync(None);

        Assert.Equal(["videoEmbeddings", "queryEmbeddings", "userState"], gateway.Created!.Select(c => c.Id));
    }

    [Fact]
    public void Containers_PartitionKeysTimeToLiveAndIndexingPolicies()
    {
        var options = new CosmosFeatureStoreOptions();
        var containers = CosmosEmbeddingDocuments.Containers(options).ToDictionary(c => c.Id);

        Assert.Equal("/videoId", containers["videoEmbeddings"].PartitionKeyPath);
        Assert.Equal("/id", containers["queryEmbeddings"].PartitionKeyPath);
        Assert.Null(containers["videoEmbeddings"].DefaultTimeToLive);
        Assert.Equal(-1, containers["queryEmbeddings"].DefaultTimeToLive);
        Assert.All(containers.Values, c => Assert.Equal(PartitionKeyDefinitionVersion.V2, c.PartitionKeyDefinitionVersion));
        // The vectors are never indexed; the field and the video id are, for the ordered read of one field.
        Assert.Contains("/vector/?", containers["videoEmbeddings"].IndexingPolicy.ExcludedPaths.Select(p => p.Path));
        Assert.DoesNotContain(containers["videoEmbeddings"].IndexingPolicy.ExcludedPaths, p => p.Path.StartsWith("/field", StringComparison.Ordinal) || p.Path.StartsWith("/videoId", StringComparison.Ordinal));
        Assert.Contains("/vector/?", containers["queryEmbeddings"].IndexingPolicy.ExcludedPaths.Select(p => p.Path));
        // userState exactly as the feature store defines it (its "/vector/*" exclusion covers the search embedding's vector).
        var userState = CosmosDocuments.Containers(options).Single(c => c.Id == "userState");
        Assert.Equal(userState.IndexingPolicy.ExcludedPaths.Select(p => p.Path), containers["userState"].IndexingPolicy.ExcludedPaths.Select(p => p.Path));
        Assert.Contains("/vector/*", containers["userState"].IndexingPolicy.ExcludedPaths.Select(p => p.Path));

        var named = new CosmosFeatureStoreOptions { VideoEmbeddingsContainer = "ve", QueryEmbeddingsContainer = "qe", UserStateContainer = "u" };
        Assert.Equal(["ve", "qe", "u"], CosmosEmbeddingDocuments.Containers(named).Select(c => c.Id));
    }

    [Fact]
    public void Options_OutOfRange_AreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Create(new CosmosFeatureStoreOptions { EmbeddingWriteConcurrency = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Create(new CosmosFeatureStoreOptions { EmbeddingReadPageSize = 0 }));
    }
}
