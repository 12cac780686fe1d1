using System.Diagnostics;
using System.Globalization;
using VideoRec.Core.CandidateGeneration;
using VideoRec.Core.CandidateGeneration.Activity;
using VideoRec.Core.CandidateGeneration.Generators;
using VideoRec.Core.Common;
using VideoRec.Core.Domain;
using VideoRec.Core.Ingestion;
using VideoRec.Core.Online;
using VideoRec.Core.Pipeline;
using VideoRec.Core.Ranking;
using VideoRec.Core.Reranking;

namespace VideoRec.Core.Simulation.ClosedLoop;

/// <summary>
/// A deterministic closed-loop A/B experiment on a <see cref="SimulatedWorld"/> (issue 10, "User simulator"). First
/// <see cref="ClosedLoopOptions.WarmupDays"/> of organic history; then each day: the models refresh from every accepted
/// event so far (WALS refit, popularity, activity snapshot, indices); each user opens the homepage a Poisson number of
/// times (their sessions per day); the user's arm (<see cref="ExperimentAssignment"/>, even split) serves a list;
/// <see cref="UserBehaviour"/> responds; the served list goes to the impression log and the response events (carrying
/// the request id) go through the real ingestion path: the public JSON contract, <see cref="EventBatchParser"/>
/// validation, and <see cref="EventBatchProcessor"/> into the feature store. At the end the logged impressions and
/// accepted events are joined by <see cref="Attributor"/> and measured by <see cref="OnlineMetrics"/> per arm.
/// Every random draw is seeded from the options: the same world and options give the same result.
/// </summary>
/// <param name="world">The world.</param>
/// <param name="options">Arms, days, page size, seeds (validated).</param>
/// <param name="store">The feature store the events are applied to, or <c>null</c> to validate only.</param>
/// <param name="impressionLog">The impression log, or <c>null</c> to keep impressions in memory only.</param>
public sealed class ClosedLoopSimulation(SimulatedWorld world, ClosedLoopOptions options, IFeatureStore? store = null, IImpressionLog? impressionLog = null)
{
    private const string ModelPrefix = "sim-day-";

    private readonly ClosedLoopOptions _options = options?.Validate() is { Count: > 0 } errors
        ? throw new ArgumentException("Invalid closed-loop settings:" + Environment.NewLine + string.Join(Environment.NewLine, errors), nameof(options))
        : options ?? throw new ArgumentNullException(nameof(options));

    private readonly SimulatedWorld _world = world ?? throw new ArgumentNullException(nameof(world));

    /// <summary>The candidate generation settings of the pipeline arms (small merged list; budgets that never bind, for determinism).</summary>
    public static CandidateGenerationOptions Generation() => new()
    {
        MergedCount = 200,
        Sources = new(StringComparer.Ordinal)
        {
            [CandidateSources.Wals] = new() { Count = 200, Quota = 0.5, Weight = 1, BudgetMs = 60_000 },
            [CandidateSources.Similar] = new() { Count = 100, Quota = 0.1, Weight = 0.5, BudgetMs = 60_000 },
            [CandidateSources.Popular] = new() { Count = 100, Quota = 0.1, Weight = 0.3, BudgetMs = 60_000 },
            [CandidateSources.Trending] = new() { Count = 50, Quota = 0.05, Weight = 0.1, BudgetMs = 60_000 },
            [CandidateSources.Fresh] = new() { Count = 50, Quota = 0.05, Weight = 0.1, BudgetMs = 60_000 },
        },
        SimilarSeeds = 5,
        SimilarPerSeed = 30,
    };

