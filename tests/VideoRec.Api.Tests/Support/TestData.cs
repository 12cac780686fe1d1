using VideoRec.Core.Bundles;
using VideoRec.Core.Domain;
using VideoRec.Core.Models.Wals;

namespace VideoRec.Api.Tests.Support;

/// <summary>
/// A small dataset with planted structure:
/// <list type="bullet">
/// <item>Cluster A (v01..v04): seven users watched v01, v02 and v03 (three of them also v04); <c>alice</c> watched only
/// v01 and v02, so v03 must come first for her.</item>
/// <item>Cluster B (v05..v08): four users watched v05, v06 and v07 (two also v08); <c>bob</c> watched only v05 and v06,
/// so v07 must come first for him.</item>
/// <item>v09 has one like (user c1); v10 is in the catalogue but nobody touched it.</item>
/// </list>
/// Positive pairs per video are all different, so the cold-start popularity order has no ties:
/// v01 9, v02 8, v03 7, v05 6, v06 5, v07 4, v04 3, v08 2, v09 1, v10 0.
/// </summary>
public static class TestData
{
    public const string Alice = "alice";
    public const string Bob = "bob";

    /// <summary>Has a profile but no interactions, so the model does not know her: she gets popular videos.</summary>
    public const string ProfileOnlyUser = "carol";

    /// <summary>The fixed creation time of the bundle, so its version is reproducible.</summary>
    public static readonly DateTimeOffset CreatedAt = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static readonly string[] ClusterA = ["v01", "v02", "v03", "v04"];
    public static readonly string[] ClusterB = ["v05", "v06", "v07", "v08"];

    /// <summary>Every video id in catalogue order.</summary>
    public static readonly string[] VideoIds = ["v01", "v02", "v03", "v04", "v05", "v06", "v07", "v08", "v09", "v10"];

    /// <summary>The popularity order worked out by hand from <see cref="Histories"/>.</summary>
    public static readonly string[] PopularityOrder = ["v01", "v02", "v03", "v05", "v06", "v07", "v04", "v08", "v09", "v10"];

    /// <summary>What each user did, in log order (users ordered as they first appear).</summary>
    public static readonly (string User, string[] Watched, string[] LikedOnly)[] Histories =
    [
        ("a1", ["v01", "v02", "v03", "v04"], []),
        ("a2", ["v01", "v02", "v03", "v04"], []),
        ("a3", ["v01", "v02", "v03", "v04"], []),
        ("a4", ["v01", "v02", "v03"], []),
        ("a5", ["v01", "v02", "v03"], []),
        ("a6", ["v01", "v02", "v03"], []),
        ("a7", ["v01", "v02", "v03"], []),
        ("a8", ["v01"], []),
        (Alice, ["v01", "v02"], []),
        ("b1", ["v05", "v06", "v07", "v08"], []),
        ("b2", ["v05", "v06", "v07", "v08"], []),
        ("b3", ["v05", "v06", "v07"], []),
        ("b4", ["v05", "v06", "v07"], []),
        ("b5", ["v05"], []),
        (Bob, ["v05", "v06"], []),
        ("c1", [], ["v09"]),
    ];

    /// <summary>Users the model knows (those with interactions).</summary>
    public static int KnownUsers => Histories.Length;

    public static string Title(string videoId) => "Title of " + videoId.ToUpperInvariant();

    public static string[] Seen(string user)
    {
        var history = Histories.Single(h => h.User == user);
        return [.. history.Watched, .. history.LikedOnly];
    }

    public static Dataset Dataset()
    {
        var videos = VideoIds.ToDictionary(id => id, id => new Video(id, Title(id)) { Tags = ["tag-" + id] });
        var users = Histories.Select(h => h.User).Append(ProfileOnlyUser).ToDictionary(u => u, u => new UserProfile(u));
        var interactions = new List<Interaction>();
        var time = CreatedAt.AddDays(-30);
        foreach (var (user, watched, likedOnly) in Histories)
        {
            foreach (var video in watched)
            {
                time = time.AddMinutes(1);
                interactions.Add(new Interaction(user, video, InteractionType.Watch, time));

                // Some extra likes on pairs that are already positive: they add strength, not pairs.
                if (video is "v03" or "v07")
                {
                    time = time.AddMinutes(1);
                    interactions.Add(new Interaction(user, video, InteractionType.Like, time));
                }
            }

            foreach (var video in likedOnly)
            {
                time = time.AddMinutes(1);
                interactions.Add(new Interaction(user, video, InteractionType.Like, time));
            }
        }

        return new Dataset("api-tests", videos, users, interactions);
    }

    /// <summary>The test bundle.</summary>
    public static ModelBundle Train() => Train(CreatedAt);

    /// <summary>The test bundle trained at <paramref name="createdAt"/>: the same model under another version.</summary>
    public static ModelBundle Train(DateTimeOffset createdAt) =>
        BundleBuilder.Train(Dataset(), "test", "sha", new BundleTrainingOptions
        {
            Wals = new WalsOptions { Factors = 4, Iterations = 10, Regularization = 0.1f, Alpha = 5, Seed = 7, MaxDegreeOfParallelism = 1 },
            Evaluate = false,
        }, timeProvider: new FixedTimeProvider(createdAt));

    private sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
