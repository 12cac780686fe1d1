using VideoRec.Core.Bundles;
using VideoRec.Core.CandidateGeneration;
using VideoRec.Core.CandidateGeneration.Activity;
using VideoRec.Core.CandidateGeneration.Generators;
using VideoRec.Core.CandidateGeneration.Index;
using VideoRec.Core.Pipeline;

namespace VideoRec.Core.Serving.Recommend;

/// <summary>The two-tower part of a serving model: the video tower's outputs for the catalogue and the user tower.</summary>
/// <param name="Videos">Video embeddings, <c>[videos, d]</c>, with their ids.</param>
/// <param name="Users">The user tower.</param>
public sealed record TwoTowerServing(VideoVectorTable Videos, IUserEmbedder Users);

/// <summary>
/// Builds a <see cref="ServingModel"/> from a bundle: indexes each embedding space through the
/// <see cref="IServingIndexProvider"/> (WALS video factors by inner product; the two-tower video embeddings when the
/// bundle has them; cosine "similar" vectors: the two-tower embeddings, else the WALS factors), wires the six candidate
/// generators (design, "Candidate generation"), the scorer and the pipeline, and seeds the activity with the bundle's
/// popularity.
/// </summary>
/// <param name="options">Settings (validated: <see cref="ArgumentException"/> names every bad one).</param>
/// <param name="indexes">The index provider.</param>
/// <param name="twoTower">Loads the two-tower part of a bundle, or returns <c>null</c> when it has none; <c>null</c> serves without the two-tower source.</param>
/// <param name="scorer">The scoring stage of a model, one per model (an <see cref="IDisposable"/> one is disposed with it); <c>null</c> scores
/// by WALS (<see cref="WalsCandidateScorer"/>). What it throws (such as for a damaged <c>ranker/</c> folder) fails the build.</param>
public sealed class ServingModelBuilder(ServingModelOptions options, IServingIndexProvider indexes,
    Func<ModelBundle, TwoTowerServing?>? twoTower = null, Func<ServingModel, ICandidateScorer>? scorer = null)
{
    private readonly ServingModelOptions _options = (options ?? throw new ArgumentNullException(nameof(options))).EnsureValid();

    /// <summary>The settings.</summary>
    public ServingModelOptions Options => _options;

    /// <summary>Builds the serving model of <paramref name="bundle"/>.</summary>
    /// <param name="bundle">The bundle.</param>
    /// <param name="bundleDirectory">Where it was loaded from (a provider may keep saved indexes there); <c>null</c> for none.</param>
    /// <exception cref="InvalidDataException">The two-tower part does not match the bundle's catalogue.</exception>
    public ServingModel Build(ModelBundle bundle, string? bundleDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var videos = bundle.Videos;
        var attributes = new VideoIndexAttributes[videos.Count];
        for (var v = 0; v < attributes.Length; v++)
        {
            attributes[v] = bundle.Catalogue[v].Attributes();
        }

        var catalogue = new CandidateCatalogue(videos, attributes);
        var created = new List<IVideoVectorIndex>();
        TwoTowerServing? tower = null;
        try
        {
            tower = twoTower?.Invoke(bundle);
            if (tower is not null && tower.Videos.Dimensions != tower.Users.Dimensions)
            {
                throw new InvalidDataException($"{bundle.Version}: the two-tower video embeddings have {tower.Videos.Dimensions} dimensions, the user tower {tower.Users.Dimensions}.");
            }

            IVideoVectorIndex Index(string space, VectorMetric metric, VideoVectorTable rows)
            {
                var index = indexes.Create(new ServingIndexSpec(space, bundle.Version, bundleDirectory, metric, rows,
                    i => videos.TryGetIndex(rows.VideoIds[i], out var v) ? attributes[v] : VideoIndexAttributes.Unrestricted));
                created.Add(index);
                return index;
            }

            var enabled = _options.Candidates.EnabledSources.Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
            var walsTable = new VideoVectorTable(videos, bundle.Wals.VideoFactors, bundle.Wals.Factors);
            var generators = new List<ICandidateGenerator>();
            if (enabled.Contains(CandidateSources.Wals))
            {
                generators.Add(AnnCandidateGenerator.Wals(Index(CandidateSources.Wals, VectorMetric.InnerProduct, walsTable)));
            }

            IVideoVectorIndex? towerIndex = null;
            if (tower is not null && enabled.Contains(CandidateSources.TwoTower))
            {
                towerIndex = Index(CandidateSources.TwoTower, VectorMetric.InnerProduct, tower.Videos);
                generators.Add(AnnCandidateGenerator.TwoTower(towerIndex));
            }

            if (enabled.Contains(CandidateSources.Similar))
            {
                // Item-to-item by cosine: the two-tower embeddings are unit vectors, so their inner-product index serves as is.
                var similar = tower is not null
                    ? (towerIndex ?? Index(CandidateSources.TwoTower, VectorMetric.InnerProduct, tower.Videos), tower.Videos)
                    : (Index(CandidateSources.Similar, VectorMetric.Cosine, walsTable), walsTable);
                var cache = _options.SimilarCacheSeeds > 0
                    ? new NeighbourCache(similar.Item1, 3 * Math.Max(_options.Candidates.SimilarPerSeed, 1), _options.SimilarCacheSeeds)
                    : null;
                generators.Add(new SimilarToRecentCandidateGenerator(similar.Item1, similar.Item2, _options.Candidates, cache,
                    id => videos.TryGetIndex(id, out var v) ? attributes[v] : null));
            }

            ServingModel? model = null;
            var snapshot = () => model!.Snapshot;
            generators.Add(RankedListCandidateGenerator.Popular(snapshot));
            generators.Add(RankedListCandidateGenerator.Trending(snapshot));
            generators.Add(RankedListCandidateGenerator.Fresh(snapshot));
            var chosen = generators.Where(g => enabled.Contains(g.Name)).OrderBy(g => CandidateSources.Priority(g.Name)).ToArray();
            model = new ServingModel(bundle, catalogue, created, _options, m => scorer?.Invoke(m) ?? new WalsCandidateScorer(m.Bundle), _ => chosen, tower);
            return model;
        }
        catch
        {
            (tower?.Users as IDisposable)?.Dispose();
            foreach (var index in created)
            {
                (index as IDisposable)?.Dispose();
            }

            throw;
        }
    }
}
