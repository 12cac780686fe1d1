using VideoRec.Core.CandidateGeneration.Index;

namespace VideoRec.Core.Tests.CandidateGeneration;

/// <summary>The exact index against the IVideoVectorIndex contract, with hand-computed scores.</summary>
public sealed class ExactVectorIndexTests
{
    private static IndexedVideo V(string id, float[] vector, VideoIndexAttributes? attributes = null) =>
        new(id, vector, attributes ?? VideoIndexAttributes.Unrestricted);

    // a = (3, 4, 0), b = (0, −1, 2), c = (0.5, 0.5, 0); query q = (1, 1, 0).
    private static readonly IndexedVideo[] Three =
    [
        V("a", [3f, 4f, 0f]),
        V("b", [0f, -1f, 2f]),
        V("c", [0.5f, 0.5f, 0f]),
    ];

    [Fact]
    public void InnerProduct_ScoresAreDotProducts()
    {
        var index = new ExactVectorIndex(3, VectorMetric.InnerProduct);
        index.Upsert(Three);

        var matches = index.Search([1f, 1f, 0f], 3);

        // q·a = 3 + 4 = 7; q·c = 0.5 + 0.5 = 1; q·b = 0 − 1 + 0 = −1.
        Assert.Equal(["a", "c", "b"], matches.Select(m => m.VideoId));
        Assert.Equal([7f, 1f, -1f], matches.Select(m => m.Score));
        Assert.Equal("exact", index.Engine);
        Assert.Equal((3, VectorMetric.InnerProduct), (index.Dimensions, index.Metric));
    }

    [Fact]
    public void Cosine_ScoresAreNormalisedDotProducts()
    {
        var index = new ExactVectorIndex(3, VectorMetric.Cosine);
        index.Upsert(Three);

        var matches = index.Search([1f, 1f, 0f], 3);

        // |q| = √2. c: 1 / (√0.5 · √2) = 1; a: 7 / (5 · √2) = 0.98995; b: −1 / (√5 · √2) = −1/√10 = −0.31623.
        Assert.Equal(["c", "a", "b"], matches.Select(m => m.VideoId));
        Assert.Equal(1.0, matches[0].Score, 5);
        Assert.Equal(0.98995, matches[1].Score, 5);
        Assert.Equal(-0.31623, matches[2].Score, 5);

        // Scaling the query does not change cosine scores: (10, 10, 0) gives the same.
        var scaled = index.Search([10f, 10f, 0f], 1);
        Assert.Equal("c", scaled[0].VideoId);
        Assert.Equal(1.0, scaled[0].Score, 5);
    }

    [Fact]
    public void Ties_RankByInsertionOrder_NotById()
    {
        var index = new ExactVectorIndex(2, VectorMetric.InnerProduct);
        index.Upsert([V("m", [1f, 0f]), V("b", [0f, 1f]), V("k", [1f, 0f])]);
        index.Upsert([V("a", [1f, 0f]), V("z", [2f, 0f])]);

        // Query (1, 0): z = 2, then m = k = a = 1 in insertion order, then b = 0.
        Assert.Equal(["z", "m", "k", "a", "b"], index.Search([1f, 0f], 5).Select(m => m.VideoId));
    }

    [Fact]
    public async Task KAboveCount_ReturnsAll()
    {
        var index = new ExactVectorIndex(3, VectorMetric.InnerProduct);
        await index.UpsertAsync(Three);

        var matches = await index.SearchAsync(new float[] { 1f, 1f, 0f }, 100);

        Assert.Equal(["a", "c", "b"], matches.Select(m => m.VideoId));
        Assert.Equal(3L, await index.CountAsync());
        Assert.Empty(new ExactVectorIndex(3, VectorMetric.InnerProduct).Search([1f, 1f, 0f], 5)); // empty index
    }

    [Fact]
    public void UpsertTwice_KeepsOneEntryWithTheSecondVector()
    {
        var index = new ExactVectorIndex(2, VectorMetric.InnerProduct);
        index.Upsert([V("a", [1f, 0f]), V("b", [0f, 0.5f])]);
        index.Upsert([V("a", [0f, 3f])]);

        // Query (0, 1): a = 3 (second vector; the first would score 0), b = 0.5.
        var matches = index.Search([0f, 1f], 10);
        Assert.Equal(2, index.Count);
        Assert.Equal([new VectorMatch("a", 3f), new VectorMatch("b", 0.5f)], matches);

        // Repeated within one batch: the last occurrence wins. a = (0, 7) → 7.
        index.Upsert([V("a", [0f, 5f]), V("a", [0f, 7f])]);
        Assert.Equal(2, index.Count);
        Assert.Equal([new VectorMatch("a", 7f), new VectorMatch("b", 0.5f)], index.Search([0f, 1f], 10));
    }

    [Fact]
    public async Task Delete_NeverReturnsTheVideo_AndSlotReuseDoesNotResurrectIt()
    {
        var index = new ExactVectorIndex(2, VectorMetric.InnerProduct);
        index.Upsert([V("a", [5f, 0f]), V("b", [1f, 0f]), V("c", [2f, 0f])]);

        Assert.Equal(1, await index.DeleteAsync(["a", "nope"]));
        Assert.Equal(0, await index.DeleteAsync(["a"])); // already gone
        Assert.Equal(2, index.Count);
        Assert.Equal(["c", "b"], index.Search([1f, 0f], 10).Select(m => m.VideoId));

        // "n" takes a's freed slot with its own vector (0, 1): query (1, 0) scores n at 0, never 5, and a stays gone.
        index.Upsert([V("n", [0f, 1f])]);
        var matches = index.Search([1f, 0f], 10);
        Assert.Equal([new VectorMatch("c", 2f), new VectorMatch("b", 1f), new VectorMatch("n", 0f)], matches);
        Assert.DoesNotContain(matches, m => m.VideoId == "a");
        Assert.Equal(3, index.Count);
    }

