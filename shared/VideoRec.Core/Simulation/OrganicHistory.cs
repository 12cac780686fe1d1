using System.Globalization;
using VideoRec.Core.Common;
using VideoRec.Core.Domain;
using VideoRec.Core.Ingestion;
using VideoRec.Core.Synthetic;

namespace VideoRec.Core.Simulation;

/// <summary>
/// Generates a world's organic history: users visit a few times a day and are shown 10 videos per visit, half drawn from
/// their favourite topics (as subscriptions and search would bring them) and half by organic reach (popularity), only
/// videos allowed in their country; <see cref="UserBehaviour"/> decides what they click, watch, like and dislike. The
/// output is the real event contract (<see cref="IngestEvent"/>: impression, click, watch with seconds, like, dislike)
/// with deterministic event ids, ready for the ingestion path. Deterministic for the world and the seed.
/// </summary>
public static class OrganicHistory
{
    /// <summary>Videos shown per visit.</summary>
    public const int PageSize = 10;

    /// <summary>Generates <paramref name="days"/> days of history from the world's start, in time order per user.</summary>
    /// <param name="world">The world.</param>
    /// <param name="days">Days to simulate, at least 1.</param>
    /// <param name="seed">Random seed of the behaviour.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="days"/> is below 1.</exception>
    public static IEnumerable<IngestEvent> Generate(SimulatedWorld world, int days, int seed)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        var reach = new double[world.Videos.Count];
        var total = 0.0;
        for (var v = 0; v < reach.Length; v++)
        {
            total += world.Videos[v].PopularityWeight;
            reach[v] = total;
        }

        for (var u = 0; u < world.Users.Count; u++)
        {
            var random = new Random(Seeds.Derive(seed, u)); // not HashCode.Combine: it is salted per process.
            var user = world.Users[u];
            var sequence = 0;
            for (var day = 0; day < days; day++)
            {
                var visits = Synthetic.Sampling.Poisson(random, user.SessionsPerDay);
                for (var visit = 0; visit < visits; visit++)
                {
                    var at = world.Options.Start + TimeSpan.FromDays(day) + TimeSpan.FromSeconds(random.Next(86_400));
                    var shown = new HashSet<int>();
                    for (var attempt = 0; shown.Count < PageSize && attempt < 4 * PageSize; attempt++)
                    {
                        var video = random.NextDouble() < 0.5 ? FromTaste(world, user, random) : Sampling.Cumulative(reach, random.NextDouble() * total);
                        if (world.Allowed(u, video))
                        {
                            shown.Add(video);
                        }
                    }

                    var position = 0;
                    foreach (var video in shown)
                    {
                        foreach (var e in Events(world, u, video, position++, at, random, ref sequence))
                        {
                            yield return e;
                        }
                    }
                }
            }
        }
    }

    /// <summary>The events of one shown video: an impression, then the response's click, watch, like or dislike.</summary>
    public static IEnumerable<IngestEvent> Events(SimulatedWorld world, int user, int video, int position, DateTimeOffset at, Random random, ref int sequence)
    {
        ArgumentNullException.ThrowIfNull(world);
        var userId = world.Users[user].Id;
        var videoId = world.Videos[video].Id;
        var list = new List<IngestEvent> { new(Id(userId, sequence++), userId, videoId, InteractionType.Impression, at) };
        var response = UserBehaviour.Respond(world, user, video, position, random);
        if (response.Clicked)
        {
            list.Add(new IngestEvent(Id(userId, sequence++), userId, videoId, InteractionType.Click, at.AddSeconds(1)));
            list.Add(new IngestEvent(Id(userId, sequence++), userId, videoId, InteractionType.Watch, at.AddSeconds(2 + response.WatchSeconds)) { Seconds = response.WatchSeconds });
            if (response.Liked)
            {
                list.Add(new IngestEvent(Id(userId, sequence++), userId, videoId, InteractionType.Like, at.AddSeconds(3 + response.WatchSeconds)));
            }

            if (response.Disliked)
            {
                list.Add(new IngestEvent(Id(userId, sequence++), userId, videoId, InteractionType.Dislike, at.AddSeconds(3 + response.WatchSeconds)));
            }
        }

        return list;
    }

    private static string Id(string userId, int sequence) => $"sim-{userId}-{sequence.ToString(CultureInfo.InvariantCulture)}";

    private static int FromTaste(SimulatedWorld world, SimulatedUser user, Random random)
    {
        var x = random.NextDouble();
        var topic = 0;
        for (; topic < user.Preferences.Length - 1; topic++)
        {
            x -= user.Preferences[topic];
            if (x <= 0)
            {
                break;
            }
        }

        var videos = world.VideosOfTopic(topic);
        return videos.Count == 0 ? random.Next(world.Videos.Count) : videos[random.Next(videos.Count)];
    }


}
