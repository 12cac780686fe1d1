using VideoRec.Core.Embeddings;

namespace VideoRec.Core.Tests.Embeddings;

/// <summary>Exact cosine search, field combination and the genre-agreement check, on hand-made vectors.</summary>
public sealed class VideoVectorIndexTests
{
    [Fact]
    public void Nearest_RanksByCosine_SkipsZeroRows_AndHonoursExclusions()
    {
        // a = (1, 0), b = (0.6, 0.8), c = (0, 2) → unit (0, 1), z = zero (empty text).
        var index = new VideoVectorIndex(["a", "b", "c", "z"], [1f, 0f, 0.6f, 0.8f, 0f, 2f, 0f, 0f], 2);

        var nearest = index.Nearest([3f, 0f], 10);

        Assert.Equal(["a", "b", "c"], nearest.Select(n => n.VideoId));
        Assert.Equal([1f, 0.6f, 0f], nearest.Select(n => n.Cosine));
        Assert.Equal(["b", "c"], index.Nearest([1f, 0f], 2, i => i == 0).Select(n => n.VideoId));
        Assert.Empty(index.Nearest([0f, 0f], 3)); // the zero query matches nothing
        Assert.Throws<ArgumentException>(() => index.Nearest([1f], 1));
        Assert.Equal(-1, index.IndexOf("nope"));
        Assert.True(index.Row("nope").IsEmpty);
    }

    [Fact]
    public void Combine_AddsUnitRows_SoAVideoMissingAFieldKeepsTheOther()
    {
        var titles = new VideoVectorIndex(["a", "b"], [1f, 0f, 0f, 1f], 2);
        var tags = new VideoVectorIndex(["a"], [0f, 5f], 2);

        var combined = VideoVectorIndex.Combine(titles, tags);

        var s = MathF.Sqrt(0.5f);
        Assert.Equal(s, combined.Row("a")[0], 6);
        Assert.Equal(s, combined.Row("a")[1], 6);
        Assert.Equal([0f, 1f], combined.Row("b").ToArray());
        Assert.Throws<ArgumentException>(() => VideoVectorIndex.Combine(titles, new VideoVectorIndex(["a"], [1f, 0f, 0f], 3)));
    }

    [Fact]
    public void LabelAgreement_MatchesAHandCount()
    {
        // Four videos on a line of angles; labels: a {x}, b {x}, c {y}, d {x, y}. k = 1:
        // a's nearest is b (shares x), b's is a (x), c's is d (y), d's is c (y): rate 4/4.
        // Random: ordered pairs sharing a label: a-b, a-d, b-d, c-d (×2) = 8 of 12.
        var index = new VideoVectorIndex(["a", "b", "c", "d"], [1f, 0f, 0.99f, 0.14f, 0f, 1f, 0.2f, 0.98f], 2);
        ulong x = 1, y = 2;

        var result = NeighbourLabelAgreement.Measure(index, [x, x, y, x | y], 1);

        Assert.Equal((1, 4, 1.0, 8.0 / 12), (result.K, result.Videos, result.Rate, result.RandomRate));
        Assert.Equal(1.5, result.Lift, 10);

        // k = 2 and an unlabelled video (it is neither a query nor a neighbour):
        // a: b, d → 2 hits; b: a, d → 2; d: c, b → 2 (c shares y, b shares x) → 6 of 6, c excluded.
        var partial = NeighbourLabelAgreement.Measure(index, [x, x, 0, x | y], 2);
        Assert.Equal((3, 1.0, 1.0), (partial.Videos, partial.Rate, partial.RandomRate));
        Assert.Throws<ArgumentException>(() => NeighbourLabelAgreement.Measure(index, [x], 1));
    }
}
