using VideoRec.Core.CandidateGeneration.Index;

namespace VideoRec.Contracts;

/// <summary>
/// The behaviour every <see cref="IVideoVectorIndex"/> owes its callers (the contract in its remarks), as facts that
/// run once per engine and metric: derive, implement <see cref="Metric"/> and <see cref="Create"/>, and every [Fact]
/// here runs against it. Expected results are computed in the test by brute force in double precision.
/// </summary>
public abstract class VectorIndexContract
{
    private static readonly DateTimeOffset Epoch = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The metric every index of this run uses.</summary>
    protected abstract VectorMetric Metric { get; }

    /// <summary>A new, empty index of <paramref name="dimensions"/>-d vectors under <see cref="Metric"/>.</summary>
    protected abstract IVideoVectorIndex Create(int dimensions);

    /// <summary>The same index after a save and reopen, for engines that persist; engines that do not return it unchanged.</summary>
    protected virtual IVideoVectorIndex Reopen(IVideoVectorIndex index) => index;

    private static VideoIndexAttributes Plain => VideoIndexAttributes.Unrestricted;

    [Fact]
    public async Task K_above_the_number_of_indexed_videos_returns_all_of_them_best_first()
    {
        var index = Create(8);
        var videos = SeededVectors.Videos(seed: 1, count: 5, dimensions: 8);
        await index.UpsertAsync(videos);

        var results = await index.SearchAsync(SeededVectors.Gaussian(seed: 2, count: 1, dimensions: 8)[0], k: 50);

        Assert.Equal(videos.Select(v => v.VideoId).Order(), results.Select(r => r.VideoId).Order());
        Assert.Equal(results.OrderByDescending(r => r.Score).Select(r => r.VideoId), results.Select(r => r.VideoId));
        Assert.Equal(5, await index.CountAsync());
    }

    [Fact]
    public async Task The_same_video_inserted_twice_appears_once_with_the_second_vector()
    {
        var index = Create(3);
        await index.UpsertAsync([new IndexedVideo("v1", new[] { 1f, 0f, 0f }, Plain), new IndexedVideo("v2", new[] { 0.6f, 0.8f, 0f }, Plain)]);
        await index.UpsertAsync([new IndexedVideo("v1", new[] { 0f, 0f, 1f }, Plain)]);
        await index.UpsertAsync([new IndexedVideo("v3", new[] { 0f, 1f, 0f }, Plain), new IndexedVideo("v3", new[] { 0f, -1f, 0f }, Plain)]);

        var results = await index.SearchAsync(new[] { 0f, 0f, 1f }, k: 10);

        Assert.Equal(3, await index.CountAsync());
        Assert.Equal(["v1", "v2", "v3"], results.Select(r => r.VideoId).Order());
        Assert.Equal("v1", results[0].VideoId);
        Assert.Equal(1f, results[0].Score, 1e-5f);
        var v3 = await index.SearchAsync(new[] { 0f, -1f, 0f }, k: 1);
        Assert.Equal(new VectorMatch("v3", 1f), v3.Single() with { Score = MathF.Round(v3.Single().Score, 5) });
    }

    [Fact]
    public async Task A_deleted_video_never_comes_back_after_more_writes_and_a_reopen()
    {
        var index = Create(8);
        var videos = SeededVectors.Videos(seed: 3, count: 60, dimensions: 8);
        await index.UpsertAsync(videos);
        var deleted = videos.Take(10).Select(v => v.VideoId).ToHashSet();

        Assert.Equal(10, await index.DeleteAsync([.. deleted, "never-indexed"]));
        Assert.Equal(0, await index.DeleteAsync(deleted));
        await index.UpsertAsync(SeededVectors.Videos(seed: 4, count: 30, dimensions: 8, prefix: "new"));
        index = Reopen(index);

        Assert.Equal(80, await index.CountAsync());
        foreach (var video in videos.Take(10))
        {
            var nearest = await index.SearchAsync(video.Vector, k: 100);
            Assert.Equal(80, nearest.Count);
            Assert.DoesNotContain(nearest, r => deleted.Contains(r.VideoId));
        }
    }

    [Fact]
    public async Task Results_match_brute_force_ids_and_scores_on_a_seeded_set()
    {
        const int dimensions = 12;
        var index = Create(dimensions);
        var videos = SeededVectors.Videos(seed: 5, count: 400, dimensions);
        await index.UpsertAsync(videos);

        foreach (var query in SeededVectors.Gaussian(seed: 6, count: 25, dimensions))
        {
            var expected = BruteForce(videos, query, 10, _ => true);
            var actual = await index.SearchAsync(query, k: 10);

            Assert.Equal(expected.Select(e => e.VideoId), actual.Select(a => a.VideoId));
            for (var i = 0; i < expected.Length; i++)
            {
                Assert.Equal(expected[i].Score, actual[i].Score, 1e-5);
            }
        }
    }

