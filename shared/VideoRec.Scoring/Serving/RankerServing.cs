using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VideoRec.Core.Bundles;
using VideoRec.Core.CandidateGeneration;
using VideoRec.Core.Domain;
using VideoRec.Core.Pipeline;
using VideoRec.Core.Scoring;
using VideoRec.Core.Serving.Recommend;
using VideoRec.Scoring.Onnx;

namespace VideoRec.Scoring.Serving;

/// <summary>
/// The scoring stage of each served model version (the <c>Func&lt;ServingModel, ICandidateScorer&gt;</c> of
/// <see cref="ServingModelBuilder"/>): the ranker of the bundle's <c>ranker/</c> folder when it has one
/// (<see cref="RankerCandidateScorer"/>, ONNX Runtime, one intra-op thread), else the WALS dot product as before.
/// </summary>
/// <remarks>
/// The ranker's video features are built from what the serving model holds: the bundle's catalogue (duration, upload
/// age, language, regions, tags), WALS video factors, the video tower's embeddings when the bundle has
/// <c>twotower/</c>, the co-watch lists of <c>ranker/cowatch.bin</c>, each video's training positives (the bundle's
/// popularity counts, as offline; also the floor of the views), and the views, impressions, clicks and completions of the activity refresh with the
/// trending scores of its lists. They are rebuilt on the refreshing thread whenever the activity is
/// (<see cref="ServingModel.ActivityUpdated"/>), never on a request. The user's view comes from the request
/// (<see cref="User"/>). Title and search-history embeddings are not served, so the search × title cosine always takes
/// its missing default. A ranker folder that does not load fails the version's build (the message names the file).
/// </remarks>
public static class RankerServing
{
    /// <summary>The scorer factory the hosts register (see <see cref="RankerServiceCollectionExtensions.AddRankerScoring"/>).</summary>
    /// <param name="loggers">Logs which scorer a version uses and failed feature rebuilds; <c>null</c> logs nothing.</param>
    public static Func<ServingModel, ICandidateScorer> Factory(ILoggerFactory? loggers = null)
    {
        var logger = (ILogger?)loggers?.CreateLogger(typeof(RankerServing).FullName!) ?? NullLogger.Instance;
        return model => Create(model, logger);
    }

    /// <summary>The ranker folder of <paramref name="bundle"/>, or <c>null</c> when it has none (or was not loaded from a folder).</summary>
    public static string? Folder(ModelBundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        return bundle.SourceDirectory is { } directory && Directory.Exists(Path.Combine(directory, RankerBundle.FolderName))
            ? Path.Combine(directory, RankerBundle.FolderName)
            : null;
    }

    /// <summary>The scorer of <paramref name="model"/>: its bundle's ranker, or <see cref="WalsCandidateScorer"/> when the bundle has no <c>ranker/</c> folder.</summary>
    /// <param name="model">The serving model being built (its bundle, catalogue, two-tower embeddings and activity are set).</param>
    /// <param name="logger">Logs the choice and failed feature rebuilds; <c>null</c> logs nothing.</param>
    /// <exception cref="FileNotFoundException">A file of the ranker folder is missing (the message names it).</exception>
    /// <exception cref="InvalidDataException">A file of the ranker folder is damaged or disagrees with the graph, the ranker reads two-tower
    /// embeddings the bundle does not have, its co-watch lists name videos the bundle lacks, or <c>ranker</c> is a file (the message names the file).</exception>
    public static ICandidateScorer Create(ServingModel model, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        logger ??= NullLogger.Instance;
        if (Folder(model.Bundle) is not { } folder)
        {
            // A file where the ranker folder belongs is a damaged bundle, not one without a ranker.
            return model.Bundle.SourceDirectory is { } directory && File.Exists(Path.Combine(directory, RankerBundle.FolderName))
                ? throw new InvalidDataException($"{Path.Combine(directory, RankerBundle.FolderName)} is a file; the ranker is a folder.")
                : new WalsCandidateScorer(model.Bundle);
        }

        var onnx = RankerBundle.Load(folder, intraOpThreads: 1);
        RankerCandidateScorer? scorer = null;
        try
        {
            var layout = onnx.Features;
            var tower = model.TwoTowerVideos;
            var dimensions = tower?.Dimensions ?? 0;
            if (layout.Settings.TwoTowerDimensions != 0 && layout.Settings.TwoTowerDimensions != dimensions)
            {
                throw new InvalidDataException($"{Path.Combine(folder, RankerBundle.FeaturesFile)}: the ranker reads {layout.Settings.TwoTowerDimensions}-dimensional two-tower embeddings; "
                    + (tower is null ? "the bundle has no twotower/ folder." : $"the bundle's twotower/ embeddings have {dimensions}."));
            }

            var coWatch = layout.Settings.CoWatch ? RankerBundle.LoadCoWatch(folder) : null; // a layout without the columns never reads them
            // Training writes the lists over the bundle's own catalogue; a video it lacks means the file belongs to another bundle
            // (the table would silently drop those lists and serve co-watch features the ranker never saw).
            if (coWatch?.Ids.Where(id => !model.Bundle.Videos.TryGetIndex(id, out _)).ToArray() is { Length: > 0 } unknown)
            {
                throw new InvalidDataException($"{Path.Combine(folder, RankerBundle.CoWatchFile)}: {unknown.Length} of its {coWatch.Count} videos are not in the bundle's catalogue "
                    + $"(first '{unknown[0]}'); the lists belong to another bundle.");
            }

            scorer = new RankerCandidateScorer(onnx, Videos(layout, model, coWatch), (request, _) => ValueTask.FromResult(User(request)));
            var gate = new Lock();
            model.ActivityUpdated += updated =>
            {
                lock (gate)
                {
                    try
                    {
                        scorer.Refresh(Videos(layout, updated, coWatch));
                    }
                    catch (Exception e)
                    {
                        logger.LogWarning(e, "Ranker video features of {ModelVersion} not rebuilt; the previous ones stay served.", updated.Version);
                    }
                }
            };
            logger.LogInformation("Serving model {ModelVersion} scores with {Scorer} from {Folder}.", model.Version, scorer.Name, folder);
            return scorer;
        }
        catch
        {
            if (scorer is not null)
            {
                scorer.Dispose();
            }
            else
            {
                onnx.Dispose();
            }

            throw;
        }
    }

