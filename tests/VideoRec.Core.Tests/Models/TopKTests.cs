using VideoRec.Core.Ranking;

namespace VideoRec.Core.Tests.Models;

public sealed class TopKTests
{
    [Fact]
    public void Returns_the_best_k_in_descending_order_with_ties_to_the_lower_index()
    {
        float[] scores = [0.5f, 0.9f, 0.5f, 0.1f, 0.9f, float.NaN];

        var top = TopK.Select(scores, 4);

        Assert.Equal([1, 4, 0, 2], top.Select(s => s.Index).ToArray());
        Assert.Equal([0.9f, 0.9f, 0.5f, 0.5f], top.Select(s => s.Score).ToArray());
    }

    [Fact]
    public void Skips_excluded_and_nan_and_returns_everything_left_when_k_is_larger()
    {
        float[] scores = [3, 2, float.NaN, 1];

        var top = TopK.Select(scores, 100, i => i == 0);

        Assert.Equal([1, 3], top.Select(s => s.Index).ToArray());
        Assert.Empty(TopK.Select(scores, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => TopK.Select(scores, -1));
    }

    [Fact]
    public void Matches_a_full_sort_on_random_scores()
    {
        var random = new Random(17);
        var scores = Enumerable.Range(0, 1000).Select(_ => (float)Math.Round(random.NextDouble(), 2)).ToArray();

        var expected = scores.Select((s, i) => (s, i)).OrderByDescending(p => p.s).ThenBy(p => p.i).Take(50).Select(p => p.i).ToArray();

        Assert.Equal(expected, TopK.Select(scores, 50).Select(s => s.Index).ToArray());
    }
}
