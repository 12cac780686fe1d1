using VideoRec.Contracts;
using VideoRec.Core.CandidateGeneration.Index;
using VideoRec.Local.VectorIndex;

namespace VideoRec.VectorIndex.Tests;

/// <summary>USearch beyond the contract: recall floor, the exact fallback of selective filters, growth, options, disposal.</summary>
public sealed class USearchSearchTests
{
    [Fact]
    public void Recall_at_10_is_at_least_095_against_exact_search_on_20000_random_32_d_vectors()
    {
        const int dimensions = 32;
        var videos = SeededVectors.Videos(seed: 30, count: 20_000, dimensions);
        using var hnsw = new USearchVectorIndex(dimensions, VectorMetric.InnerProduct, new UsearchIndexOptions { Threads = 2 });
        var exact = new ExactVectorIndex(dimensions, VectorMetric.InnerProduct, 20_000);
        hnsw.Upsert(videos);
        exact.Upsert(videos);

        var hits = 0;
        var queries = SeededVectors.Gaussian(seed: 31, count: 200, dimensions);
        foreach (var query in queries)
        {
            var truth = exact.Search(query, 10).Select(m => m.VideoId).ToHashSet();
            hits += hnsw.Search(query, 10).Count(m => truth.Contains(m.VideoId));
        }

        var recall = hits / (10.0 * queries.Length);
        Assert.True(recall >= 0.95, $"recall@10 = {recall:F3}");
    }

    [Fact]
    public void A_selective_filter_the_graph_walk_misses_falls_back_to_an_exact_scan_of_the_matching_videos()
    {
        const int dimensions = 8;
        // A sparse, shallow graph and a minimal expansion: the walk from the query stays among the non-matching cluster.
        using var index = new USearchVectorIndex(dimensions, VectorMetric.InnerProduct,
            new UsearchIndexOptions { Connectivity = 4, ExpansionAdd = 8, ExpansionSearch = 1, Threads = 2 });
        var exact = new ExactVectorIndex(dimensions, VectorMetric.InnerProduct);
        var query = SeededVectors.Gaussian(seed: 40, count: 1, dimensions)[0];
        var videos = SeededVectors.Gaussian(seed: 41, count: 5000, dimensions).Select((v, i) =>
        {
            var matching = i % 500 == 0;
            var vector = v.Select((x, d) => matching ? x - 3 * query[d] : x + 3 * query[d]).ToArray();
            return new IndexedVideo($"v{i}", vector, new VideoIndexAttributes { Language = matching ? "fr" : "en" });
        }).ToArray();
        index.Upsert(videos);
        exact.Upsert(videos);
        var filter = new VectorSearchFilter { Language = "fr" };

        var results = index.Search(query, 10, filter);

        Assert.Equal(exact.Search(query, 10, filter).Select(m => m.VideoId), results.Select(m => m.VideoId));
        Assert.Equal(exact.Search(query, 10, filter).Select(m => m.Score), results.Select(m => m.Score), (a, b) => Math.Abs(a - b) < 1e-5);
    }

    [Fact]
    public void Videos_added_one_at_a_time_grow_the_capacity_and_all_stay_findable()
    {
        using var index = new USearchVectorIndex(4, VectorMetric.Cosine, new UsearchIndexOptions { Threads = 1 });
        var videos = SeededVectors.Videos(seed: 50, count: 700, dimensions: 4);
        foreach (var video in videos)
        {
            index.Upsert([video]);
        }

        Assert.Equal(700, index.Count);
        Assert.True(index.NativeMemoryBytes > 700 * 4 * sizeof(float));
        Assert.Equal(700, index.Search(videos[0].Vector.Span, 1000).Count);
        Assert.All(videos.Take(50), v => Assert.Equal(v.VideoId, index.Search(v.Vector.Span, 1).Single().VideoId));
    }

    [Theory]
    [InlineData(1, 128, 128, 2, "Connectivity")]
    [InlineData(16, 0, 128, 2, "ExpansionAdd")]
    [InlineData(16, 128, 5000, 2, "ExpansionSearch")]
    [InlineData(16, 128, 128, 0, "Threads")]
    public void Options_out_of_range_are_refused_naming_the_option(int connectivity, int expansionAdd, int expansionSearch, int threads, string name)
    {
        var options = new UsearchIndexOptions { Connectivity = connectivity, ExpansionAdd = expansionAdd, ExpansionSearch = expansionSearch, Threads = threads };

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new USearchVectorIndex(8, VectorMetric.Cosine, options));

        Assert.Equal(name, error.ParamName);
    }

    [Fact]
    public void Bad_constructor_arguments_and_use_after_dispose_throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new USearchVectorIndex(0, VectorMetric.Cosine));
        Assert.Throws<ArgumentOutOfRangeException>(() => new USearchVectorIndex(4, (VectorMetric)7));
        var index = new USearchVectorIndex(2, VectorMetric.InnerProduct);
        index.Upsert([new IndexedVideo("a", new[] { 1f, 0f }, VideoIndexAttributes.Unrestricted)]);
        Assert.Equal("usearch-hnsw", index.Engine);
        index.Dispose();
        index.Dispose();

        Assert.Throws<ObjectDisposedException>(() => index.Search(new[] { 1f, 0f }, 1));
        Assert.Throws<ObjectDisposedException>(() => index.Count);
        Assert.Throws<ObjectDisposedException>(() => index.Upsert([new IndexedVideo("b", new[] { 1f, 0f }, VideoIndexAttributes.Unrestricted)]));
    }
}