    public static TheoryData<string> FilterKinds => ["language", "country", "hidden", "upload-window", "excluded-ids"];

    [Theory]
    [MemberData(nameof(FilterKinds))]
    public async Task A_filter_with_exactly_k_matching_videos_returns_those_k_best_first(string kind)
    {
        const int k = 7;
        const int dimensions = 8;
        var index = Create(dimensions);
        // 300 videos; the k matching ones lie opposite the query, where a graph walk from the query reaches them last.
        var query = SeededVectors.Gaussian(seed: 7, count: 1, dimensions)[0];
        var vectors = SeededVectors.Gaussian(seed: 8, count: 300, dimensions);
        var videos = new List<IndexedVideo>();
        for (var i = 0; i < vectors.Length; i++)
        {
            var matching = i % 40 == 3 && videos.Count(v => Passes(kind, v.Attributes)) < k;
            var vector = matching ? vectors[i].Select((x, d) => x * 0.1f - query[d]).ToArray() : vectors[i].Select((x, d) => x + query[d]).ToArray();
            videos.Add(new IndexedVideo($"v{i}", vector, AttributesFor(kind, matching)));
        }

        var filter = FilterFor(kind, videos.Where(v => !Passes(kind, v.Attributes)).Select(v => v.VideoId));
        Assert.Equal(k, videos.Count(v => filter.Matches(v.VideoId, v.Attributes)));
        await index.UpsertAsync(videos);

        var results = await index.SearchAsync(query, k, filter);

        var expected = BruteForce(videos, query, k, v => filter.Matches(v.VideoId, v.Attributes));
        Assert.Equal(expected.Select(e => e.VideoId), results.Select(r => r.VideoId));
        Assert.Equal(expected[0].Score, results[0].Score, 1e-5);
        Assert.Equal(k, (await index.SearchAsync(query, 100, filter)).Count);
        Assert.Equal(3, (await index.SearchAsync(query, 3, filter)).Count);
    }

