using VideoRec.Core.Embeddings;

namespace VideoRec.Azure.Tests.Cosmos;

/// <summary>
/// The Cosmos DB embedding store against a live account (skipped without <c>VIDEOREC_COSMOS_CONNECTION</c>): the real
/// containers and indexing policies, transactional batches, read-many and the ordered cross-partition keyset read.
/// </summary>
public sealed class LiveCosmosEmbeddingStoreTests
{
    private static CancellationToken None => CancellationToken.None;

    [LiveCosmosFact]
    public async Task FullSizeEmbeddings_OnALiveAccount_RoundTripExactly_AndReadBackInOrdinalOrder()
    {
        var (store, drop) = await LiveCosmosEmbeddings.CreateStoreAsync("vrec-live-emb", readPageSize: 7);
        try
        {
            var random = new Random(11);
            float[] Vector() => Enumerable.Range(0, 384).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var ids = Enumerable.Range(0, 40).Select(i => $"v{i}").Append("vidéo").Append("ビデオ").Append("v 1").Append("v'\"%").ToList();
            var embeddings = ids.SelectMany(id => new[] { new VideoTextEmbedding(id, VideoTextField.Title, "m", "t" + id, Vector()), new VideoTextEmbedding(id, VideoTextField.Tags, "m", "g" + id, Vector()) })
                .ToList();

            await store.UpsertVideoEmbeddingsAsync(embeddings, None);

            var hashes = await store.GetVideoTextHashesAsync(ids, None);
            Assert.Equal(embeddings.Count, hashes.Count);
            var titles = new List<VideoTextEmbedding>();
            await foreach (var e in store.ReadVideoEmbeddingsAsync(VideoTextField.Title, None))
            {
                titles.Add(e);
            }

            Assert.Equal(ids.Order(StringComparer.Ordinal), titles.Select(t => t.VideoId));
            var expected = embeddings.Where(e => e.Field == VideoTextField.Title).ToDictionary(e => e.VideoId);
            Assert.All(titles, t => Assert.Equal(expected[t.VideoId].Vector.Select(BitConverter.SingleToInt32Bits), t.Vector.Select(BitConverter.SingleToInt32Bits)));

            await store.PutQueryEmbeddingsAsync(new Dictionary<string, float[]> { ["k1"] = Vector(), ["a/b"] = Vector() }, None);
            Assert.Equal(2, (await store.GetQueryEmbeddingsAsync(["k1", "a/b", "k3"], None)).Count);
        }
        finally
        {
            await drop();
        }
    }
}
