using VideoRec.Core.CandidateGeneration;
using VideoRec.Core.CandidateGeneration.Activity;
using VideoRec.Core.CandidateGeneration.Generators;
using VideoRec.Core.CandidateGeneration.Index;
using VideoRec.Core.Domain;
using VideoRec.Core.Evaluation.Candidates;
using VideoRec.Core.Feedback;
using VideoRec.Core.Scoring;

namespace VideoRec.Core.Evaluation.Pipeline;

/// <summary>The trained models one offline pipeline state reads (aligned with the pair table's indices).</summary>
/// <param name="Spaces">The ANN sources' spaces (such as <c>wals</c> and <c>twotower</c>), searched exactly.</param>
/// <param name="SimilarVectors">Video vectors of the similar-to-recent source, <c>[videos, d]</c>, or <c>null</c>.</param>
/// <param name="WalsFactors">WALS users <c>[users, k]</c> and videos <c>[videos, k]</c>, or <c>null</c>.</param>
/// <param name="TwoTower">Two-tower users <c>[users, d]</c> and videos <c>[videos, d]</c> (unit vectors), or <c>null</c>.</param>
/// <param name="Titles">Video id → title embedding (may be empty).</param>
public sealed record PipelineModels(IReadOnlyList<RetrievalSpace> Spaces, (float[] Vectors, int Dimensions)? SimilarVectors,
    (float[] Users, float[] Videos, int Factors)? WalsFactors, (float[] Users, float[] Videos, int Dimensions)? TwoTower,
    IReadOnlyDictionary<string, float[]> Titles);

/// <summary>
/// The serving path's requests rebuilt offline from one readable part of the data: every candidate generator over
/// exact indexes of the given models, the activity snapshot and the video statistics from the readable pairs only
/// ("now" = their last timestamp), and per user the same <see cref="CandidateRequest"/> and <see cref="ScoringUser"/>
/// the serving path would build (recent watches newest first, watched videos excluded). The ranker's training rows
/// (readable part = the inner 80%) and the evaluated pipeline (readable part = the whole training part) both come from
/// here, so they are built the same way.
/// </summary>
public sealed class OfflineRequests
{
    private readonly Dataset _dataset;
    private readonly PairTable _table;
    private readonly List<ICandidateGenerator> _generators = [];
    private readonly Dictionary<string, double> _quotas;
    private readonly Dictionary<string, double> _weights;
    private readonly CandidateGenerationOptions _generation;
    private readonly string[][] _watched;
    private readonly PipelineModels _models;