    [Fact]
    public void Filter_WithExactlyKMatches_ReturnsThoseK_EvenWhenTheyScoreLowest()
    {
        var index = new ExactVectorIndex(1, VectorMetric.InnerProduct);

        // 10 videos scoring 10..1 for query (1); the 3 French ones score lowest (3, 2, 1).
        index.Upsert(Enumerable.Range(0, 10)
            .Select(i => V($"v{i}", [10f - i], new VideoIndexAttributes { Language = i >= 7 ? "fr" : "en" }))
            .ToArray());

        var matches = index.Search([1f], 3, new VectorSearchFilter { Language = "fr" });

        Assert.Equal([new VectorMatch("v7", 3f), new VectorMatch("v8", 2f), new VectorMatch("v9", 1f)], matches);
    }

    [Fact]
    public void HiddenVideos_AreLeftOutByDefault()
    {
        var index = new ExactVectorIndex(1, VectorMetric.InnerProduct);
        index.Upsert([V("h", [9f], new VideoIndexAttributes { Hidden = true }), V("v", [1f])]);

        Assert.Equal(["v"], index.Search([1f], 5).Select(m => m.VideoId));
        Assert.Equal(["h", "v"], index.Search([1f], 5, new VectorSearchFilter { IncludeHidden = true }).Select(m => m.VideoId));
    }

    [Fact]
    public void BadInput_Throws_AndABadBatchWritesNothing()
    {
        var index = new ExactVectorIndex(2, VectorMetric.InnerProduct);
        index.Upsert([V("a", [1f, 0f])]);

        Assert.Throws<ArgumentException>(() => index.Upsert([V("b", [1f, 0f, 0f])]));           // wrong length
        Assert.Throws<ArgumentException>(() => index.Upsert([V("b", [1f, 0f]), V("c", [float.NaN, 0f])])); // NaN
        Assert.Throws<ArgumentException>(() => index.Upsert([V("", [1f, 0f])]));                  // no id
        Assert.Equal(1, index.Count); // b was valid but its batch failed
        Assert.Throws<ArgumentException>(() => index.Search([1f], 1));                             // wrong length
        Assert.Throws<ArgumentException>(() => index.Search([1f, float.PositiveInfinity], 1));     // infinite
        Assert.Throws<ArgumentException>(() => index.Search([float.NaN, 0f], 1));                  // NaN
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Search([1f, 0f], 0));               // k = 0
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Search([1f, 0f], -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExactVectorIndex(0, VectorMetric.Cosine));
    }

    [Fact]
    public void ZeroVector_UnderCosine_NeverMatches_ButDoesUnderInnerProduct()
    {
        var cosine = new ExactVectorIndex(2, VectorMetric.Cosine);
        cosine.Upsert([V("zero", [0f, 0f]), V("x", [1f, 0f]), V("y", [0f, -1f])]);

        // Query (1, 0): x = 1, y = 0; the zero vector is left out, even though 0·q = 0 would tie y.
        Assert.Equal([new VectorMatch("x", 1f), new VectorMatch("y", 0f)], cosine.Search([1f, 0f], 10));
        Assert.Empty(cosine.Search([0f, 0f], 10)); // a zero query matches nothing

        var inner = new ExactVectorIndex(2, VectorMetric.InnerProduct);
        inner.Upsert([V("zero", [0f, 0f]), V("x", [1f, 0f])]);
        Assert.Equal([new VectorMatch("x", 1f), new VectorMatch("zero", 0f)], inner.Search([1f, 0f], 10));
    }

    [Fact]
    public void ManyVectors_PastTheInitialCapacity_MatchANaiveScan()
    {
        const int n = 300, dims = 5, k = 10;
        var random = new Random(20260110);
        var ids = Enumerable.Range(0, n).Select(i => $"v{i}").ToArray();
        var rows = ids.Select(_ => Enumerable.Range(0, dims).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray()).ToArray();
        var query = Enumerable.Range(0, dims).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var index = new ExactVectorIndex(dims, VectorMetric.Cosine, capacity: 16);
        index.Upsert(ids.Select((id, i) => V(id, rows[i])).ToArray());

        var matches = index.Search(query, k);

        static double Norm(float[] v) => Math.Sqrt(v.Sum(x => (double)x * x));
        var expected = rows.Select(r => r.Zip(query, (a, b) => (double)a * b).Sum() / (Norm(r) * Norm(query))).ToArray();
        var best = expected.OrderDescending().Take(k).ToArray();
        Assert.Equal(n, index.Count);
        Assert.Equal(k, matches.Count);
        for (var i = 0; i < k; i++)
        {
            Assert.Equal(best[i], matches[i].Score, 4);                                  // the k best scores, in order
            Assert.Equal(expected[int.Parse(matches[i].VideoId[1..])], matches[i].Score, 4); // each id's own cosine
        }
    }
}
