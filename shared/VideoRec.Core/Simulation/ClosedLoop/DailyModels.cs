using VideoRec.Core.CandidateGeneration;
using VideoRec.Core.CandidateGeneration.Activity;
using VideoRec.Core.CandidateGeneration.Index;
using VideoRec.Core.Domain;
using VideoRec.Core.Feedback;
using VideoRec.Core.Matrix;
using VideoRec.Core.Models.Baselines;
using VideoRec.Core.Models.Wals;

namespace VideoRec.Core.Simulation.ClosedLoop;

/// <summary>
/// What the platform's models know at the start of a simulated day, refreshed daily from every accepted event so far:
/// a WALS refit, the popularity counts, the activity snapshot (popular, trending, fresh lists) and the video indices
/// candidate generation searches (WALS factors by inner product; unit factors by cosine for "similar").
/// </summary>
internal sealed class DailyModels
{
    private DailyModels(WalsModel wals, IdIndex users, IdIndex videos, int[] popularOrder, PopularityModel popularity,
        VideoVectorTable factors, VideoVectorTable unitFactors, ExactVectorIndex factorIndex, ExactVectorIndex unitIndex, ActivitySnapshot snapshot)
    {
        Wals = wals;
        Users = users;
        Videos = videos;
        PopularOrder = popularOrder;
        Popularity = popularity;
        Factors = factors;
        UnitFactors = unitFactors;
        FactorIndex = factorIndex;
        UnitIndex = unitIndex;
        Snapshot = snapshot;
    }

    public WalsModel Wals { get; }

    public IdIndex Users { get; }

    public IdIndex Videos { get; }

    /// <summary>Video indices by descending popularity count (ties by index).</summary>
    public int[] PopularOrder { get; }

    public PopularityModel Popularity { get; }

    public VideoVectorTable Factors { get; }

    public VideoVectorTable UnitFactors { get; }

    public ExactVectorIndex FactorIndex { get; }

    public ExactVectorIndex UnitIndex { get; }

    public ActivitySnapshot Snapshot { get; }

    /// <summary>The user's WALS factors, or <c>null</c> for a user the model has not seen.</summary>
    public ReadOnlyMemory<float>? UserVector(string userId)
    {
        if (!Users.TryGetIndex(userId, out var u))
        {
            return null;
        }

        return new ReadOnlyMemory<float>(Wals.UserFactors, u * Wals.Factors, Wals.Factors);
    }

    public static DailyModels Train(SimulatedWorld world, IReadOnlyDictionary<string, Video> catalogue, CandidateCatalogue candidateCatalogue,
        IReadOnlyList<Interaction> interactions, IReadOnlyList<ViewEvent> views, DateTimeOffset asOf, WalsOptions walsOptions,
        CandidateGenerationOptions generation)
    {
        var videos = new IdIndex(world.Videos.Select(v => v.Id));
        var table = PairTable.Build(interactions, videos);
        var durations = world.Videos.Select(v => (double?)v.DurationSeconds).ToArray();
        var matrix = new FeedbackMatrixBuilder(RelevancePolicy.Default, FeedbackWeights.Default).Build(table.Users.Count, videos.Count, table.Pairs, durations);
        var wals = WalsTrainer.Fit(matrix, walsOptions);
        var popularity = new PopularityModel(matrix);
        var counts = popularity.Counts.ToArray();
        var order = Enumerable.Range(0, counts.Length).OrderByDescending(v => counts[v]).ThenBy(v => v).ToArray();

        var k = wals.Factors;
        var unit = new float[wals.VideoFactors.Length];
        for (var v = 0; v < videos.Count; v++)
        {
            var row = wals.VideoVector(v);
            var norm = MathF.Sqrt(System.Numerics.Tensors.TensorPrimitives.Dot(row, row));
            for (var f = 0; f < k; f++)
            {
                unit[v * k + f] = norm > 0 ? row[f] / norm : 0;
            }
        }

        var factors = new VideoVectorTable(videos, wals.VideoFactors, k);
        var unitFactors = new VideoVectorTable(videos, unit, k);
        var factorIndex = new ExactVectorIndex(k, VectorMetric.InnerProduct, videos.Count);
        var unitIndex = new ExactVectorIndex(k, VectorMetric.Cosine, videos.Count);
        VideoIndexAttributes Attributes(string id) => VideoIndexAttributes.From(catalogue[id]);
        factorIndex.Upsert(factors.Entries(Attributes).ToArray());
        unitIndex.Upsert(unitFactors.Entries(Attributes).ToArray());
        var snapshot = ActivitySnapshot.Build(candidateCatalogue, views, asOf, generation);
        return new DailyModels(wals, table.Users, videos, order, popularity, factors, unitFactors, factorIndex, unitIndex, snapshot);
    }
}
