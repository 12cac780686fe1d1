using VideoRec.Training.Scoring;

namespace VideoRec.Training.Tests.Scoring;

public sealed class EaseNeighboursTests
{
    private static readonly string[] Ids = ["a", "b", "c"];

    /// <summary>Users {a, b}, {a, b}, {b, c}: XᵀX + I = [[3, 2, 0], [2, 4, 1], [0, 1, 2]], det 13, P = adj / 13.</summary>
    private static readonly int[][] Relevant = [[0, 1], [0, 1], [1, 2]];

    [Fact]
    public void The_weights_are_minus_the_inverse_over_its_diagonal_ordered_by_magnitude()
    {
        var lists = EaseNeighbours.Build(Ids, Relevant, lambda: 1, neighbours: 2);

        // P = [[7, −4, 2], [−4, 6, −3], [2, −3, 8]] / 13; B(j, i) = −P(j, i) / P(i, i).
        Assert.Equal([1, 2], lists.Neighbours(0).ToArray());
        Assert.Equal(4f / 6, lists.Weights(0)[0], 5);
        Assert.Equal(-2f / 8, lists.Weights(0)[1], 5);
        Assert.Equal([0, 2], lists.Neighbours(1).ToArray());
        Assert.Equal(4f / 7, lists.Weights(1)[0], 5);
        Assert.Equal(3f / 8, lists.Weights(1)[1], 5);
        Assert.Equal([1, 0], lists.Neighbours(2).ToArray());
        Assert.Equal(3f / 6, lists.Weights(2)[0], 5);
        Assert.Equal(-2f / 7, lists.Weights(2)[1], 5);
    }

    [Fact]
    public void Only_the_head_of_the_catalogue_takes_part_and_the_lists_are_cut()
    {
        // At most two videos: b (3 users) and a (2); c gets no list. [[3, 2], [2, 4]]⁻¹ = [[4, −2], [−2, 3]] / 8.
        var head = EaseNeighbours.Build(Ids, Relevant, lambda: 1, neighbours: 5, maxVideos: 2);

        Assert.Equal([1], head.Neighbours(0).ToArray());
        Assert.Equal(2f / 3, head.Weights(0)[0], 5);
        Assert.Equal([0], head.Neighbours(1).ToArray());
        Assert.Equal(0.5f, head.Weights(1)[0], 5);
        Assert.True(head.Neighbours(2).IsEmpty);

        var cut = EaseNeighbours.Build(Ids, Relevant, lambda: 1, neighbours: 1);
        Assert.Equal([1], cut.Neighbours(0).ToArray());
        Assert.Equal([1], cut.Neighbours(2).ToArray());
    }

    [Fact]
    public void Bad_parameters_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => EaseNeighbours.Build(Ids, Relevant, lambda: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => EaseNeighbours.Build(Ids, Relevant, neighbours: 0));
        Assert.Throws<ArgumentException>(() => EaseNeighbours.Build(Ids, [[0, 3]]));
        Assert.True(EaseNeighbours.Build(Ids, []).Neighbours(0).IsEmpty);
    }
}
