using VideoRec.Core.Feedback;
using VideoRec.Training.TwoTower;

namespace VideoRec.Training.Tests.TwoTower;

public sealed class SyntheticTwoTowerDataTests
{
    [Fact]
    public void The_world_has_the_requested_shape_and_every_pair_is_relevant_and_distinct()
    {
        var world = SyntheticTwoTowerData.Generate(users: 300, videos: 120, interactionsPerUser: 10, seed: 5, textDimensions: 16, topics: 8);
        var table = world.Pairs.Table;

        Assert.Equal(300, table.Users.Count);
        Assert.Equal(120, table.Videos.Count);
        Assert.Equal(300, world.Dataset.Users.Count);
        Assert.Equal(120, world.Dataset.Videos.Count);
        Assert.Empty(world.Dataset.Interactions);
        Assert.All(world.Dataset.Videos.Values, v => Assert.True(v.Tags.Count > 0 && v.Language is not null && v.DurationSeconds > 0 && v.UploadedAt is not null));
        Assert.All(world.Dataset.Users.Values, u => Assert.True(u.Age is >= 13 and <= 80 && u.Country is not null && u.City is not null && u.Language is not null));
        Assert.All(world.TitleEmbeddings.Values, v => Assert.Equal(16, v.Length));
        Assert.Equal(8, world.TitleEmbeddings.Values.Distinct().Count()); // one vector per topic

        var perUser = table.Pairs.GroupBy(p => p.User).ToArray();
        Assert.Equal(300, perUser.Length);
        Assert.All(perUser, g => Assert.InRange(g.Count(), 5, 15));
        Assert.All(perUser, g => Assert.Equal(g.Count(), g.Select(p => p.Video).Distinct().Count()));
        Assert.All(table.Pairs, p => Assert.Equal(Relevance.Positive, RelevancePolicy.Default.Label(p.Feedback, world.Pairs.DurationSeconds[p.Video])));
        Assert.InRange(table.Pairs.Count / 300.0, 9, 11);
    }

    [Fact]
    public void The_same_seed_gives_the_same_world_and_topics_concentrate_each_user()
    {
        var a = SyntheticTwoTowerData.Generate(users: 200, videos: 400, interactionsPerUser: 20, seed: 11, textDimensions: 4);
        var b = SyntheticTwoTowerData.Generate(users: 200, videos: 400, interactionsPerUser: 20, seed: 11, textDimensions: 4);

        Assert.Equal(a.Pairs.Table.Pairs, b.Pairs.Table.Pairs);
        Assert.Equal(a.Dataset.Users["u17"], b.Dataset.Users["u17"]);

        // Most of a user's videos share a title vector (topic) with another of their videos: far above the 1-in-50 of random picks.
        var shares = a.Pairs.Table.Pairs.GroupBy(p => p.User).Select(g =>
        {
            var topics = g.Select(p => a.TitleEmbeddings[a.Pairs.Table.Videos[p.Video]]).ToArray();
            return topics.Count(t => topics.Count(o => ReferenceEquals(o, t)) > 1) / (double)topics.Length;
        }).Average();
        Assert.True(shares > 0.6, $"share of videos in a repeated topic {shares:F2}");
    }
}