    /// <summary>Runs the experiment.</summary>
    /// <param name="progress">Receives a report per stage, or <c>null</c>.</param>
    /// <param name="cancellationToken">Stops between requests.</param>
    /// <exception cref="InvalidOperationException">Validation refused a simulated event (a defect of the simulator): the message names it.</exception>
    public async Task<ClosedLoopResult> RunAsync(IProgress<ClosedLoopProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var state = new LoopState(_world, _options, store, impressionLog);
        var total = _options.Days + 2;
        progress?.Report(new ClosedLoopProgress("warm-up", 0, total));
        await state.UpsertCatalogueAsync(cancellationToken).ConfigureAwait(false);
        await state.IngestAsync(OrganicHistory.Generate(_world, _options.WarmupDays, Seeds.Derive(_options.Seed, -1)), [], loop: false, cancellationToken).ConfigureAwait(false);

        var experiment = _options.ToExperiment();
        var assignment = new ExperimentAssignment(experiment);
        var armOf = _world.Users.Select(u => assignment.Assign(u.Id).Name).ToArray();

        for (var day = 0; day < _options.Days; day++)
        {
            progress?.Report(new ClosedLoopProgress($"day {day + 1}", day + 1, total));
            var dayStart = _world.Options.Start + TimeSpan.FromDays(_options.WarmupDays + day);
            var models = state.Train(dayStart);
            var servers = experiment.Arms.ToDictionary(a => a.Name, a => state.Server(a, models, dayStart), StringComparer.Ordinal);
            var events = new List<IngestEvent>();
            var impressions = new List<Impression>();
            for (var u = 0; u < _world.Users.Count; u++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var random = new Random(Seeds.Derive(Seeds.Derive(_options.Seed, day), u));
                var visits = Synthetic.Sampling.Poisson(random, _world.Users[u].SessionsPerDay);
                var times = Enumerable.Range(0, visits).Select(_ => random.Next(86_400)).Order().ToArray();
                for (var visit = 0; visit < visits; visit++)
                {
                    var at = dayStart + TimeSpan.FromSeconds(times[visit]);
                    var requestId = string.Create(CultureInfo.InvariantCulture, $"r{day}-{u}-{visit}");
                    var served = await servers[armOf[u]](u, at, Seeds.Derive(_options.Seed, (long)day << 40 | (long)u << 8 | (long)visit), cancellationToken).ConfigureAwait(false);
                    var impression = new Impression(requestId, _world.Users[u].Id, ModelPrefix + day.ToString(CultureInfo.InvariantCulture), armOf[u], at, served);
                    impressions.Add(impression);
                    foreach (var item in served)
                    {
                        var video = state.VideoIndex[item.VideoId];
                        foreach (var e in OrganicHistory.Events(_world, u, video, item.Position, at, random, ref state.Sequence[u]))
                        {
                            var loopEvent = e with { EventId = "loop-" + e.EventId, RequestId = requestId };
                            events.Add(loopEvent);
                            state.Observe(u, loopEvent);
                        }
                    }
                }
            }

            await state.IngestAsync(events, impressions, loop: true, cancellationToken).ConfigureAwait(false);
        }

        progress?.Report(new ClosedLoopProgress("metrics", total, total));
        return state.Measure(armOf, experiment.Arms.Select(a => a.Name).ToArray());
    }


    /// <summary>Serves one list: (user index, time, request seed) → items by position.</summary>
    private delegate Task<IReadOnlyList<ImpressionItem>> Server(int user, DateTimeOffset now, int seed, CancellationToken cancellationToken);

    /// <summary>Everything the platform has learned so far, and the run's accumulators.</summary>
    private sealed class LoopState
    {
        private readonly SimulatedWorld _world;
        private readonly ClosedLoopOptions _options;
        private readonly IFeatureStore? _store;
        private readonly IImpressionLog? _log;
        private readonly EventBatchProcessor? _processor;
        private readonly IngestionOptions _ingestion = new();
        private readonly Dictionary<string, Video> _catalogue;
        private readonly CandidateCatalogue _candidateCatalogue;
        private readonly List<Interaction> _interactions = [];
        private readonly List<ViewEvent> _views = [];
        private readonly List<IngestEvent> _loopEvents = [];
        private readonly List<Impression> _impressions = [];
        private readonly HashSet<int>[] _consumed;
        private readonly HashSet<string>[] _completed;
        private readonly HashSet<string>[] _disliked;
        private readonly Dictionary<string, int>[] _shownWithoutClick;
        private readonly List<string>[] _recent;
        private readonly long[] _videoImpressions;
        private readonly long[] _videoClicks;
        private readonly long[] _videoViews;
        private readonly long[] _videoCompletions;
        private readonly Dictionary<string, long> _degraded = new(StringComparer.Ordinal);
        private string? _firstDegradation;
        private long _events;
        private long _accepted;
        private long _applied;
        private double _ingestSeconds;