    /// <summary>The scorer's view of the user of <paramref name="request"/>: what the recommend handler read (profile, history length, WALS and user-tower vectors, recent watches, country, language); no search-history embedding.</summary>
    public static ScoringUser User(CandidateRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new ScoringUser
        {
            UserId = request.UserId,
            Profile = request.Profile,
            Country = request.Country,
            Language = request.Language,
            TwoTower = request.TwoTowerEmbedding ?? default,
            Wals = request.WalsVector ?? default,
            RecentWatches = request.RecentWatches,
            HistoryLength = request.HistoryLength,
        };
    }

    /// <summary>The video feature cache of <paramref name="model"/>'s catalogue as of its last activity refresh.</summary>
    /// <param name="layout">The ranker's layout.</param>
    /// <param name="model">The serving model.</param>
    /// <param name="coWatch">The ranker's co-watch lists, or <c>null</c>.</param>
    public static VideoFeatureTable Videos(ScoringFeatures layout, ServingModel model, CoWatchNeighbours? coWatch)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(model);
        var bundle = model.Bundle;
        var ids = bundle.Videos;
        var statistics = model.Statistics;
        var snapshot = model.Snapshot;
        var trending = new double[ids.Count];
        foreach (var t in snapshot.Trending)
        {
            if (ids.TryGetIndex(snapshot.Catalogue.VideoIds[t.Index], out var v))
            {
                trending[v] = t.Score;
            }
        }

        var k = bundle.Wals.Factors;
        var positives = bundle.Popularity.Counts;
        var tower = model.TwoTowerVideos;
        var videos = new VideoScoringInput[ids.Count];
        for (var v = 0; v < videos.Length; v++)
        {
            var id = ids[v];
            var s = statistics.GetValueOrDefault(id);
            var trained = float.IsFinite(positives[v]) ? (long)Math.Max(0, Math.Round(positives[v])) : 0;

            // Views as offline: at least the relevant watches the bundle trained on (a feature store that only saw newer events, or none, would otherwise read 0).
            // The completion rate stays the store's completions over the store's views (missing without any), not over the floor.
            var activity = new VideoActivity(Math.Max(s?.Views ?? 0, trained), s?.Impressions ?? 0, s?.Clicks ?? 0, s?.Completions ?? 0, trained, trending[v], s?.Views ?? 0);
            videos[v] = new VideoScoringInput(id, Video(id, bundle.Catalogue[v]), activity, tower?.Find(id) ?? default,
                bundle.Wals.VideoFactors.AsMemory(v * k, k));
        }

        return new VideoFeatureTable(layout, videos, model.ActivityAsOf, k, textDimensions: 0, tower?.Dimensions ?? 0, coWatch);
    }

    private static Video Video(string id, CatalogueEntry entry) => new(id, entry.Title)
    {
        DurationSeconds = entry.DurationSeconds,
        Tags = entry.Tags ?? [],
        Language = entry.Language,
        UploadedAt = entry.UploadedAt,
        AllowedRegions = entry.AllowedRegions ?? [],
        CreatorId = entry.CreatorId,
        Hidden = entry.Hidden,
        Misinformation = entry.Misinformation,
        DuplicateGroup = entry.DuplicateGroup,
    };
}
