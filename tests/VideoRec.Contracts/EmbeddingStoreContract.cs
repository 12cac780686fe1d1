using VideoRec.Core.Embeddings;

namespace VideoRec.Contracts;

/// <summary>
/// The behaviour every <see cref="IEmbeddingStore"/> owes its callers, as facts that run once per implementation:
/// derive, implement <see cref="CreateStore"/>, and every [Fact] here runs against it.
/// </summary>
public abstract class EmbeddingStoreContract
{
    /// <summary>A new, empty store, independent of every other store this returns.</summary>
    protected abstract IEmbeddingStore CreateStore();

    private static CancellationToken None => CancellationToken.None;

    private static VideoTextEmbedding Video(string id, VideoTextField field, string hash, params float[] vector) => new(id, field, "m", hash, vector);

    [Fact]
    public async Task VideoEmbeddings_RoundTripExactly_AndUpsertReplaces()
    {
        var store = CreateStore();
        await store.UpsertVideoEmbeddingsAsync(
        [
            Video("v1", VideoTextField.Title, "h1", 0.6f, -0.8f, 0f),
            Video("v1", VideoTextField.Tags, "h2", 1f, 0f, 0f),
            Video("v2", VideoTextField.Title, "h3", float.Epsilon, -0f, 1e-30f),
        ], None);

        var title = await store.GetVideoEmbeddingAsync("v1", VideoTextField.Title, None);
        Assert.NotNull(title);
        Assert.Equal(("v1", VideoTextField.Title, "m", "h1"), (title.VideoId, title.Field, title.ModelId, title.TextHash));
        Assert.Equal(new float[] { 0.6f, -0.8f, 0f }, title.Vector);
        Assert.Equal(new float[] { float.Epsilon, -0f, 1e-30f }, (await store.GetVideoEmbeddingAsync("v2", VideoTextField.Title, None))!.Vector);
        Assert.Null(await store.GetVideoEmbeddingAsync("v2", VideoTextField.Tags, None));
        Assert.Null(await store.GetVideoEmbeddingAsync("v3", VideoTextField.Title, None));

        await store.UpsertVideoEmbeddingsAsync([Video("v1", VideoTextField.Title, "h9", 0f, 1f, 0f)], None);
        var replaced = await store.GetVideoEmbeddingAsync("v1", VideoTextField.Title, None);
        Assert.Equal("h9", replaced!.TextHash);
        Assert.Equal(new float[] { 0f, 1f, 0f }, replaced.Vector);
        Assert.Equal(new float[] { 1f, 0f, 0f }, (await store.GetVideoEmbeddingAsync("v1", VideoTextField.Tags, None))!.Vector);
    }

    [Fact]
    public async Task TextHashes_ListOnlyStoredFieldsOfTheAskedVideos()
    {
        var store = CreateStore();
        await store.UpsertVideoEmbeddingsAsync(
        [
            Video("v1", VideoTextField.Title, "a", 1f),
            Video("v1", VideoTextField.Tags, "b", 1f),
            Video("v2", VideoTextField.Title, "c", 1f),
            Video("v3", VideoTextField.Title, "d", 1f),
        ], None);

        var hashes = await store.GetVideoTextHashesAsync(["v1", "v2", "v9"], None);

        Assert.Equal(3, hashes.Count);
        Assert.Equal("a", hashes[("v1", VideoTextField.Title)]);
        Assert.Equal("b", hashes[("v1", VideoTextField.Tags)]);
        Assert.Equal("c", hashes[("v2", VideoTextField.Title)]);
        Assert.Empty(await store.GetVideoTextHashesAsync([], None));
    }

    [Fact]
    public async Task ReadVideoEmbeddings_ReturnsOneFieldInVideoIdOrder()
    {
        var store = CreateStore();
        await store.UpsertVideoEmbeddingsAsync(
        [
            Video("v3", VideoTextField.Title, "x", 3f),
            Video("v1", VideoTextField.Title, "x", 1f),
            Video("v2", VideoTextField.Tags, "x", 2f),
            Video("v10", VideoTextField.Title, "x", 10f),
        ], None);

        var titles = new List<VideoTextEmbedding>();
        await foreach (var e in store.ReadVideoEmbeddingsAsync(VideoTextField.Title, None))
        {
            titles.Add(e);
        }

        Assert.Equal(["v1", "v10", "v3"], titles.Select(t => t.VideoId));
        Assert.Equal(new float[] { 1f, 10f, 3f }, titles.Select(t => t.Vector[0]));
    }

