using VideoRec.Core.Reranking;
using static VideoRec.Core.Tests.Reranking.RerankFixtures;

namespace VideoRec.Core.Tests.Reranking;

/// <summary>Bad, odd and extreme input to <see cref="ReRanker"/>.</summary>
public sealed class ReRankerEdgeCaseTests
{
    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(-5_000_000_000L)]
    public void Thompson_sampling_survives_click_counts_that_overflow_or_are_negative(long clicks)
    {
        // Clicks + 1 overflowed to long.MinValue (or was negative), and the Gamma sampler recursed on shape + 1 until the
        // stack overflowed, killing the process.
        var options = Plain();
        options.ExplorationShare = 0.5;
        options.Exploration = ExplorationPolicy.Thompson;
        var fresh = Video() with { Impressions = 50, Clicks = clicks };

        var result = ReRanker.Rerank([C("old", 0.9), C("new", 0.1, fresh)], Context(k: 2), options);

        Assert.Equal(["old", "new"], result.Items.Select(i => i.VideoId));
        Assert.StartsWith("exploration slot for a new video (Thompson draw ", result.Items[1].Reasons[^1]);
    }

    [Fact]
    public void Creator_caps_do_not_leave_the_page_short_when_the_top_hundred_share_one_creator()
    {
        // MMR looked only at the best max(4k, 100) candidates: with the top 120 from one creator capped at 1 per page,
        // the page held 1 video although 30 other creators' videos were there.
        var candidates = Enumerable.Range(0, 120).Select(i => C($"a{i:000}", 1000 - i, Video("a")))
            .Concat(Enumerable.Range(0, 30).Select(i => C($"c{i:00}", 100 - i, Video($"c{i}"))))
            .ToArray();
        var options = Plain();
        options.MaxCreatorShare = 0.1;

        var result = ReRanker.Rerank(candidates, Context(k: 10), options);

        Assert.Equal(["a000", "c00", "c01", "c02", "c03", "c04", "c05", "c06", "c07", "c08"], result.Items.Select(i => i.VideoId));
    }

    [Fact]
    public void A_page_size_of_int_max_returns_every_candidate_without_allocating_the_page()
    {
        // The page was allocated as an array of k slots: k = int.MaxValue threw OutOfMemoryException.
        var options = Plain();
        options.ExplorationShare = 0.5;
        var fresh = Video() with { Impressions = 5 };

        var result = ReRanker.Rerank([C("b", 0.5), C("a", 0.9), C("c", 0.7), C("n", 0.1, fresh)], Context(k: int.MaxValue), options);

        Assert.Equal(["a", "c", "b", "n"], result.Items.Select(i => i.VideoId));
        Assert.Equal([0, 1, 2, 3], result.Items.Select(i => i.Position));
    }

    [Fact]
    public void A_candidate_without_a_usable_score_does_not_flatten_the_others_relevance()
    {
        // Its sentinel score (double.MinValue / 4) set the bottom of MMR's min-max normalisation, so every real score
        // normalised to 1.0 and diversity alone ordered the page: c (0.1) came before b (0.8).
        var options = Plain();
        options.DiversityLambda = 0.7;
        Rerank_is_a_b_c_n(options, [C("a", 0.9, Video(embedding: [1, 0])), C("b", 0.8, Video(embedding: [1, 0.1f])),
            C("c", 0.1, Video(embedding: [0, 1])), C("n", double.NaN, Video(embedding: [0, -1]))]);
    }

    [Fact]
    public void An_over_exposed_candidate_without_a_usable_score_does_not_empty_the_page()
    {
        // Demoting the sentinel score by a factor below 0.25 made it -infinity: the normalisation span became infinite,
        // every MMR value NaN, and the page came back empty.
        var options = Plain();
        options.DiversityLambda = 0.7;
        options.OverexposureImpressions = 3;
        options.OverexposureFactor = 0.1;
        var context = Context() with { ShownWithoutClick = new Dictionary<string, int> { ["n"] = 3 } };

        var result = ReRanker.Rerank([C("a", 0.9, Video(embedding: [1, 0])), C("b", 0.8, Video(embedding: [1, 0.1f])),
            C("c", 0.1, Video(embedding: [0, 1])), C("n", double.NaN, Video(embedding: [0, -1]))], context, options);

        Assert.Equal(["a", "b", "c", "n"], result.Items.Select(i => i.VideoId));
    }

    [Fact]
    public void Scores_near_the_double_range_do_not_drop_the_best_video()
    {
        // max − min overflowed to infinity: the best video's relevance was ∞/∞ = NaN, it never won a comparison and
        // was silently left off the page.
        var options = Plain();
        options.DiversityLambda = 0.7;
        Rerank_is_a_b_c_n(options, [C("a", 1e308, Video(embedding: [1, 0])), C("b", 1e307, Video(embedding: [1, 0.1f])),
            C("c", -1e308, Video(embedding: [0, 1]))]);
    }

    [Fact]
    public void Null_or_blank_tags_are_ignored_not_a_crash()
    {
        // Every chosen video's tags were counted into a dictionary: a null tag threw ArgumentNullException for the
        // whole page, even with the tag cap off; a null tag list threw NullReferenceException.
        var result = ReRanker.Rerank([C("a", 0.9, Video() with { Tags = ["drama", null!, " "] }), C("b", 0.5, Video() with { Tags = null! })],
            Context(), Plain());

        Assert.Equal(["a", "b"], result.Items.Select(i => i.VideoId));
    }

    [Fact]
    public void A_blank_creator_id_is_an_unknown_creator_not_one_shared_creator()
    {
        // "" was counted as one creator: with a cap of 1 per page, only one of the videos without a creator survived.
        var options = Plain();
        options.MaxCreatorShare = 0.1;

        var result = ReRanker.Rerank([C("a", 0.9, Video("")), C("b", 0.8, Video("")), C("c", 0.7, Video(" "))], Context(), options);

        Assert.Equal(["a", "b", "c"], result.Items.Select(i => i.VideoId));
        Assert.Empty(result.Removed);
    }

    private static void Rerank_is_a_b_c_n(RerankOptions options, RerankCandidate[] candidates)
    {
        var result = ReRanker.Rerank(candidates, Context(), options);

        Assert.Equal(new[] { "a", "b", "c", "n" }.Take(candidates.Length), result.Items.Select(i => i.VideoId));
    }
}
