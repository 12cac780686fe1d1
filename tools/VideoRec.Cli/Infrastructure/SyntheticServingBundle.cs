using System.Globalization;
using VideoRec.Core.Bundles;
using VideoRec.Core.CandidateGeneration.Index;
using VideoRec.Core.Feedback;
using VideoRec.Core.Matrix;
using VideoRec.Core.Models.Baselines;
using VideoRec.Core.Models.Wals;
using VideoRec.Core.Serving.Recommend;
using VideoRec.Core.Synthetic;

namespace VideoRec.Cli.Infrastructure;

/// <summary>
/// A serving bundle made from a <see cref="SyntheticCandidateWorld"/> for <c>vrec bench serve</c>: the world's WALS
/// spaces as the bundle's factors, view counts as popularity, each user's watch history as their seen videos, the
/// world's languages, regions and upload times in the catalogue (with a creator per 20 videos and the video's topic as
/// its tag), and its two-tower spaces as the two-tower part (the user tower replaced by the world's user embeddings).
/// </summary>
public static class SyntheticServingBundle
{
    /// <summary>The bundle of <paramref name="world"/>, version <paramref name="version"/>.</summary>
    public static ModelBundle Create(SyntheticCandidateWorld world, string version)
    {
        var d = world.Dimensions;
        var wals = new WalsOptions { Factors = d };
        var users = new IdIndex(Enumerable.Range(0, world.Users).Select(u => "u" + u.ToString(CultureInfo.InvariantCulture)));
        var popularity = new float[world.Videos];
        foreach (var view in world.Views)
        {
            if (world.VideoIds.TryGetIndex(view.VideoId, out var v))
            {
                popularity[v] += view.Count;
            }
        }

        var entries = new List<MatrixEntry>(world.Users * 50);
        for (var u = 0; u < world.Users; u++)
        {
            foreach (var id in world.Excluded[u].Order(StringComparer.Ordinal))
            {
                if (world.VideoIds.TryGetIndex(id, out var v))
                {
                    entries.Add(new MatrixEntry(u, v, 1, 1));
                }
            }
        }

        var creators = Math.Max(1, world.Videos / 20);
        var catalogue = new CatalogueEntry[world.Videos];
        for (var v = 0; v < catalogue.Length; v++)
        {
            var a = world.Attributes[v];
            catalogue[v] = new CatalogueEntry($"Video {v}", [$"tag-{v % 997}"])
            {
                Language = a.Language,
                AllowedRegions = a.AllowedRegions,
                UploadedAt = a.UploadedAt,
                Hidden = a.Hidden,
                CreatorId = "c" + (v % creators).ToString(CultureInfo.InvariantCulture),
            };
        }

        var manifest = new BundleManifest
        {
            ModelVersion = version,
            CreatedAt = world.Now,
            Data = new BundleData("synthetic", "synthetic-candidate-world", new string('0', 64), world.Users, world.Videos, entries.Count),
            Wals = wals,
            Relevance = new RelevancePolicy(),
            Weights = new FeedbackWeights(),
        };
        return new ModelBundle(manifest, users, world.VideoIds, new WalsModel(d, world.WalsUsers, world.WalsVideos, wals), new PopularityModel(popularity),
            SparseMatrix.FromEntries(world.Users, world.Videos, entries), catalogue);
    }

    /// <summary>The two-tower part: the world's video embeddings, and its user embeddings as the user tower's output.</summary>
    public static TwoTowerServing TwoTower(SyntheticCandidateWorld world) =>
        new(new VideoVectorTable(world.VideoIds, world.TwoTowerVideos, world.Dimensions), new LookupUserTower(world));

    /// <summary>The user tower of the synthetic world: a lookup of precomputed embeddings (<c>u&lt;n&gt;</c>), none for other users.</summary>
    private sealed class LookupUserTower(SyntheticCandidateWorld world) : IUserEmbedder
    {
        public int Dimensions => world.Dimensions;

        public ValueTask<float[]?> EmbedAsync(UserEmbeddingInput input, CancellationToken cancellationToken)
        {
            var id = input.UserId;
            return ValueTask.FromResult(id.Length > 1 && id[0] == 'u' && int.TryParse(id.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var u) && u < world.Users
                ? world.TwoTowerUsers.AsSpan(u * world.Dimensions, world.Dimensions).ToArray()
                : null);
        }
    }
}
