using VideoRec.Core.Feedback;
using VideoRec.Core.Matrix;

namespace VideoRec.Core.Tests.Feedback;

public sealed class PairTableFromPairsTests
{
    [Fact]
    public void Folded_pairs_are_kept_as_given_with_their_indices()
    {
        var users = new IdIndex(["u1", "u2"]);
        var videos = new IdIndex(["a", "b", "c"]);
        PairRecord[] pairs = [new(1, 2, new PairFeedback { Watches = 1 }, 0), new(0, 0, new PairFeedback { Likes = 1 }, 1)];

        var table = PairTable.FromPairs(users, videos, pairs);

        Assert.Same(users, table.Users);
        Assert.Same(videos, table.Videos);
        Assert.Equal(pairs, table.Pairs);
        Assert.Equal(0, table.SkippedSearches);
    }

    [Theory]
    [InlineData(2, 0)]
    [InlineData(0, 3)]
    [InlineData(-1, 0)]
    public void A_pair_outside_the_indices_is_refused(int user, int video)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            PairTable.FromPairs(new IdIndex(["u1", "u2"]), new IdIndex(["a", "b", "c"]), [new(0, 0, default, 0), new(user, video, default, 1)]));

        Assert.Contains($"Pair 1 has user {user} and video {video}", error.Message, StringComparison.Ordinal);
    }
}
