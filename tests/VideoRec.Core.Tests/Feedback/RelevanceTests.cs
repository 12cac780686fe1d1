using VideoRec.Core.Domain;
using VideoRec.Core.Feedback;

namespace VideoRec.Core.Tests.Feedback;

public sealed class RelevanceTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    private static PairFeedback Of(params (InteractionType Type, double? Value)[] events)
    {
        var feedback = default(PairFeedback);
        var t = T0;
        foreach (var (type, value) in events)
        {
            feedback.Add(new Interaction("u", "v", type, t) { Value = value });
            t = t.AddSeconds(1);
        }

        return feedback;
    }

    [Theory]
    [InlineData(40.0, 100.0, Relevance.None)]      // 40% watched
    [InlineData(50.0, 100.0, Relevance.Positive)]  // exactly half
    [InlineData(30.0, null, Relevance.None)]       // seconds but unknown length: cannot tell
    public void A_watch_is_relevant_from_half_the_video(double seconds, double? duration, Relevance expected)
    {
        Assert.Equal(expected, RelevancePolicy.Default.Label(Of((InteractionType.Watch, seconds)), duration));
    }

    [Fact]
    public void Watch_seconds_add_up_over_sessions_and_a_complete_watch_of_unknown_length_counts_as_whole()
    {
        Assert.Equal(Relevance.Positive, RelevancePolicy.Default.Label(Of((InteractionType.Watch, 30), (InteractionType.Watch, 25)), 100));
        Assert.Equal(Relevance.Positive, RelevancePolicy.Default.Label(Of((InteractionType.Watch, null)), null));
        Assert.Equal(1.0, Of((InteractionType.Watch, 500)).WatchFraction(100));
    }

    [Fact]
    public void Likes_are_positive_dislikes_negative_and_impressions_neutral()
    {
        Assert.Equal(Relevance.Positive, RelevancePolicy.Default.Label(Of((InteractionType.Like, null)), null));
        Assert.Equal(Relevance.Negative, RelevancePolicy.Default.Label(Of((InteractionType.Dislike, null)), null));
        Assert.Equal(Relevance.None, RelevancePolicy.Default.Label(Of((InteractionType.Impression, 3)), 100));
        Assert.Equal(Relevance.Negative, RelevancePolicy.Default.Label(Of((InteractionType.Watch, 10), (InteractionType.Dislike, null)), 100));
    }

    [Fact]
    public void Watched_then_disliked_is_positive_by_default_and_negative_when_dislike_wins()
    {
        var pair = Of((InteractionType.Watch, null), (InteractionType.Dislike, null));

        Assert.Equal(Relevance.Positive, RelevancePolicy.Default.Label(pair, null));
        Assert.Equal(Relevance.Negative, RelevancePolicy.DislikeWins.Label(pair, null));
    }

    [Fact]
    public void Strength_adds_watch_fraction_like_share_and_comment_and_dislikes_target_zero()
    {
        var weights = FeedbackWeights.Default;
        var watchedAndLiked = Of((InteractionType.Watch, 80), (InteractionType.Like, null), (InteractionType.Like, null), (InteractionType.Share, null));

        Assert.Equal((0.8f + 1f + 1f, 1f), weights.Entry(watchedAndLiked, Relevance.Positive, 100));
        Assert.Equal((0.25f, 1f), weights.Entry(Of((InteractionType.Click, null)), Relevance.None, 100));
        Assert.Null(weights.Entry(Of((InteractionType.Impression, 2)), Relevance.None, 100));
        Assert.Equal((1f, 0f), weights.Entry(Of((InteractionType.Dislike, null), (InteractionType.Dislike, null)), Relevance.Negative, 100));
    }

    [Fact]
    public void Pair_table_folds_events_per_pair_counts_searches_and_keeps_first_and_last_times()
    {
        Interaction[] log =
        [
            new("a", "v1", InteractionType.Watch, T0.AddSeconds(5)),
            new("a", null, InteractionType.Search, T0) { Text = "cats" },
            new("b", "v1", InteractionType.Like, T0),
            new("a", "v1", InteractionType.Like, T0.AddSeconds(1)),
            new("a", "v2", InteractionType.Impression, T0.AddSeconds(9)),
        ];

        var table = PairTable.Build(log);

        Assert.Equal(3, table.Pairs.Count);
        Assert.Equal(1, table.SkippedSearches);
        var av1 = table.Pairs[0];
        Assert.Equal((0, 0, 0), (av1.User, av1.Video, av1.Order));
        Assert.Equal((1, 1), (av1.Feedback.Watches, av1.Feedback.Likes));
        Assert.Equal(T0.AddSeconds(1), av1.Feedback.First);
        Assert.Equal(T0.AddSeconds(5), av1.Feedback.Last);
        Assert.Equal(["a", "b"], table.Users.Ids);
        Assert.Equal(["v1", "v2"], table.Videos.Ids);
    }

    [Fact]
    public void Matrix_builder_stores_positives_and_negatives_and_leaves_impressions_unobserved()
    {
        Interaction[] log =
        [
            new("a", "v1", InteractionType.Watch, T0),
            new("a", "v2", InteractionType.Dislike, T0),
            new("a", "v3", InteractionType.Impression, T0),
            new("b", "v3", InteractionType.Like, T0),
        ];
        var table = PairTable.Build(log);

        var matrix = new FeedbackMatrixBuilder(RelevancePolicy.Default, FeedbackWeights.Default).Build(2, 3, table.Pairs, [null, null, null]);

        Assert.Equal(3, matrix.NonZeros);
        Assert.Equal([0, 1], matrix.RowColumns(0).ToArray());
        Assert.Equal([1f, 0f], matrix.Preference[..2]);
        Assert.Equal([1f, 1f], matrix.Strength[..2]);
        Assert.Equal([2], matrix.RowColumns(1).ToArray());
    }
}
