using VideoRec.Core.Bundles;
using VideoRec.Core.Feedback;
using VideoRec.Core.Matrix;
using VideoRec.Core.Models.Baselines;
using VideoRec.Core.Models.Wals;

namespace VideoRec.Api.Tests.Serving;

/// <summary>
/// A hand-made bundle whose every recommendation can be worked out on paper: two factors, two users, twelve videos
/// with languages, regions, creators and integrity flags.
/// </summary>
public static class ServingBundle
{
    /// <summary>The request time the tests pin.</summary>
    public static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Video id, WALS factors, training popularity, catalogue entry.</summary>
    public static readonly (string Id, float[] Factors, float Popularity, CatalogueEntry Entry)[] Videos =
    [
        ("v01", [0.90f, 0.00f], 3, new CatalogueEntry("One", ["drama"]) { Language = "en", CreatorId = "c1" }),
        ("v02", [0.85f, 0.05f], 9, new CatalogueEntry("Two (GB only)", ["drama"]) { Language = "en", AllowedRegions = ["GB"], CreatorId = "c2" }),
        ("v03", [0.80f, 0.00f], 8, new CatalogueEntry("Three (misinformation)", ["news"]) { Language = "en", Misinformation = true, CreatorId = "c3" }),
        ("v04", [0.75f, 0.00f], 7, new CatalogueEntry("Four (hidden)", ["drama"]) { Language = "en", Hidden = true, CreatorId = "c4" }),
        ("v05", [0.70f, 0.10f], 6, new CatalogueEntry("Five", ["comedy"]) { Language = "en", CreatorId = "c5" }),
        ("v06", [0.60f, 0.20f], 5, new CatalogueEntry("Six (Spanish)", ["comedy"]) { Language = "es", CreatorId = "c6" }),
        ("v07", [0.50f, 0.30f], 4, new CatalogueEntry("Seven", ["music"]) { Language = "en", CreatorId = "c7" }),
        ("v08", [0.40f, 0.40f], 2, new CatalogueEntry("Eight", ["music"]) { Language = "en", CreatorId = "c8" }),
        ("v09", [0.30f, 0.50f], 1, new CatalogueEntry("Nine", ["sport"]) { Language = "en", CreatorId = "c9" }),
        ("v10", [0.20f, 0.60f], 10, new CatalogueEntry("Ten", ["sport"]) { Language = "en", CreatorId = "c10" }),
        ("v11", [0.10f, 0.70f], 0, new CatalogueEntry("Eleven", ["kids"]) { Language = "en", CreatorId = "c11" }),
        ("v12", [0.95f, 0.00f], 12, new CatalogueEntry("Twelve (u1 saw it)", ["drama"]) { Language = "en", CreatorId = "c12" }),
    ];

    /// <summary>u1 leans on the first factor and saw v12; u2 on the second.</summary>
    public static readonly (string Id, float[] Factors)[] Users = [("u1", [1f, 0f]), ("u2", [0f, 1f])];

    /// <summary>The bundle, version <paramref name="version"/>.</summary>
    public static ModelBundle Create(string version = "wals-test-1")
    {
        var wals = new WalsOptions { Factors = 2 };
        var manifest = new BundleManifest
        {
            ModelVersion = version,
            CreatedAt = Now.AddDays(-1),
            Data = new BundleData("serving-test", "hand-made", new string('0', 64), Users.Length, Videos.Length, 1),
            Wals = wals,
            Relevance = new RelevancePolicy(),
            Weights = new FeedbackWeights(),
        };
        var users = new IdIndex(Users.Select(u => u.Id));
        var videos = new IdIndex(Videos.Select(v => v.Id));
        var model = new WalsModel(2, [.. Users.SelectMany(u => u.Factors)], [.. Videos.SelectMany(v => v.Factors)], wals);
        var seen = SparseMatrix.FromEntries(users.Count, videos.Count, [new MatrixEntry(0, videos.IndexOf("v12"), 1, 1)]);
        return new ModelBundle(manifest, users, videos, model, new PopularityModel([.. Videos.Select(v => v.Popularity)]), seen, [.. Videos.Select(v => v.Entry)]);
    }

    /// <summary>u1's WALS score of a video: its first factor.</summary>
    public static float U1Score(string videoId) => Videos.Single(v => v.Id == videoId).Factors[0];
}