    [Fact]
    public async Task Scores_are_similarities_computed_by_hand()
    {
        var index = Create(3);
        await index.UpsertAsync(
        [
            new IndexedVideo("a", new[] { 1f, 2f, 2f }, Plain), // |a| = 3
            new IndexedVideo("b", new[] { 0f, 3f, 4f }, Plain), // |b| = 5
            new IndexedVideo("c", new[] { -1f, 0f, 0f }, Plain),
        ]);

        var results = await index.SearchAsync(new[] { 2f, 1f, 0f }, k: 3); // |q| = √5

        Assert.Equal(["a", "b", "c"], results.Select(r => r.VideoId));
        double[] expected = Metric == VectorMetric.InnerProduct
            ? [4, 3, -2]
            : [4 / (3 * Math.Sqrt(5)), 3 / (5 * Math.Sqrt(5)), -2 / Math.Sqrt(5)];
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(expected[i], results[i].Score, 1e-5);
        }
    }

    [Fact]
    public async Task A_zero_vector_never_matches_under_cosine_and_scores_zero_under_inner_product()
    {
        var index = Create(2);
        await index.UpsertAsync([new IndexedVideo("zero", new[] { 0f, 0f }, Plain), new IndexedVideo("x", new[] { 1f, 0f }, Plain)]);

        var results = await index.SearchAsync(new[] { -1f, 0f }, k: 5);
        var fromZero = await index.SearchAsync(new[] { 0f, 0f }, k: 5);

        Assert.Equal(2, await index.CountAsync());
        if (Metric == VectorMetric.Cosine)
        {
            Assert.Equal([new VectorMatch("x", -1f)], results.Select(r => r with { Score = MathF.Round(r.Score, 5) }));
            Assert.Empty(fromZero);
        }
        else
        {
            Assert.Equal([new VectorMatch("zero", 0f), new VectorMatch("x", -1f)], results.Select(r => r with { Score = MathF.Round(r.Score, 5) }));
            Assert.Equal(2, fromZero.Count);
        }
    }

    [Fact]
    public async Task Bad_input_throws_argument_exceptions_and_changes_nothing()
    {
        var index = Create(3);
        await index.UpsertAsync([new IndexedVideo("ok", new[] { 1f, 0f, 0f }, Plain)]);

        await Assert.ThrowsAsync<ArgumentException>(async () => await index.UpsertAsync([new IndexedVideo("v", new[] { 1f, 0f }, Plain)]));
        await Assert.ThrowsAsync<ArgumentException>(async () =>
            await index.UpsertAsync([new IndexedVideo("v1", new[] { 1f, 0f, 0f }, Plain), new IndexedVideo("v2", new[] { float.NaN, 0f, 0f }, Plain)]));
        await Assert.ThrowsAsync<ArgumentException>(async () => await index.UpsertAsync([new IndexedVideo("", new[] { 1f, 0f, 0f }, Plain)]));
        await Assert.ThrowsAsync<ArgumentException>(async () => await index.SearchAsync(new[] { 1f, 0f }, 1));
        await Assert.ThrowsAsync<ArgumentException>(async () => await index.SearchAsync(new[] { 1f, float.PositiveInfinity, 0f }, 1));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await index.SearchAsync(new[] { 1f, 0f, 0f }, 0));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await index.DeleteAsync(null!));

        Assert.Equal(1, await index.CountAsync());
        Assert.Equal("ok", (await index.SearchAsync(new[] { 1f, 0f, 0f }, 5)).Single().VideoId);
    }

    [Fact]
    public async Task Concurrent_searches_while_writing_return_well_formed_results()
    {
        const int dimensions = 16;
        var index = Create(dimensions);
        await index.UpsertAsync(SeededVectors.Videos(seed: 9, count: 500, dimensions));
        var queries = SeededVectors.Gaussian(seed: 10, count: 50, dimensions);
        var filter = new VectorSearchFilter { ExcludedVideoIds = new HashSet<string> { "v1", "v2" } };

        var searchers = Enumerable.Range(0, 4).Select(t => Task.Run(async () =>
        {
            var returned = 0;
            for (var i = 0; i < 150; i++)
            {
                var results = await index.SearchAsync(queries[(i + t) % queries.Length], k: 20, i % 2 == 0 ? null : filter);
                Assert.Equal(20, results.Count);
                Assert.Equal(20, results.Select(r => r.VideoId).Distinct().Count());
                Assert.True(results.Zip(results.Skip(1)).All(p => p.First.Score >= p.Second.Score), "not ordered by score");
                Assert.True(i % 2 == 0 || results.All(r => r.VideoId is not "v1" and not "v2"));
                returned += results.Count;
            }

            return returned;
        })).ToArray();
        var writer = Task.Run(async () =>
        {
            for (var batch = 0; batch < 20; batch++)
            {
                await index.UpsertAsync(SeededVectors.Videos(seed: 100 + batch, count: 20, dimensions, prefix: $"w{batch}-"));
                await index.DeleteAsync(Enumerable.Range(0, 5).Select(i => $"w{batch}-v{i}").ToArray());
            }
        });

        var returned = await Task.WhenAll(searchers);
        await writer;

        Assert.All(returned, r => Assert.Equal(150 * 20, r));
        Assert.Equal(500 + 20 * 15, await index.CountAsync());
    }

    private static bool Passes(string kind, VideoIndexAttributes attributes) => kind switch
    {
        "language" => attributes.Language == "fr",
        "country" => attributes.AllowedRegions.Contains("FR"),
        "hidden" => !attributes.Hidden,
        "upload-window" => attributes.UploadedAt is { } at && at >= Epoch && at < Epoch.AddDays(7),
        _ => attributes.Language == "match",
    };

    private static VideoIndexAttributes AttributesFor(string kind, bool matching) => kind switch
    {
        "language" => new VideoIndexAttributes { Language = matching ? "fr" : "en" },
        "country" => new VideoIndexAttributes { AllowedRegions = matching ? ["DE", "FR"] : ["US", "GB"] },
        "hidden" => new VideoIndexAttributes { Hidden = !matching },
        "upload-window" => new VideoIndexAttributes { UploadedAt = matching ? Epoch.AddDays(3) : Epoch.AddDays(-1) },
        _ => new VideoIndexAttributes { Language = matching ? "match" : "other" },
    };

    private static VectorSearchFilter FilterFor(string kind, IEnumerable<string> nonMatching) => kind switch
    {
        "language" => new VectorSearchFilter { Language = "FR" },
        "country" => new VectorSearchFilter { Country = "fr" },
        "hidden" => VectorSearchFilter.None,
        "upload-window" => new VectorSearchFilter { UploadedFrom = Epoch, UploadedBefore = Epoch.AddDays(7) },
        _ => new VectorSearchFilter { ExcludedVideoIds = nonMatching.ToHashSet() },
    };

    /// <summary>Exact top k in double precision under <see cref="Metric"/>.</summary>
    private (string VideoId, double Score)[] BruteForce(IEnumerable<IndexedVideo> videos, float[] query, int k, Func<IndexedVideo, bool> keep) =>
        videos.Where(keep)
            .Select(v => (v.VideoId, Score: Similarity(query, v.Vector.Span)))
            .OrderByDescending(s => s.Score)
            .Take(k)
            .ToArray();

    private double Similarity(float[] q, ReadOnlySpan<float> v)
    {
        double dot = 0, qq = 0, vv = 0;
        for (var i = 0; i < q.Length; i++)
        {
            dot += (double)q[i] * v[i];
            qq += (double)q[i] * q[i];
            vv += (double)v[i] * v[i];
        }

        return Metric == VectorMetric.InnerProduct ? dot : dot / Math.Sqrt(qq * vv);
    }
}
