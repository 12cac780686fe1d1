using VideoRec.Core.Bundles;
using VideoRec.Core.Domain;
using VideoRec.Core.Ingestion;
using VideoRec.Core.Ranking;

namespace VideoRec.Core.Serving;

/// <summary>
/// The recommend and similar-videos handlers shared by the Azure Functions and the local host (ARCHITECTURE,
/// "Recommend"). A user gets WALS scores over the catalogue with already-seen videos removed, from the vector the
/// feature store refreshed by fold-in after their latest events when there is one for the served model, else from the
/// bundle; a user with neither gets the most popular videos (cold start). Thread-safe.
/// </summary>
/// <param name="bundles">The bundle to serve.</param>
/// <param name="options">Limits.</param>
/// <param name="store">The feature store with fresh vectors and histories; <c>null</c> to serve the bundle alone.</param>
/// <param name="refresher">Computes a stale vector at request time (WALS fold-in); <c>null</c> uses the stored vector as it is.</param>
public sealed class RecommendationHandler(IModelBundleProvider bundles, ServingOptions options, IFeatureStore? store = null, IUserVectorRefresher? refresher = null)
{
    /// <summary>The sources named in responses.</summary>
    public static class Sources
    {
        /// <summary>Matrix factorization scores.</summary>
        public const string Wals = "wals";

        /// <summary>Global popularity (cold start).</summary>
        public const string Popular = "popular";

        /// <summary>Item-to-item similarity of WALS video factors.</summary>
        public const string Similar = "similar";
    }

    /// <summary>Recommends up to <paramref name="k"/> videos for <paramref name="userId"/>.</summary>
    /// <param name="userId">The user; unknown users get popular videos.</param>
    /// <param name="k">How many; <see cref="ServingOptions.DefaultK"/> when <c>null</c>; must be 1..<see cref="ServingOptions.MaxK"/>.
    /// When k exceeds the videos available, all of them are returned.</param>
    /// <param name="cancellationToken">Cancels the store reads.</param>
    /// <returns>The response, or validation errors naming <c>userId</c> or <c>k</c>.</returns>
    public async Task<Outcome<RecommendationResponse>> RecommendAsync(string? userId, int? k, CancellationToken cancellationToken = default)
    {
        var errors = new Dictionary<string, string[]>();
        CheckId(errors, "userId", userId);
        var count = k ?? options.DefaultK;
        CheckK(errors, count);
        if (errors.Count > 0)
        {
            return Outcome<RecommendationResponse>.Invalid(errors);
        }

        var bundle = bundles.Current;
        var known = bundle.Users.TryGetIndex(userId!, out var user);
        UserVector? fresh = null;
        var consumed = new HashSet<int>();
        if (store is not null)
        {
            var state = await store.GetServingStateAsync(userId!, cancellationToken);
            var stored = await UserVectors.CurrentAsync(store, refresher, userId!, state.Vector, state.VectorStale, cancellationToken);
            fresh = stored?.ModelVersion == bundle.Version ? stored : null;
            foreach (var videoId in state.ConsumedVideoIds)
            {
                if (bundle.Videos.TryGetIndex(videoId, out var video))
                {
                    consumed.Add(video);
                }
            }

            // A user who deleted their data is served as new: the bundle's vector and history were learned from what they deleted.
            known &= state.DeletedAt is null;
        }

        bool Seen(int video) => consumed.Contains(video) || (known && bundle.Seen.Contains(user, video));
        var items = fresh is not null ? Personal(bundle, fresh.Vector, count, Seen)
            : known ? Personal(bundle, bundle.Wals.UserVector(user).ToArray(), count, Seen)
            : Popular(bundle, count, Seen);
        return Outcome<RecommendationResponse>.Ok(new RecommendationResponse(userId!, Guid.NewGuid().ToString("N"), bundle.Version, items));
    }

    /// <summary>
    /// The <paramref name="k"/> videos most similar to <paramref name="videoId"/> by WALS factors. Only videos with at
    /// least one positive training pair take part: the factors of a video nobody watched are noise, so such a query
    /// gets an empty list and such a video is never proposed.
    /// </summary>
    /// <returns>The response, validation errors naming <c>videoId</c> or <c>k</c>, or not-found for an unknown video.</returns>
    public Outcome<SimilarVideosResponse> Similar(string? videoId, int? k)
    {
        var errors = new Dictionary<string, string[]>();
        CheckId(errors, "videoId", videoId);
        var count = k ?? options.DefaultK;
        CheckK(errors, count);
        if (errors.Count > 0)
        {
            return Outcome<SimilarVideosResponse>.Invalid(errors);
        }

        var bundle = bundles.Current;
        if (!bundle.Videos.TryGetIndex(videoId!, out var video))
        {
            return Outcome<SimilarVideosResponse>.Missing($"Video '{videoId}' is not in the catalogue of model {bundle.Version}.");
        }

        var counts = bundle.Popularity.Counts.ToArray();
        var items = counts[video] <= 0
            ? []
            : bundle.Wals.SimilarVideos(video, count, v => counts[v] <= 0).Select(s => Item(bundle, s, Sources.Similar)).ToArray();
        return Outcome<SimilarVideosResponse>.Ok(new SimilarVideosResponse(videoId!, bundle.Version, items));
    }

    /// <summary>Liveness and the loaded version.</summary>
    public HealthResponse Health()
    {
        var bundle = bundles.Current;
        return new HealthResponse("ok", bundle.Version, bundle.Users.Count, bundle.Videos.Count);
    }

    private static RecommendedItem[] Personal(ModelBundle bundle, float[] vector, int k, Func<int, bool> seen)
    {
        var scores = new float[bundle.Videos.Count];
        bundle.Wals.Score(vector, scores);
        return TopK.Select(scores, k, seen).Select(s => Item(bundle, s, Sources.Wals)).ToArray();
    }

    private static RecommendedItem[] Popular(ModelBundle bundle, int k, Func<int, bool> seen) =>
        bundle.Popularity.Top(k, seen).Select(s => Item(bundle, s, Sources.Popular)).ToArray();

    private static RecommendedItem Item(ModelBundle bundle, ScoredIndex scored, string source) =>
        new(bundle.Videos[scored.Index], bundle.Catalogue[scored.Index].Title, scored.Score, source);

    private static void CheckId(Dictionary<string, string[]> errors, string field, string? id)
    {
        var problem = EntityIds.Check(id);
        if (problem != IdProblem.None)
        {
            errors[field] = [EntityIds.Describe(problem, field)];
        }
    }

    private void CheckK(Dictionary<string, string[]> errors, int k)
    {
        if (k < 1 || k > options.MaxK)
        {
            errors["k"] = [$"k must be an integer between 1 and {options.MaxK}."];
        }
    }
}
