using VideoRec.Core.Bundles;
using VideoRec.Core.Domain;
using VideoRec.Core.Models.Wals;

namespace VideoRec.Azure.Tests.Support;

/// <summary>A three-video model bundle trained in a few milliseconds.</summary>
internal static class SmallBundle
{
    public static ModelBundle Train()
    {
        var at = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        var videos = new Dictionary<string, Video> { ["v1"] = new("v1", "First"), ["v2"] = new("v2", "Second"), ["v3"] = new("v3", "Third") };
        Interaction[] log = [new("alice", "v1", InteractionType.Watch, at), new("bob", "v2", InteractionType.Watch, at), new("bob", "v3", InteractionType.Like, at)];
        return BundleBuilder.Train(new Dataset("small", videos, new Dictionary<string, UserProfile>(), log), "test", new string('b', 64),
            new BundleTrainingOptions { Wals = new WalsOptions { Factors = 2, Iterations = 2 }, Evaluate = false });
    }
}