    /// <summary>Builds indexes, the snapshot and the video feature table.</summary>
    /// <param name="dataset">Catalogue and profiles.</param>
    /// <param name="table">The pair table (indices).</param>
    /// <param name="readable">The pairs the models and statistics may read.</param>
    /// <param name="policy">The relevance label (popularity counts relevant pairs).</param>
    /// <param name="durationSeconds">Video lengths by index.</param>
    /// <param name="models">The trained models.</param>
    /// <param name="features">The scoring feature layout.</param>
    /// <param name="generation">Generator settings (validated).</param>
    /// <param name="history">The pairs that make each user's history (recent watches, exclusions); <c>null</c> uses
    /// <paramref name="readable"/>. Larger than <paramref name="readable"/> when the models were trained on a part of
    /// what the user has done.</param>
    /// <param name="coWatch">The co-watch lists of the readable state (required when the layout reads them, see
    /// <see cref="ScoringFeatureSettings.CoWatch"/>; built from the same readable pairs, such as by <see cref="CoWatchNeighbours.Build"/>).</param>
    /// <exception cref="ArgumentException">A model's vectors do not match the table's sizes, the options are invalid, or the layout reads co-watch lists and none are given.</exception>
    public OfflineRequests(Dataset dataset, PairTable table, IReadOnlyList<PairRecord> readable, RelevancePolicy policy, IReadOnlyList<double?> durationSeconds,
        PipelineModels models, ScoringFeatures features, CandidateGenerationOptions generation, IReadOnlyList<PairRecord>? history = null, CoWatchNeighbours? coWatch = null)
    {
        _dataset = dataset ?? throw new ArgumentNullException(nameof(dataset));
        _table = table ?? throw new ArgumentNullException(nameof(table));
        _models = models ?? throw new ArgumentNullException(nameof(models));
        _generation = (generation ?? throw new ArgumentNullException(nameof(generation))).EnsureValid();
        ArgumentNullException.ThrowIfNull(readable);
        var videos = table.Videos;
        var catalogue = CandidateCatalogue.From(dataset.Videos, videos);
        foreach (var space in models.Spaces)
        {
            var index = new ExactVectorIndex(space.Dimensions, space.Metric, videos.Count);
            index.Upsert([.. new VideoVectorTable(videos, space.VideoVectors, space.Dimensions).Entries(id => catalogue.Attributes(videos.IndexOf(id)))]);
            var users = space.UserVectors;
            var d = space.Dimensions;
            _generators.Add(new AnnCandidateGenerator(space.Source, index, r => table.Users.TryGetIndex(r.UserId, out var u) ? users.AsMemory(u * d, d) : null));
        }

        if (models.SimilarVectors is { } similar)
        {
            var vectors = new VideoVectorTable(videos, similar.Vectors, similar.Dimensions);
            var index = new ExactVectorIndex(similar.Dimensions, VectorMetric.Cosine, videos.Count);
            index.Upsert([.. vectors.Entries(id => catalogue.Attributes(videos.IndexOf(id)))]);
            _generators.Add(new SimilarToRecentCandidateGenerator(index, vectors, _generation));
        }

        Now = readable.Count == 0 ? DateTimeOffset.UnixEpoch : readable.Max(p => p.Feedback.Last);
        var views = readable.Select(p => new ViewEvent(videos[p.Video], p.Feedback.First,
            dataset.Users.TryGetValue(table.Users[p.User], out var profile) ? profile.Country : null));
        var snapshot = ActivitySnapshot.Build(catalogue, views, Now, _generation);
        _generators.Add(RankedListCandidateGenerator.Popular(() => snapshot));
        _generators.Add(RankedListCandidateGenerator.Trending(() => snapshot));
        _generators.Add(RankedListCandidateGenerator.Fresh(() => snapshot));
        var enabled = _generation.EnabledSources.Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        _generators = [.. _generators.Where(g => enabled.Contains(g.Name)).OrderBy(g => CandidateSources.Priority(g.Name))];
        _quotas = _generation.EnabledSources.ToDictionary(s => s.Key, s => s.Value.Quota, StringComparer.Ordinal);
        _weights = _generation.EnabledSources.ToDictionary(s => s.Key, s => s.Value.Weight, StringComparer.Ordinal);

        var watchedBy = new List<(int Video, DateTimeOffset At)>[table.Users.Count];
        var activity = new VideoActivity[videos.Count];
        foreach (var p in history ?? readable)
        {
            (watchedBy[p.User] ??= []).Add((p.Video, p.Feedback.Last));
        }

        foreach (var p in readable)
        {
            var duration = RelevancePolicy.DurationOf(p.Video, durationSeconds);
            var a = activity[p.Video];
            var watched = p.Feedback.Watches > 0;
            activity[p.Video] = a with
            {
                Views = a.Views + (watched ? 1 : 0),
                Impressions = a.Impressions + p.Feedback.Impressions,
                Clicks = a.Clicks + p.Feedback.Clicks + (p.Feedback.Impressions > 0 && watched && p.Feedback.Clicks == 0 ? 1 : 0),
                Completions = a.Completions + (watched && p.Feedback.WatchFraction(duration) >= 0.9 ? 1 : 0),
                Positives = a.Positives + (policy.Label(p, durationSeconds) == Relevance.Positive ? 1 : 0),
            };
        }

        foreach (var t in snapshot.Trending)
        {
            activity[t.Index] = activity[t.Index] with { Trending = t.Score };
        }

        _watched = [.. watchedBy.Select(h => (h ?? []).OrderByDescending(x => x.At).ThenByDescending(x => x.Video).Select(x => videos[x.Video]).ToArray())];
        var tt = models.TwoTower;
        var wals = models.WalsFactors;
        var textDimensions = models.Titles.Values.FirstOrDefault()?.Length ?? 0;
        if (features.Settings.CoWatch)
        {
            CoWatch = coWatch ?? throw new ArgumentException("The scoring layout reads co-watch features: pass the readable state's co-watch lists.", nameof(coWatch));
        }

        Videos = new VideoFeatureTable(features, [.. Enumerable.Range(0, videos.Count).Select(v => new VideoScoringInput(videos[v], dataset.Videos.GetValueOrDefault(videos[v]), activity[v],
            tt is { } t2 ? t2.Videos.AsMemory(v * t2.Dimensions, t2.Dimensions) : default,
            wals is { } w ? w.Videos.AsMemory(v * w.Factors, w.Factors) : default,
            models.Titles.TryGetValue(videos[v], out var title) ? title : default))], Now, wals?.Factors ?? 0, textDimensions, tt?.Dimensions ?? 0, CoWatch);
    }

