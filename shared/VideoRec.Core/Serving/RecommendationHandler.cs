using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VideoRec.Core.Bundles;
using VideoRec.Core.CandidateGeneration;
using VideoRec.Core.Domain;
using VideoRec.Core.Ingestion;
using VideoRec.Core.Online;
using VideoRec.Core.Pipeline;
using VideoRec.Core.Ranking;
using VideoRec.Core.Reranking;
using VideoRec.Core.Serving.Recommend;

namespace VideoRec.Core.Serving;

/// <summary>
/// The recommend and similar-videos handlers shared by the Azure Functions and the local host (ARCHITECTURE,
/// "Recommend"). A homepage request reads the user's profile, aggregates and WALS vector from the feature store (in
/// parallel, under <see cref="ServingModelOptions.ProfileBudgetMs"/>), computes the two-tower user embedding when the
/// bundle serves one, and runs the served model's pipeline: candidate generators in parallel → scoring → re-ranking,
/// each stage under its budget. A user the store and bundle do not know gets cold-start recommendations (popular in
/// their region, trending, fresh, with exploration); a store, source or stage that fails degrades the answer and says
/// so in <see cref="RecommendationPage.Degraded"/> rather than failing it. Logs carry the request id and model version,
/// never the user id. Thread-safe.
/// </summary>
public sealed class RecommendationHandler
{
    /// <summary>The sources named in similar-videos responses.</summary>
    public static class Sources
    {
        /// <summary>Matrix factorization scores.</summary>
        public const string Wals = "wals";

        /// <summary>Global popularity (cold start).</summary>
        public const string Popular = "popular";

        /// <summary>Item-to-item similarity of WALS video factors.</summary>
        public const string Similar = "similar";
    }

    /// <summary>
    /// The watch history handed to the pipeline, newest first: the similar source reads the first
    /// <see cref="CandidateGenerationOptions.SimilarSeeds"/>, the ranker's tag features the first 50 and its co-watch sum
    /// up to 500 (<see cref="Scoring.ScoringFeatureSettings.CoWatchHistory"/> as <c>train --ranker</c> writes it).
    /// </summary>
    private const int RecentHistory = 500;

    /// <summary>The arm logged for requests served outside any experiment.</summary>
    public const string ControlArm = "control";
    private readonly ServingModelHost _models;
    private readonly ServingOptions _options;
    private readonly ServingModelOptions _serving;
    private readonly IFeatureStore? _store;
    private readonly IUserVectorRefresher? _refresher;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ExperimentServing? _experiment;
    private readonly IImpressionLog? _impressions;

