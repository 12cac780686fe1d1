using VideoRec.Core.Bundles;
using VideoRec.Core.Domain;
using VideoRec.Core.Models.Wals;

namespace VideoRec.Core.Tests.Bundles.Publishing;

/// <summary>Tiny bundles whose versions differ by their training time.</summary>
internal static class PublishingTestBundles
{
    public static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    public static ModelBundle Train(DateTimeOffset at)
    {
        var videos = new Dictionary<string, Video> { ["v1"] = new("v1", "First"), ["v2"] = new("v2", "Second"), ["v3"] = new("v3", "Third") };
        Interaction[] log =
        [
            new("alice", "v1", InteractionType.Watch, T0), new("alice", "v2", InteractionType.Like, T0),
            new("bob", "v2", InteractionType.Watch, T0), new("bob", "v3", InteractionType.Watch, T0),
        ];
        return BundleBuilder.Train(new Dataset("tiny", videos, new Dictionary<string, UserProfile>(), log), "test", new string('a', 64),
            new BundleTrainingOptions { Wals = new WalsOptions { Factors = 2, Iterations = 2 }, Evaluate = false }, timeProvider: new Clock(at));
    }

    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
