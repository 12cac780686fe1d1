using VideoRec.Core.Domain;
using VideoRec.Core.Feedback;
using VideoRec.Core.Ingestion;
using VideoRec.Core.Models.Baselines;
using VideoRec.Core.Models.Wals;
using VideoRec.Core.Ranking;
using VideoRec.Core.Simulation;

namespace VideoRec.Core.Tests.Simulation;

public sealed class SimulatorTests
{
    private static readonly SimulationOptions Small = new() { Users = 400, Videos = 800, Topics = 16, Seed = 7 };

    [Fact]
    public void The_same_settings_give_the_same_world_and_history()
    {
        var a = SimulatedWorld.Create(Small);
        var b = SimulatedWorld.Create(Small);

        Assert.Equal(a.Videos.Select(v => (v.Id, v.Topic, v.Language, v.DurationSeconds, v.Quality)), b.Videos.Select(v => (v.Id, v.Topic, v.Language, v.DurationSeconds, v.Quality)));
        Assert.Equal(a.Users.Select(u => u.Preferences), b.Users.Select(u => u.Preferences));
        Assert.Equal(OrganicHistory.Generate(a, 3, seed: 1).Take(2000), OrganicHistory.Generate(b, 3, seed: 1).Take(2000));
        Assert.NotEqual(OrganicHistory.Generate(a, 3, seed: 1).Take(200), OrganicHistory.Generate(a, 3, seed: 2).Take(200));
    }

    [Fact]
    public void Relevance_follows_taste_quality_and_language()
    {
        var world = SimulatedWorld.Create(Small);
        var favouriteGap = new List<double>();
        for (var u = 0; u < world.Users.Count; u++)
        {
            var favourite = Array.IndexOf(world.Users[u].Preferences, world.Users[u].Preferences.Max());
            var inTopic = world.VideosOfTopic(favourite).Average(v => world.Relevance(u, v));
            var elsewhere = Enumerable.Range(0, world.Videos.Count).Where(v => world.Videos[v].Topic != favourite).Average(v => world.Relevance(u, v));
            favouriteGap.Add(inTopic - elsewhere);
        }

        Assert.True(favouriteGap.Average() > 0.2, $"mean gap {favouriteGap.Average():F3}");
        Assert.All(world.Videos.Where(v => v.Clickbait), v => Assert.True(v.Quality < 0.2 && v.Appeal > 0.85));
        // σ(1.5·ln(p·T/2 + 0.01) + 4(q − 0.5) − 2·[language differs]) by hand for user 0 and video 0.
        var user = world.Users[0];
        var video = world.Videos[0];
        var x = 1.5 * Math.Log(user.Preferences[video.Topic] * 16 / 2.0 + 0.01) + 4 * (video.Quality - 0.5) - (user.Language == video.Language ? 0 : 2);
        Assert.Equal(1 / (1 + Math.Exp(-x)), world.Relevance(0, 0), 12);
    }

    [Fact]
    public void Behaviour_shows_position_bias_and_clickbait_that_is_clicked_but_not_finished()
    {
        var world = SimulatedWorld.Create(Small with { ClickbaitShare = 0.1 });
        var events = OrganicHistory.Generate(world, 20, seed: 3).ToList();

        // Position 0 is clicked more than position 9 (bias (1 + p)^−0.7: 1 against 0.2); same candidate mix at every position.
        Assert.Equal(1.0, UserBehaviour.ClickProbability(0, 1, 0.5) / (0.52 * 1.0), 12);
        Assert.Equal(Math.Pow(10, -0.7), UserBehaviour.ClickProbability(9, 0.3, 0.2) / UserBehaviour.ClickProbability(0, 0.3, 0.2), 12);

        var clickbait = world.Videos.Where(v => v.Clickbait).Select(v => v.Id).ToHashSet();
        var duration = world.Videos.ToDictionary(v => v.Id, v => v.DurationSeconds);
        double Ctr(bool bait) => (double)events.Count(e => e.Type == InteractionType.Click && clickbait.Contains(e.VideoId!) == bait)
            / events.Count(e => e.Type == InteractionType.Impression && clickbait.Contains(e.VideoId!) == bait);
        double WatchFraction(bool bait) => events.Where(e => e.Type == InteractionType.Watch && clickbait.Contains(e.VideoId!) == bait).Average(e => e.Seconds!.Value / duration[e.VideoId!]);

        Assert.True(Ctr(true) > Ctr(false), $"clickbait CTR {Ctr(true):F3} vs {Ctr(false):F3}");
        Assert.True(WatchFraction(true) < WatchFraction(false) - 0.1, $"clickbait watch fraction {WatchFraction(true):F3} vs {WatchFraction(false):F3}");
    }

    [Fact]
    public void Simulated_events_pass_the_real_ingestion_validation()
    {
        var world = SimulatedWorld.Create(Small with { Users = 50 });
        var events = OrganicHistory.Generate(world, 2, seed: 4).Take(900).ToList();

        var parsed = EventBatchParser.Parse(IngestEventJson.WriteArray(events), world.Options.Start.AddDays(30), new IngestionOptions());

        Assert.Null(parsed.Failure);
        Assert.Empty(parsed.Rejected);
        Assert.Equal(events.Count, parsed.Accepted.Count);
    }

    [Fact]
    public void WALS_trained_on_the_simulated_history_recovers_known_preferences_better_than_popularity()
    {
        var world = SimulatedWorld.Create(Small);
        var interactions = OrganicHistory.Generate(world, 30, seed: 5).Select(e => e.ToInteraction()).ToList();
        var dataset = new Dataset("sim", world.Videos.ToDictionary(v => v.Id, v => new Video(v.Id, v.Title) { DurationSeconds = v.DurationSeconds }),
            new Dictionary<string, UserProfile>(), interactions);
        var pairs = DatasetPairs.From(dataset);
        var matrix = new FeedbackMatrixBuilder(RelevancePolicy.Default, FeedbackWeights.Default).Build(pairs.Table.Users.Count, pairs.Table.Videos.Count, pairs.Table.Pairs, pairs.DurationSeconds);
        var wals = WalsTrainer.Fit(matrix, new WalsOptions { Seed = 1 });
        var popularity = new PopularityModel(matrix);

        // Mean ground-truth relevance of each model's top 10 unseen videos, over users with a history.
        double MeanRelevance(Func<int, Func<int, bool>, ScoredIndex[]> top)
        {
            var total = 0.0;
            var users = 0;
            for (var u = 0; u < pairs.Table.Users.Count; u++)
            {
                var worldUser = int.Parse(pairs.Table.Users[u][1..], System.Globalization.CultureInfo.InvariantCulture);
                var row = u;
                var list = top(u, v => matrix.Contains(row, v));
                total += list.Average(s => world.Relevance(worldUser, int.Parse(pairs.Table.Videos[s.Index][1..], System.Globalization.CultureInfo.InvariantCulture)));
                users++;
            }

            return total / users;
        }

        var scores = new float[pairs.Table.Videos.Count];
        var walsRelevance = MeanRelevance((u, seen) =>
        {
            wals.Score(wals.UserVector(u), scores);
            return TopK.Select(scores, 10, seen);
        });
        var popularRelevance = MeanRelevance((_, seen) => popularity.Top(10, seen));

        Assert.True(walsRelevance > popularRelevance + 0.05, $"WALS {walsRelevance:F3} vs popularity {popularRelevance:F3}");
    }
}