    [Fact]
    public async Task QueryCache_ReturnsHitsOnly_AndReplacesEqualKeys()
    {
        var store = CreateStore();
        await store.PutQueryEmbeddingsAsync(new Dictionary<string, float[]> { ["k1"] = [1f, 2f], ["k2"] = [3f, 4f] }, None);
        await store.PutQueryEmbeddingsAsync(new Dictionary<string, float[]> { ["k2"] = [5f, 6f] }, None);

        var hits = await store.GetQueryEmbeddingsAsync(["k1", "k2", "k3"], None);

        Assert.Equal(2, hits.Count);
        Assert.Equal(new float[] { 1f, 2f }, hits["k1"]);
        Assert.Equal(new float[] { 5f, 6f }, hits["k2"]);
        Assert.Empty(await store.GetQueryEmbeddingsAsync(["nope"], None));
    }

    [Fact]
    public async Task UserSearchEmbedding_RoundTrips_ReplacesAndDeletes()
    {
        var store = CreateStore();
        var at = new DateTimeOffset(2025, 6, 2, 10, 0, 0, TimeSpan.Zero);
        Assert.Null(await store.GetUserSearchEmbeddingAsync("u1", None));

        await store.PutUserSearchEmbeddingAsync(new UserSearchEmbedding("u1", "m", [0.5f, 0.25f], 2, "q1", at), None);
        var stored = await store.GetUserSearchEmbeddingAsync("u1", None);
        Assert.NotNull(stored);
        Assert.Equal(("u1", "m", 2, "q1", at), (stored.UserId, stored.ModelId, stored.QueryCount, stored.QueriesHash, stored.AsOf));
        Assert.Equal(new float[] { 0.5f, 0.25f }, stored.Vector);

        await store.PutUserSearchEmbeddingAsync(new UserSearchEmbedding("u1", "m", [1f, 0f], 3, "q2", at.AddMinutes(1)), None);
        var replaced = await store.GetUserSearchEmbeddingAsync("u1", None);
        Assert.Equal((3, "q2", at.AddMinutes(1)), (replaced!.QueryCount, replaced.QueriesHash, replaced.AsOf));
        Assert.Equal(new float[] { 1f, 0f }, replaced.Vector);

        Assert.True(await store.DeleteUserSearchEmbeddingAsync("u1", None));
        Assert.False(await store.DeleteUserSearchEmbeddingAsync("u1", None));
        Assert.Null(await store.GetUserSearchEmbeddingAsync("u1", None));
    }

    [Fact]
    public async Task Ids_WithUnicodeAndPunctuation_AreKeptApart()
    {
        var store = CreateStore();
        string[] ids = ["vidéo", "video", "ビデオ", "v 1", "v'1", "v\"1", "v%1"];
        await store.UpsertVideoEmbeddingsAsync(ids.Select((id, i) => Video(id, VideoTextField.Title, $"h{i}", i)).ToList(), None);

        for (var i = 0; i < ids.Length; i++)
        {
            Assert.Equal((float)i, (await store.GetVideoEmbeddingAsync(ids[i], VideoTextField.Title, None))!.Vector[0]);
        }

        Assert.Equal(ids.Length, (await store.GetVideoTextHashesAsync(ids, None)).Count);
    }

    [Fact]
    public async Task ManyEmbeddings_InOneUpsert_AreAllStored()
    {
        var store = CreateStore();
        var many = Enumerable.Range(0, 1200).Select(i => Video($"v{i:D4}", VideoTextField.Title, $"h{i}", i, -i)).ToList();
        await store.UpsertVideoEmbeddingsAsync(many, None);

        var hashes = await store.GetVideoTextHashesAsync(many.Select(m => m.VideoId).ToList(), None);
        Assert.Equal(1200, hashes.Count);
        Assert.Equal("h1199", hashes[("v1199", VideoTextField.Title)]);
        Assert.Equal(new float[] { 1199f, -1199f }, (await store.GetVideoEmbeddingAsync("v1199", VideoTextField.Title, None))!.Vector);
    }
}