    /// <summary>Each user's relevant videos among <paramref name="pairs"/> (users without one left out), the input of the co-watch builders.</summary>
    public static IReadOnlyList<IReadOnlyCollection<int>> RelevantByUser(IReadOnlyList<PairRecord> pairs, RelevancePolicy policy, IReadOnlyList<double?> durationSeconds, int users)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentNullException.ThrowIfNull(policy);
        var relevant = new List<int>?[users];
        foreach (var p in pairs)
        {
            if (policy.Label(p, durationSeconds) == Relevance.Positive)
            {
                (relevant[p.User] ??= []).Add(p.Video);
            }
        }

        return [.. relevant.Where(r => r is not null).Select(r => (IReadOnlyCollection<int>)r!)];
    }

    /// <summary>The "now" of every request: the last readable timestamp.</summary>
    public DateTimeOffset Now { get; }

    /// <summary>Co-watch neighbours of the readable relevant pairs when the layout reads them (<see cref="ScoringFeatureSettings.CoWatch"/>), else <c>null</c>.</summary>
    public CoWatchNeighbours? CoWatch { get; }

    /// <summary>The cached video features of the readable state.</summary>
    public VideoFeatureTable Videos { get; }

    /// <summary>The request the serving path would build for user <paramref name="user"/>.</summary>
    public CandidateRequest Request(int user)
    {
        var profile = _dataset.Users.GetValueOrDefault(_table.Users[user]);
        var watched = _watched[user];
        return new CandidateRequest
        {
            UserId = _table.Users[user],
            Now = Now,
            Country = profile?.Country,
            Language = profile?.Language,
            RecentWatches = watched,
            Excluded = watched.ToHashSet(StringComparer.Ordinal),
        };
    }

    /// <summary>The scorer's view of user <paramref name="user"/>.</summary>
    public ScoringUser User(int user)
    {
        var profile = _dataset.Users.GetValueOrDefault(_table.Users[user]);
        var tt = _models.TwoTower;
        var wals = _models.WalsFactors;
        return new ScoringUser
        {
            UserId = _table.Users[user],
            Profile = profile,
            Country = profile?.Country,
            Language = profile?.Language,
            TwoTower = tt is { } t ? t.Users.AsMemory(user * t.Dimensions, t.Dimensions) : default,
            Wals = wals is { } w ? w.Users.AsMemory(user * w.Factors, w.Factors) : default,
            RecentWatches = _watched[user],
            HistoryLength = _watched[user].Length,
        };
    }

    /// <summary>Runs every generator for user <paramref name="user"/> and merges their lists (the merger's fused order).</summary>
    public IReadOnlyList<MergedCandidate> Candidates(int user, CancellationToken cancellationToken = default)
    {
        var request = Request(user);
        var lists = new List<(string Source, IReadOnlyList<Candidate> Candidates)>(_generators.Count);
        foreach (var generator in _generators)
        {
            var task = generator.GenerateAsync(request, _generation.MergedCount, cancellationToken);
            lists.Add((generator.Name, task.IsCompletedSuccessfully ? task.Result : task.AsTask().GetAwaiter().GetResult()));
        }

        return CandidateMerger.Merge(lists, _quotas, _generation.MergedCount, request.Excluded, _weights);
    }
}