    /// <summary>A handler over served models.</summary>
    /// <param name="models">The served model versions.</param>
    /// <param name="options">Limits of k.</param>
    /// <param name="serving">Serving settings (the profile budget and the candidate exclusion rule); the builder's when <c>null</c>.</param>
    /// <param name="store">The feature store with profiles, aggregates and fresh vectors; <c>null</c> serves from the bundle alone.</param>
    /// <param name="refresher">Computes a stale vector at request time (WALS fold-in); <c>null</c> uses the stored vector as it is.</param>
    /// <param name="time">The clock (request time).</param>
    /// <param name="logger">Per-request logs (request id, version, counts, degradations; no personal data).</param>
    /// <param name="experiment">The A/B experiment whose arms serve instead of <paramref name="models"/>, or <c>null</c> (every request is arm <c>control</c>).</param>
    /// <param name="impressions">Where every served page is logged (request id, user, version, arm, positions, sources, scores) for attribution; <c>null</c> logs nothing.</param>
    public RecommendationHandler(ServingModelHost models, ServingOptions options, ServingModelOptions? serving = null, IFeatureStore? store = null,
        IUserVectorRefresher? refresher = null, TimeProvider? time = null, ILogger<RecommendationHandler>? logger = null,
        ExperimentServing? experiment = null, IImpressionLog? impressions = null)
    {
        _experiment = experiment;
        _impressions = impressions;
        _models = models ?? throw new ArgumentNullException(nameof(models));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _serving = (serving ?? new ServingModelOptions()).EnsureValid();
        _store = store;
        _refresher = refresher;
        _time = time ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>A handler over <paramref name="bundles"/> with default serving settings and exact vector indexes (small catalogues, tools and tests).</summary>
    /// <param name="bundles">The bundle to serve.</param>
    /// <param name="options">Limits of k.</param>
    /// <param name="store">The feature store; <c>null</c> serves from the bundle alone.</param>
    /// <param name="refresher">Computes a stale vector at request time; <c>null</c> uses the stored vector.</param>
    public RecommendationHandler(IModelBundleProvider bundles, ServingOptions options, IFeatureStore? store = null, IUserVectorRefresher? refresher = null)
        : this(new ServingModelHost(bundles, new ServingModelBuilder(new ServingModelOptions(), new ExactServingIndexProvider())), options, null, store, refresher)
    {
    }

    /// <summary>The served models.</summary>
    public ServingModelHost Models => _models;

    /// <summary>Every problem of <paramref name="query"/>, by field name (<c>userId</c>, <c>k</c>, <c>pageToken</c>, <c>device</c>, <c>language</c>, <c>country</c>); empty when valid.</summary>
    public IReadOnlyDictionary<string, string[]> Validate(RecommendQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return query.Validate(_options, out _);
    }

    /// <summary>Recommends the first page of up to <paramref name="k"/> videos for <paramref name="userId"/> with no context (see <see cref="RecommendAsync(RecommendQuery, CancellationToken)"/>).</summary>
    public Task<Outcome<RecommendationPage>> RecommendAsync(string? userId, int? k, CancellationToken cancellationToken = default) =>
        RecommendAsync(new RecommendQuery { UserId = userId, K = k }, cancellationToken);

    /// <summary>Recommends one page of the homepage for the query's user.</summary>
    /// <param name="query">The user, page size, page token and context.</param>
    /// <param name="cancellationToken">Abandons the request (the client went away).</param>
    /// <returns>The page (200, also for unknown users and degraded answers), or validation errors naming each bad field.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<Outcome<RecommendationPage>> RecommendAsync(RecommendQuery query, CancellationToken cancellationToken = default) =>
        RecommendAsync(query, logImpression: true, cancellationToken);

    private async Task<Outcome<RecommendationPage>> RecommendAsync(RecommendQuery query, bool logImpression, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var errors = query.Validate(_options, out var request);
        if (errors.Count > 0)
        {
            return Outcome<RecommendationPage>.Invalid(errors);
        }

        var clock = Stopwatch.StartNew();
        var requestId = Guid.NewGuid().ToString("N");
        var (arm, host) = _experiment?.Route(request!.UserId) ?? (ControlArm, _models);
        var model = host.Current;
        var bundle = model.Bundle;
        var now = request!.Now ?? _time.GetUtcNow();
        var user = await ReadUserAsync(bundle, request.UserId, cancellationToken).ConfigureAwait(false);
        var profileMs = clock.Elapsed.TotalMilliseconds;
        var degraded = new List<string>();
        if (user.Problem is not null)
        {
            degraded.Add($"profile: {user.Problem}");
        }

        var country = request.Country ?? user.Profile?.Country?.ToUpperInvariant();
        var language = request.Language ?? user.Profile?.Language?.Split('-')[0].ToLowerInvariant();
        var known = user.KnownToBundle && bundle.Users.TryGetIndex(request.UserId, out var row) ? row : -1;
        var recent = RecentWatches(bundle, user, known);
        var excluded = CandidateExclusions.From(user.Aggregates, _serving.Candidates);
        excluded.UnionWith(user.Consumed);
        if (known >= 0)
        {
            foreach (var v in bundle.Seen.RowColumns(known))
            {
                excluded.Add(bundle.Videos[v]);
            }
        }

        float[]? twoTower = null;
        if (model.TwoTower is { } tower)
        {
            try
            {
                twoTower = await tower.EmbedAsync(new UserEmbeddingInput(request.UserId, user.Profile, user.Aggregates, now, request.Device), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                degraded.Add($"user tower: {e.GetType().Name}: {e.Message}");
            }
        }

        var candidateRequest = new CandidateRequest
        {
            UserId = request.UserId,
            Now = now,
            Country = country,
            Language = language,
            // Typed as nullable first: a null array (or the null literal through the array conversion) would become an
            // empty, not a missing, vector.
            WalsVector = user.Vector is { } wals ? (ReadOnlyMemory<float>?)wals : null,
            TwoTowerEmbedding = twoTower is { } tower2 ? (ReadOnlyMemory<float>?)tower2 : null,
            RecentWatches = recent,
            Excluded = excluded,
            Profile = user.Profile,
            HistoryLength = HistoryLength(bundle, user, known),
        };
        var context = new RerankContext
        {
            K = request.K,
            Now = now,
            Country = country,
            Completed = (user.Aggregates?.Watched.Select(w => w.VideoId).OfType<string>() ?? []).Concat(user.Consumed).ToHashSet(StringComparer.Ordinal),
            Disliked = (user.Aggregates?.Disliked.Select(w => w.VideoId).OfType<string>() ?? []).ToHashSet(StringComparer.Ordinal),
            ShownWithoutClick = CandidateExclusions.ShownWithoutClick(user.Aggregates),
            AlreadyServed = request.AlreadyServed,
            // The request id's FNV-1a hash seeds exploration, so one request is reproducible from its id.
            Seed = (int)PageToken.Hash(requestId),
        };

        var result = await model.Pipeline.RunAsync(candidateRequest, context, cancellationToken).ConfigureAwait(false);
        degraded.AddRange(result.Degradations);
        var items = new RecommendedVideo[result.Page.Items.Count];
        for (var i = 0; i < items.Length; i++)
        {
            var item = result.Page.Items[i];
            var title = bundle.Videos.TryGetIndex(item.VideoId, out var v) ? bundle.Catalogue[v].Title : item.VideoId;
            items[i] = new RecommendedVideo(item.VideoId, title, Math.Round(item.Score, 6), item.Position, item.Sources, item.Reasons);
        }

        var coldStart = user.Vector is null && twoTower is null && recent.Count == 0;
        var explanation = request.Explain
            ? new RecommendationExplanation(result.Scorer, coldStart, result.Scored,
                [.. (result.Candidates?.Sources ?? []).Select(s => new SourceExplanation(s.Source, RecommendTelemetry.StatusName(s.Status), s.Proposed, s.Selected, Math.Round(s.ElapsedMs, 3), s.Error))],
                [new StageExplanation("profile", Math.Round(profileMs, 3), user.Problem), .. result.Stages.Select(s => new StageExplanation(s.Stage, Math.Round(s.ElapsedMs, 3), s.Degraded))],
                [.. result.Page.Removed.Select(r => new RemovedVideo(r.VideoId, r.Rule, r.Reason))])
            : null;
        if (logImpression && _impressions is not null && items.Length > 0)
        {
            try
            {
                await _impressions.LogAsync(new Impression(requestId, request.UserId, bundle.Version, arm, now,
                    [.. items.Select(i => new ImpressionItem(i.VideoId, i.Position, i.Score, i.Sources))]), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The page is still right; what is lost is the attribution of its clicks, so say so.
                degraded.Add($"impression log: {e.GetType().Name}: {e.Message}");
            }
        }

        if (degraded.Count > 0 && logImpression)
        {
            _logger.LogWarning("Recommend {RequestId}: model {ModelVersion}, arm {Arm}, {Items} items in {ElapsedMs:F1} ms, degraded: {Degraded}",
                requestId, bundle.Version, arm, items.Length, clock.Elapsed.TotalMilliseconds, string.Join("; ", degraded));
        }
        else
        {
            _logger.LogDebug("Recommend {RequestId}: model {ModelVersion}, arm {Arm}, {Items} items, cold start {ColdStart}, {ElapsedMs:F1} ms",
                requestId, bundle.Version, arm, items.Length, coldStart, clock.Elapsed.TotalMilliseconds);
        }

        return Outcome<RecommendationPage>.Ok(new RecommendationPage(requestId, request.UserId, bundle.Version, items, result.Page.NextPageToken, degraded, explanation));
    }

    /// <summary>
    /// Runs a few requests (a known user of the bundle and a stranger) through the whole path so that the first real
    /// requests after start do not pay for just-in-time compilation and lazy initialisation against their budgets.
    /// </summary>
    /// <param name="cancellationToken">Stops the warm-up.</param>
    public async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        var bundle = _models.Current.Bundle;
        string[] users = bundle.Users.Count > 0 ? [bundle.Users[0], "warm-up-stranger"] : ["warm-up-stranger"];
        for (var round = 0; round < 3; round++)
        {
            foreach (var user in users)
            {
                // Not logged as impressions: nobody saw these pages.
                await RecommendAsync(new RecommendQuery { UserId = user, K = _options.DefaultK, Explain = true }, logImpression: false, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The <paramref name="k"/> videos most similar to <paramref name="videoId"/> by WALS factors. Only videos with at
    /// least one positive training pair take part: the factors of a video nobody watched are noise, so such a query
    /// gets an empty list and such a video is never proposed. Hidden and misinformation videos are never proposed.
    /// </summary>
    /// <returns>The response, validation errors naming <c>videoId</c> or <c>k</c>, or not-found for an unknown video.</returns>
    public Outcome<SimilarVideosResponse> Similar(string? videoId, int? k)
    {
        var options = _options;
        var errors = new Dictionary<string, string[]>();
        CheckId(errors, "videoId", videoId);
        var count = k ?? options.DefaultK;
        CheckK(errors, count);
        if (errors.Count > 0)
        {
            return Outcome<SimilarVideosResponse>.Invalid(errors);
        }

        var bundle = _models.Current.Bundle;
        if (!bundle.Videos.TryGetIndex(videoId!, out var video))
        {
            return Outcome<SimilarVideosResponse>.Missing($"Video '{videoId}' is not in the catalogue of model {bundle.Version}.");
        }

        var counts = bundle.Popularity.Counts.ToArray();
        // Hidden and misinformation videos are never recommended, here either (re-ranking's rules do not run on this list).
        var items = counts[video] <= 0
            ? []
            : bundle.Wals.SimilarVideos(video, count, v => counts[v] <= 0 || bundle.Catalogue[v].Hidden || bundle.Catalogue[v].Misinformation)
                .Select(s => Item(bundle, s, Sources.Similar)).ToArray();
        return Outcome<SimilarVideosResponse>.Ok(new SimilarVideosResponse(videoId!, bundle.Version, items));
    }

    /// <summary>Liveness and the loaded version.</summary>
    public HealthResponse Health()
    {
        var bundle = _models.Current.Bundle;
        return new HealthResponse("ok", bundle.Version, bundle.Users.Count, bundle.Videos.Count);
    }

    private async Task<UserContext> ReadUserAsync(ModelBundle bundle, string userId, CancellationToken cancellationToken)
    {
        var inBundle = bundle.Users.TryGetIndex(userId, out var row);
        float[]? BundleVector() => inBundle ? bundle.Wals.UserVector(row).ToArray() : null;
        if (_store is null)
        {
            return new UserContext(null, null, BundleVector(), [], inBundle, null);
        }

        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(_serving.ProfileBudgetMs);
        try
        {
            var stateTask = _store.GetServingStateAsync(userId, budget.Token);
            var aggregatesTask = _store.GetUserAggregatesAsync(userId, budget.Token);
            var profileTask = _store.GetUserAsync(userId, budget.Token);
            await Task.WhenAll(stateTask, aggregatesTask, profileTask).WaitAsync(budget.Token).ConfigureAwait(false);
            var state = await stateTask.ConfigureAwait(false);
            // A user the bundle does not know whose vector is of another version (stored before this one was swapped in)
            // has no usable vector until their next event: fold their history in now, as for a stale one. Users the
            // bundle knows fall back to its vector instead (no history read).
            var stale = state.VectorStale || (!inBundle && state.Vector is { } previous && previous.ModelVersion != bundle.Version);
            var stored = await UserVectors.CurrentAsync(_store, _refresher, userId, state.Vector, stale, budget.Token).WaitAsync(budget.Token).ConfigureAwait(false);
            // A user who deleted their data is served as new: the bundle's vector and history were learned from what they deleted.
            var knownToBundle = inBundle && state.DeletedAt is null;
            var vector = stored?.ModelVersion == bundle.Version && stored.Vector.Length == bundle.Wals.Factors ? stored.Vector
                : knownToBundle ? BundleVector() : null;
            return new UserContext(await profileTask.ConfigureAwait(false), await aggregatesTask.ConfigureAwait(false), vector, state.ConsumedVideoIds, knownToBundle, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new UserContext(null, null, BundleVector(), [], inBundle, $"no answer from the feature store within {_serving.ProfileBudgetMs} ms; served from the bundle");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new UserContext(null, null, BundleVector(), [], inBundle, $"{e.GetType().Name}: {e.Message}; served from the bundle");
        }
    }

    /// <summary>
    /// The user's watch history (seeds of the similar source, the ranker's history features), at most
    /// <see cref="RecentHistory"/> distinct videos: the feature store's newest watches and likes, then the user's
    /// training videos in the bundle (strongest first) that those lack, as offline a user's history is every readable pair.
    /// </summary>
    private static IReadOnlyList<string> RecentWatches(ModelBundle bundle, UserContext user, int known)
    {
        // Both lists are newest first; merged by time (ties as the lists order them: the lower event id first), as offline
        // orders a user's pairs by their last interaction. Concatenated, a like newer than the 50th watch was never read.
        var recent = user.Aggregates?.Watched.Concat(user.Aggregates.Liked).Where(i => i.VideoId is not null)
            .OrderByDescending(i => i.At).ThenBy(i => i.EventId, StringComparer.Ordinal)
            .Select(i => i.VideoId!).Distinct(StringComparer.Ordinal).Take(RecentHistory).ToList() ?? [];
        if (known < 0 || recent.Count == RecentHistory)
        {
            return recent;
        }

        var start = bundle.Seen.RowStart[known];
        var columns = bundle.Seen.RowColumns(known);
        // The strongest training videos the store's list lacks, without sorting a long history whole (ties: the lower column first).
        var listed = recent.ToHashSet(StringComparer.Ordinal);
        var strongest = TopK.Select(bundle.Seen.Strength.AsSpan(start, columns.Length), RecentHistory - recent.Count,
            i => listed.Contains(bundle.Videos[bundle.Seen.ColumnIndices[start + i]]));
        recent.AddRange(strongest.Select(c => bundle.Videos[bundle.Seen.ColumnIndices[start + c.Index]]));
        return recent;
    }

    /// <summary>
    /// The number of videos in the user's history: their training videos in the bundle (when it may use them) plus those
    /// of the store's recent watches that the bundle lacks (the ranker's <c>user_history_length</c>; offline, the user's
    /// readable pairs).
    /// </summary>
    private static int HistoryLength(ModelBundle bundle, UserContext user, int known)
    {
        var seen = known >= 0 ? bundle.Seen.RowColumns(known) : default;
        var count = seen.Length;
        foreach (var id in user.Aggregates?.Watched.Select(w => w.VideoId).OfType<string>().Distinct(StringComparer.Ordinal) ?? [])
        {
            if (!bundle.Videos.TryGetIndex(id, out var v) || seen.BinarySearch(v) < 0)
            {
                count++;
            }
        }

        return count;
    }

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
        if (k < 1 || k > _options.MaxK)
        {
            errors["k"] = [$"k must be an integer between 1 and {_options.MaxK}."];
        }
    }
}