        public LoopState(SimulatedWorld world, ClosedLoopOptions options, IFeatureStore? store, IImpressionLog? log)
        {
            _world = world;
            _options = options;
            _store = store;
            _log = log;
            _processor = store is null ? null : new EventBatchProcessor(store, new IngestionRules(_ingestion, null), new ThrowingPoisonSink());
            _catalogue = world.Videos.ToDictionary(v => v.Id, v => new Video(v.Id, v.Title)
            {
                DurationSeconds = v.DurationSeconds,
                Tags = v.Tags,
                Language = v.Language,
                AllowedRegions = v.AllowedRegions,
                UploadedAt = v.UploadedAt,
                CreatorId = v.CreatorId,
            }, StringComparer.Ordinal);
            VideoIndex = world.Videos.Select((v, i) => (v.Id, i)).ToDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);
            _candidateCatalogue = CandidateCatalogue.From(_catalogue, new Matrix.IdIndex(world.Videos.Select(v => v.Id)));
            var n = world.Users.Count;
            Sequence = new int[n];
            _consumed = Enumerable.Range(0, n).Select(_ => new HashSet<int>()).ToArray();
            _completed = Enumerable.Range(0, n).Select(_ => new HashSet<string>(StringComparer.Ordinal)).ToArray();
            _disliked = Enumerable.Range(0, n).Select(_ => new HashSet<string>(StringComparer.Ordinal)).ToArray();
            _shownWithoutClick = Enumerable.Range(0, n).Select(_ => new Dictionary<string, int>(StringComparer.Ordinal)).ToArray();
            _recent = Enumerable.Range(0, n).Select(_ => new List<string>()).ToArray();
            _videoImpressions = new long[world.Videos.Count];
            _videoClicks = new long[world.Videos.Count];
            _videoViews = new long[world.Videos.Count];
            _videoCompletions = new long[world.Videos.Count];
            UserIndex = world.Users.Select((u, i) => (u.Id, i)).ToDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);
        }

        public Dictionary<string, int> VideoIndex { get; }

        public Dictionary<string, int> UserIndex { get; }

        /// <summary>Per user, the next event sequence number (event ids stay unique across days).</summary>
        public int[] Sequence { get; }

        /// <summary>Puts the world's catalogue into the store (durations and tags serve completions and diversity there).</summary>
        public async Task UpsertCatalogueAsync(CancellationToken cancellationToken)
        {
            if (_store is null)
            {
                return;
            }

            foreach (var video in _world.Videos)
            {
                await _store.UpsertVideoAsync(_catalogue[video.Id], cancellationToken).ConfigureAwait(false);
            }
        }

        public DailyModels Train(DateTimeOffset asOf) =>
            DailyModels.Train(_world, _catalogue, _candidateCatalogue, _interactions, _views, asOf, _options.Wals, Generation());

        /// <summary>Updates what serving knows about the user right after their response (aggregates and statistics).</summary>
        public void Observe(int user, IngestEvent e)
        {
            var video = VideoIndex[e.VideoId!];
            switch (e.Type)
            {
                case InteractionType.Impression:
                    _videoImpressions[video]++;
                    _shownWithoutClick[user][e.VideoId!] = _shownWithoutClick[user].GetValueOrDefault(e.VideoId!) + 1;
                    break;
                case InteractionType.Click:
                    _videoClicks[video]++;
                    _shownWithoutClick[user].Remove(e.VideoId!);
                    _consumed[user].Add(video);
                    break;
                case InteractionType.Watch:
                    _videoViews[video]++;
                    _consumed[user].Add(video);
                    _recent[user].Remove(e.VideoId!);
                    _recent[user].Insert(0, e.VideoId!);
                    if (_recent[user].Count > 20)
                    {
                        _recent[user].RemoveAt(20);
                    }

                    if (e.Seconds >= 0.9 * _world.Videos[video].DurationSeconds)
                    {
                        _videoCompletions[video]++;
                        _completed[user].Add(e.VideoId!);
                    }

                    break;
                case InteractionType.Dislike:
                    _disliked[user].Add(e.VideoId!);
                    _consumed[user].Add(video);
                    break;
            }
        }

        public async Task IngestAsync(IEnumerable<IngestEvent> events, IReadOnlyList<Impression> impressions, bool loop, CancellationToken cancellationToken)
        {
            var clock = Stopwatch.StartNew();
            var chunk = new List<IngestEvent>(_options.EventsPerRequest);
            var batch = 0;
            foreach (var e in events)
            {
                chunk.Add(e);
                if (chunk.Count == _options.EventsPerRequest)
                {
                    await IngestChunkAsync(chunk, loop, batch++, cancellationToken).ConfigureAwait(false);
                    chunk.Clear();
                }
            }

            if (chunk.Count > 0)
            {
                await IngestChunkAsync(chunk, loop, batch, cancellationToken).ConfigureAwait(false);
            }

            if (impressions.Count > 0)
            {
                if (_log is not null)
                {
                    await _log.LogManyAsync(impressions, cancellationToken).ConfigureAwait(false);
                }

                _impressions.AddRange(impressions);
            }

            _ingestSeconds += clock.Elapsed.TotalSeconds;
        }

        private async Task IngestChunkAsync(List<IngestEvent> chunk, bool loop, int batch, CancellationToken cancellationToken)
        {
            // The public contract: JSON as a client posts it, validated as POST /api/events validates it. "Now" is the
            // end of the simulated day, so no event is in the future.
            var latest = chunk.Max(e => e.Timestamp);
            var parsed = EventBatchParser.Parse(IngestEventJson.WriteArray(chunk), latest.AddDays(1), _ingestion);
            _events += chunk.Count;
            if (parsed.Failure is { } failure)
            {
                throw new InvalidOperationException($"Ingestion refused a simulated batch: {failure.Field}: {failure.Message}");
            }

            if (parsed.Rejected.Count > 0)
            {
                var first = parsed.Rejected[0];
                throw new InvalidOperationException($"Ingestion refused simulated event {first.EventId}: {string.Join("; ", first.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"))}");
            }

            var accepted = parsed.Accepted.Select(a => a.Event).ToArray();
            _accepted += accepted.Length;
            if (_processor is not null)
            {
                var outcome = await _processor.ProcessAsync(new EventBatch($"sim-{latest.UtcTicks}-{batch}", latest, accepted), cancellationToken).ConfigureAwait(false);
                _applied += outcome.Applied;
            }

            foreach (var e in accepted)
            {
                _interactions.Add(e.ToInteraction());
                if (e.Type == InteractionType.Watch && e.VideoId is not null)
                {
                    _views.Add(new ViewEvent(e.VideoId, e.Timestamp, UserIndex.TryGetValue(e.UserId, out var u) ? _world.Users[u].Country : null));
                }

                if (!loop && UserIndex.TryGetValue(e.UserId, out var user))
                {
                    Observe(user, e);
                }
            }

            if (loop)
            {
                _loopEvents.AddRange(accepted);
            }
        }

        public Server Server(ExperimentArm experimentArm, DailyModels models, DateTimeOffset dayStart)
        {
            var k = _options.PageSize;
            var arm = experimentArm.Name;
            switch (experimentArm.Pipeline.Policy)
            {
                case ArmPolicies.Popularity:
                    return (u, _, _, _) => Task.FromResult(Popular(u, models, k));
                case ArmPolicies.Wals:
                    var scores = new float[models.Videos.Count];
                    return (u, _, _, _) =>
                    {
                        if (models.UserVector(_world.Users[u].Id) is not { } vector)
                        {
                            return Task.FromResult(Popular(u, models, k));
                        }

                        models.Wals.Score(vector.Span, scores);
                        var top = TopK.Select(scores, k, v => _consumed[u].Contains(v) || !_world.Allowed(u, v));
                        return Task.FromResult<IReadOnlyList<ImpressionItem>>(top.Select((s, i) => new ImpressionItem(_world.Videos[s.Index].Id, i, s.Score, [CandidateSources.Wals])).ToArray());
                    };
                default:
                    var pipeline = Pipeline(experimentArm.Pipeline, models);
                    return async (u, now, seed, cancellationToken) =>
                    {
                        var user = _world.Users[u];
                        var request = new CandidateRequest
                        {
                            UserId = user.Id,
                            Now = now,
                            Country = user.Country,
                            Language = user.Language,
                            WalsVector = models.UserVector(user.Id),
                            RecentWatches = _recent[u].ToArray(),
                            Excluded = _consumed[u].Select(v => _world.Videos[v].Id).ToHashSet(StringComparer.Ordinal),
                        };
                        var context = new RerankContext
                        {
                            K = k,
                            Now = now,
                            Country = user.Country,
                            Completed = _completed[u],
                            Disliked = _disliked[u],
                            ShownWithoutClick = _shownWithoutClick[u],
                            Seed = seed,
                        };
                        var result = await pipeline.RunAsync(request, context, cancellationToken).ConfigureAwait(false);
                        if (result.Degradations.Count > 0)
                        {
                            _degraded[arm] = _degraded.GetValueOrDefault(arm) + 1;
                            _firstDegradation ??= string.Join("; ", result.Degradations);
                        }
                        return result.Page.Items.Select(i => new ImpressionItem(i.VideoId, i.Position, i.Score, i.Sources)).ToArray();
                    };
            }
        }

        private IReadOnlyList<ImpressionItem> Popular(int u, DailyModels models, int k)
        {
            var items = new List<ImpressionItem>(k);
            var counts = models.Popularity.Counts;
            foreach (var v in models.PopularOrder)
            {
                if (items.Count == k)
                {
                    break;
                }

                if (!_consumed[u].Contains(v) && _world.Allowed(u, v))
                {
                    items.Add(new ImpressionItem(_world.Videos[v].Id, items.Count, counts[v], [CandidateSources.Popular]));
                }
            }

            return items;
        }

        private RecommendationPipeline Pipeline(ArmPipeline configuration, DailyModels models)
        {
            var generation = Generation();
            if (configuration.Sources is { } sources)
            {
                generation.Sources = new Dictionary<string, CandidateSourceOptions>(sources, StringComparer.Ordinal);
            }

            var snapshot = models.Snapshot;
            ICandidateGenerator[] generators =
            [
                AnnCandidateGenerator.Wals(models.FactorIndex),
                new SimilarToRecentCandidateGenerator(models.UnitIndex, models.UnitFactors, generation),
                RankedListCandidateGenerator.Popular(() => snapshot),
                RankedListCandidateGenerator.Trending(() => snapshot),
                RankedListCandidateGenerator.Fresh(() => snapshot),
            ];
            // Re-ranking facts as of the day's start (statistics refresh daily, like the models).
            var facts = new RerankVideo[_world.Videos.Count];
            for (var v = 0; v < facts.Length; v++)
            {
                var video = _world.Videos[v];
                facts[v] = new RerankVideo
                {
                    CreatorId = video.CreatorId,
                    Tags = video.Tags,
                    UploadedAt = video.UploadedAt,
                    AllowedRegions = video.AllowedRegions,
                    Embedding = models.UnitFactors.Row(v),
                    Impressions = _videoImpressions[v],
                    Clicks = _videoClicks[v],
                    Views = _videoViews[v],
                    Completions = _videoCompletions[v],
                };
            }

            var popular = models.PopularOrder.Take(500).Select(v => new Candidate(_world.Videos[v].Id, models.Popularity.Counts[v], CandidateSources.Popular)).ToArray();
            return new RecommendationPipeline(
                new CandidateGenerationPipeline(generators, generation),
                new WalsCandidateScorer(models.Factors),
                id => facts[VideoIndex[id]],
                _ => popular,
                new PipelineOptions { CandidatesBudgetMs = 10_000, ScoringBudgetMs = 10_000 },
                (configuration.Rerank ?? new RerankOptions()).EnsureValid());
        }

        public ClosedLoopResult Measure(string[] armOf, IReadOnlyList<string> armNames)
        {
            var attributed = Attributor.Attribute(_impressions, _loopEvents, new AttributionOptions()).Attributed;
            var context = new MetricsContext
            {
                DurationSeconds = id => _world.Videos[VideoIndex[id]].DurationSeconds,
                CatalogueSize = _world.Videos.Count,
                Dissimilarity = (a, b) => _world.Videos[VideoIndex[a]].Topic == _world.Videos[VideoIndex[b]].Topic ? 0 : 1,
            };
            var rows = OnlineMetrics.Compute(_impressions, attributed, [MetricsDimension.Arm], context).ToDictionary(r => r.Group["arm"], StringComparer.Ordinal);
            var watchByUser = new double[_world.Users.Count];
            foreach (var a in attributed)
            {
                if (a.Event.Type == InteractionType.Watch)
                {
                    watchByUser[UserIndex[a.Event.UserId]] += a.Event.Seconds ?? 0;
                }
            }

            var relevance = new Dictionary<string, (double Sum, long Count)>(StringComparer.Ordinal);
            foreach (var impression in _impressions)
            {
                var u = UserIndex[impression.UserId];
                var (sum, count) = relevance.GetValueOrDefault(impression.Arm);
                relevance[impression.Arm] = (sum + impression.Items.Sum(i => _world.Relevance(u, VideoIndex[i.VideoId])), count + impression.Items.Count);
            }

            var arms = new List<ArmResult>();
            foreach (var arm in armNames)
            {
                var users = Enumerable.Range(0, armOf.Length).Where(u => armOf[u] == arm).ToArray();
                var perUser = users.Select(u => watchByUser[u]).ToArray();
                var mean = perUser.Length == 0 ? 0 : perUser.Average();
                var sd = perUser.Length < 2 ? 0 : Math.Sqrt(perUser.Sum(x => (x - mean) * (x - mean)) / (perUser.Length - 1));
                var half = perUser.Length == 0 ? 0 : WilsonInterval.Z95 * sd / Math.Sqrt(perUser.Length);
                var row = rows.GetValueOrDefault(arm);
                var (relevanceSum, relevanceCount) = relevance.GetValueOrDefault(arm);
                arms.Add(new ArmResult(arm, users.Length, row?.Requests ?? 0, row?.Impressions ?? 0, row?.Clicks ?? 0, row?.Ctr ?? 0, row?.CtrLow ?? 0, row?.CtrHigh ?? 0,
                    row?.WatchSeconds ?? 0, mean, Math.Max(0, mean - half), mean + half, row?.Completions ?? 0, row?.CompletionRate ?? 0,
                    row?.LikesPerThousand ?? 0, row?.DislikesPerThousand ?? 0, row?.Coverage ?? 0, row?.IntraListDiversity,
                    relevanceCount == 0 ? 0 : relevanceSum / relevanceCount, _degraded.GetValueOrDefault(arm)));
            }

            return new ClosedLoopResult(arms, new IngestionTotals(_events, _accepted, _applied, _impressions.Count, _ingestSeconds),
                _world.Users.Count, _world.Videos.Count, _options.Days) { FirstDegradation = _firstDegradation };
        }
    }

    /// <summary>A simulated event that fails on its own in the store is a defect: fail the run, naming it.</summary>
    private sealed class ThrowingPoisonSink : IPoisonSink
    {
        public Task AddAsync(string payload, string reason, CancellationToken cancellationToken) =>
            throw new InvalidOperationException($"The store refused a simulated event: {reason}");
    }
}
