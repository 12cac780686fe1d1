using VideoRec.Core.Bundles;
using VideoRec.Core.CandidateGeneration;
using VideoRec.Core.CandidateGeneration.Activity;
using VideoRec.Core.CandidateGeneration.Index;
using VideoRec.Core.Ingestion;
using VideoRec.Core.Pipeline;
using VideoRec.Core.Reranking;

namespace VideoRec.Core.Serving.Recommend;

/// <summary>
/// Everything one model version serves with, built once when the version is loaded (ARCHITECTURE, "Recommend"): the
/// bundle, its vector indexes, the candidate generators and the recommend pipeline over them, the catalogue facts
/// re-ranking applies, and the activity (popular, trending, fresh lists and per-video statistics), which a background
/// refresh replaces atomically. No request reads a file. Thread-safe; built by <see cref="ServingModelBuilder"/>.
/// </summary>
public sealed class ServingModel : IDisposable
{
    private readonly IReadOnlyList<IVideoVectorIndex> _indexes;
    private readonly CandidateGenerationOptions _candidates;
    private readonly int _fallbackCount;
    private readonly float[] _prior;
    private Activity _activity;
    private IReadOnlyDictionary<string, Domain.Video> _flags = new Dictionary<string, Domain.Video>(StringComparer.Ordinal);

    internal ServingModel(ModelBundle bundle, CandidateCatalogue catalogue, IReadOnlyList<IVideoVectorIndex> indexes, ServingModelOptions options,
        Func<ServingModel, ICandidateScorer> scorer, Func<ServingModel, IReadOnlyList<ICandidateGenerator>> generators, TwoTowerServing? twoTower)
    {
        Bundle = bundle;
        Catalogue = catalogue;
        _indexes = indexes;
        _candidates = options.Candidates;
        _fallbackCount = options.FallbackCount;
        _prior = bundle.Popularity.Counts.ToArray();
        TwoTower = twoTower?.Users;
        TwoTowerVideos = twoTower?.Videos;
        _activity = new Activity(BuildSnapshot(DateTimeOffset.UtcNow, []), new Dictionary<string, VideoStatistics>(StringComparer.Ordinal), DateTimeOffset.UtcNow);
        Scorer = scorer(this);
        try
        {
            Generation = new CandidateGenerationPipeline(generators(this), options.Candidates);
            Pipeline = new RecommendationPipeline(Generation, Scorer, Facts, Fallback, options.Pipeline, options.Rerank);
        }
        catch
        {
            (Scorer as IDisposable)?.Dispose();
            throw;
        }
    }

    /// <summary>The bundle.</summary>
    public ModelBundle Bundle { get; }

    /// <summary>The model version.</summary>
    public string Version => Bundle.Version;

    /// <summary>The videos with their filter attributes, by bundle video index.</summary>
    public CandidateCatalogue Catalogue { get; }

    /// <summary>Candidate generation over this version's indexes and activity.</summary>
    public CandidateGenerationPipeline Generation { get; }

    /// <summary>The scoring stage.</summary>
    public ICandidateScorer Scorer { get; }

    /// <summary>Candidate generation → scoring → re-ranking.</summary>
    public RecommendationPipeline Pipeline { get; }

    /// <summary>The user tower, or <c>null</c> when the bundle serves no two-tower model.</summary>
    public IUserEmbedder? TwoTower { get; }

    /// <summary>The video tower's embeddings of the catalogue, or <c>null</c> when the bundle serves no two-tower model.</summary>
    public VideoVectorTable? TwoTowerVideos { get; }

    /// <summary>
    /// Raised after <see cref="UpdateActivity"/> replaced the activity (on the refreshing thread, never on a request's),
    /// so that a scorer can rebuild what it derives from the statistics. Handlers must not throw.
    /// </summary>
    public event Action<ServingModel>? ActivityUpdated;

    /// <summary>The popular, trending and fresh lists now served.</summary>
    public ActivitySnapshot Snapshot => Volatile.Read(ref _activity).Snapshot;

    /// <summary>When the activity was last read (or the model built, before the first read).</summary>
    public DateTimeOffset ActivityAsOf => Volatile.Read(ref _activity).AsOf;

    /// <summary>The statistics last read, by video id.</summary>
    public IReadOnlyDictionary<string, VideoStatistics> Statistics => Volatile.Read(ref _activity).Statistics;

    /// <summary>
    /// Replaces the activity: the lists are rebuilt from the statistics' hourly views as of <paramref name="asOf"/>, plus the
    /// bundle's popularity counts as a standing prior of the popular list (not of trending or fresh), and
    /// re-ranking reads the new statistics (CTR, completion rate, impressions; a video without statistics has none, so the
    /// clickbait rule sees no evidence). Requests in flight keep the lists they started with.
    /// </summary>
    /// <param name="statistics">Every video's statistics (videos outside the bundle are ignored).</param>
    /// <param name="asOf">The end of every window.</param>
    public void UpdateActivity(IReadOnlyCollection<VideoStatistics> statistics, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        var views = new List<ViewEvent>();
        var byId = new Dictionary<string, VideoStatistics>(statistics.Count, StringComparer.Ordinal);
        foreach (var s in statistics)
        {
            if (s?.VideoId is null)
            {
                continue;
            }

            byId[s.VideoId] = s;
            foreach (var (hour, count) in s.HourlyViews)
            {
                if (count > 0)
                {
                    views.Add(new ViewEvent(s.VideoId, DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(hour, 0, 253_402_300_799L / 3600) * 3600), null,
                        (int)Math.Min(count, int.MaxValue)));
                }
            }
        }

        Volatile.Write(ref _activity, new Activity(BuildSnapshot(asOf, views), byId, asOf));
        ActivityUpdated?.Invoke(this);
    }

    /// <summary>
    /// Replaces the catalogue flags read from the store: a video flagged hidden or misinformation there is removed by
    /// re-ranking even when this version's bundle has it unflagged, and its duplicate group applies. (Lowering a flag the
    /// bundle itself carries waits for the next bundle.) Videos outside the bundle are ignored.
    /// </summary>
    /// <param name="flagged">Every catalogue entry that now carries a flag or a duplicate group.</param>
    public void UpdateFlags(IReadOnlyCollection<Domain.Video> flagged)
    {
        ArgumentNullException.ThrowIfNull(flagged);
        var byId = new Dictionary<string, Domain.Video>(StringComparer.Ordinal);
        foreach (var video in flagged)
        {
            if (video?.Id is { } id && Bundle.Videos.TryGetIndex(id, out _))
            {
                byId[id] = video;
            }
        }

        Volatile.Write(ref _flags, byId);
    }

    /// <summary>The store's flagged catalogue entries now applied, by video id.</summary>
    public IReadOnlyDictionary<string, Domain.Video> Flags => Volatile.Read(ref _flags);

    /// <summary>Copies another version's activity and flags into this one (a new version starts from what the old one last read).</summary>
    internal void CopyActivityFrom(ServingModel previous)
    {
        UpdateFlags([.. previous.Flags.Values]);
        UpdateActivity([.. previous.Statistics.Values], previous.ActivityAsOf);
    }

    /// <summary>What re-ranking knows about a video; <c>null</c> for a video outside this version's catalogue.</summary>
    /// <param name="videoId">The video.</param>
    public RerankVideo? Facts(string videoId)
    {
        if (!Bundle.Videos.TryGetIndex(videoId, out var v))
        {
            return null;
        }

        var entry = Bundle.Catalogue[v];
        var statistics = Volatile.Read(ref _activity).Statistics.GetValueOrDefault(videoId);
        var flags = Volatile.Read(ref _flags).GetValueOrDefault(videoId);
        return new RerankVideo
        {
            CreatorId = entry.CreatorId,
            Tags = entry.Tags,
            UploadedAt = entry.UploadedAt,
            AllowedRegions = entry.AllowedRegions,
            Hidden = entry.Hidden || flags?.Hidden == true,
            Misinformation = entry.Misinformation || flags?.Misinformation == true,
            DuplicateGroup = flags?.DuplicateGroup ?? entry.DuplicateGroup,
            // WALS factors measure what people watch together: right for diversity, wrong for spotting copies.
            BehaviourEmbedding = Bundle.Wals.VideoFactors.AsMemory(v * Bundle.Wals.Factors, Bundle.Wals.Factors),
            HasStatistics = statistics is not null,
            Impressions = statistics?.Impressions ?? 0,
            Clicks = statistics?.Clicks ?? 0,
            Views = statistics?.Views ?? 0,
            Completions = statistics?.Completions ?? 0,
        };
    }

    /// <summary>
    /// The list served when candidate generation yields nothing: the most viewed videos in the request's country, then
    /// worldwide, that pass its filter (language, region, hidden, excluded), up to <see cref="ServingModelOptions.FallbackCount"/>.
    /// </summary>
    public IReadOnlyList<Candidate> Fallback(CandidateRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var snapshot = Snapshot;
        var filter = request.Filter();
        var list = new List<Candidate>(_fallbackCount);
        var seen = new HashSet<int>();
        IEnumerable<Ranking.ScoredIndex> regional = request.Country is { } c && snapshot.PopularByCountry.TryGetValue(c.ToUpperInvariant(), out var local) ? local : [];
        foreach (var s in regional.Concat(snapshot.Popular))
        {
            if (list.Count >= _fallbackCount)
            {
                break;
            }

            if (seen.Add(s.Index) && snapshot.Catalogue.Matches(s.Index, filter))
            {
                list.Add(new Candidate(snapshot.Catalogue.VideoIds[s.Index], s.Score, CandidateSources.Popular));
            }
        }

        return list;
    }

    /// <summary>Disposes the indexes, the user tower and the scorer.</summary>
    public void Dispose()
    {
        (Scorer as IDisposable)?.Dispose();
        (TwoTower as IDisposable)?.Dispose();
        foreach (var index in _indexes)
        {
            (index as IDisposable)?.Dispose();
        }
    }

    private ActivitySnapshot BuildSnapshot(DateTimeOffset asOf, List<ViewEvent> views) =>
        ActivitySnapshot.Build(Catalogue, views, asOf, _candidates, _prior);

    private sealed record Activity(ActivitySnapshot Snapshot, IReadOnlyDictionary<string, VideoStatistics> Statistics, DateTimeOffset AsOf);
}
