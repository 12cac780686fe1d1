using System.Diagnostics;
using VideoRec.Core.CandidateGeneration;
using VideoRec.Core.Common;
using VideoRec.Core.CandidateGeneration.Activity;
using VideoRec.Core.CandidateGeneration.Generators;
using VideoRec.Core.CandidateGeneration.Index;
using VideoRec.Core.Domain;
using VideoRec.Core.Matrix;

namespace VideoRec.Core.Evaluation.Candidates;

/// <summary>Settings of <see cref="CandidateRecallEvaluation"/>.</summary>
public sealed record CandidateRecallOptions
{
    /// <summary>Candidate counts to measure recall at; default 500 and 1000.</summary>
    public IReadOnlyList<int> Counts { get; init; } = [500, 1000];

    /// <summary>Neighbours compared between ANN and exact search; default 100.</summary>
    public int AnnK { get; init; } = 100;

    /// <summary>The generators' settings (windows, quotas).</summary>
    public CandidateGenerationOptions Generation { get; init; } = new();

    /// <summary>Every problem with <see cref="Counts"/> and <see cref="AnnK"/>, each naming the setting; empty when valid (<see cref="Generation"/> validates itself).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Counts is not { Count: > 0 })
        {
            errors.Add($"{nameof(Counts)} must hold at least one candidate count.");
        }
        else
        {
            if (Counts.Any(c => c is < 1 or > 100_000))
            {
                errors.Add($"{nameof(Counts)} must each be 1–100000 (found {string.Join(", ", Counts)}).");
            }

            if (Counts.Distinct().Count() != Counts.Count)
            {
                errors.Add($"{nameof(Counts)} must not repeat a count (found {string.Join(", ", Counts)}).");
            }
        }

        if (AnnK < 1)
        {
            errors.Add($"{nameof(AnnK)} must be at least 1 (found {AnnK}).");
        }

        return errors;
    }
}

/// <summary>
/// Offline measurement of candidate generation on a split: each evaluated user gets the same request the serving
/// path would build (their training history as recent watches and exclusions, their WALS and two-tower vectors,
/// "now" = the last training timestamp), every source runs over real indexes, and the held-out relevant videos are
/// looked up among each source's list and the merged list (design, "Candidate generation"; the quality section of
/// the candidate-generation issue). Also measures each ANN index's recall@k against exact search.
/// </summary>
public static class CandidateRecallEvaluation
{
    /// <summary>Runs the measurement.</summary>
    /// <param name="dataset">The data (catalogue attributes and viewer countries).</param>
    /// <param name="set">The training split; vectors are aligned with its user and video indices.</param>
    /// <param name="task">The held-out relevant videos per evaluated user.</param>
    /// <param name="spaces">The ANN sources' spaces (such as <c>wals</c> and <c>twotower</c>).</param>
    /// <param name="similarVectors">Video vectors for the similar-to-recent source (cosine), <c>[videos, d]</c>; <c>null</c> leaves the source out.</param>
    /// <param name="annIndex">Creates an empty ANN index of the given dimensions and metric (the engine under test).</param>
    /// <param name="options">Counts, k and generator settings.</param>
    /// <param name="progress">Reports users done.</param>
    /// <param name="cancellationToken">Cancels between users.</param>
    /// <exception cref="ArgumentException">The options are invalid (checked first), or a space's vectors do not match the training set's sizes.</exception>
    public static async Task<CandidateRecallReport> RunAsync(Dataset dataset, TrainingSet set, EvaluationTask task,
        IReadOnlyList<RetrievalSpace> spaces, (float[] Vectors, int Dimensions)? similarVectors,
        Func<int, VectorMetric, IVideoVectorIndex> annIndex, CandidateRecallOptions options,
        IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { Count: > 0 } problems)
        {
            throw new ArgumentException("Invalid candidate recall settings:" + Environment.NewLine + string.Join(Environment.NewLine, problems), nameof(options));
        }

        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(spaces);
        ArgumentNullException.ThrowIfNull(annIndex);
        var generation = options.Generation.EnsureValid();
        var videos = set.Pairs.Videos;
        var users = set.Pairs.Users;
        var catalogue = CandidateCatalogue.From(dataset.Videos, videos);

        // ANN indexes and their recall against exact search.
        var generators = new List<ICandidateGenerator>();
        var annRecalls = new List<AnnRecall>();
        foreach (var space in spaces)
        {
            Check(space.VideoVectors, videos.Count, space.Dimensions, space.Source);
            Check(space.UserVectors, users.Count, space.Dimensions, space.Source);
            var table = new VideoVectorTable(videos, space.VideoVectors, space.Dimensions);
            var (index, seconds) = await BuildAsync(annIndex(space.Dimensions, space.Metric), table, catalogue, cancellationToken).ConfigureAwait(false);
            var userVectors = space.UserVectors;
            var d = space.Dimensions;
            var bias = space.VideoBias is { } b ? Enumerable.Range(0, videos.Count).ToDictionary(v => videos[v], v => b[v], StringComparer.Ordinal) : null;
            ScoreBias? BiasOf(CandidateRequest r) => bias is null ? null
                : new ScoreBias(bias, users.TryGetIndex(r.UserId, out var u) ? space.UserBiasWeights?[u] ?? 1 : 0);
            ReadOnlyMemory<float>? QueryOf(CandidateRequest r) => users.TryGetIndex(r.UserId, out var u) ? userVectors.AsMemory(u * d, d) : null;
            var generator = new AnnCandidateGenerator(space.Source, index, QueryOf, BiasOf);
            var oracle = await ExactOracleAsync(space, videos, catalogue, cancellationToken).ConfigureAwait(false);
            var recall = await AnnRecallAsync(generator, oracle, space, users, task.EvaluatedUsers, options.AnnK, cancellationToken).ConfigureAwait(false);
            annRecalls.Add(new AnnRecall(space.Source, index.Engine, videos.Count, space.Dimensions, Math.Min(options.AnnK, videos.Count), task.EvaluatedUsers.Length, recall, seconds));
            generators.Add(generator);
        }

        if (similarVectors is { } similar)
        {
            Check(similar.Vectors, videos.Count, similar.Dimensions, CandidateSources.Similar);
            var table = new VideoVectorTable(videos, similar.Vectors, similar.Dimensions);
            var (index, _) = await BuildAsync(annIndex(similar.Dimensions, VectorMetric.Cosine), table, catalogue, cancellationToken).ConfigureAwait(false);
            generators.Add(new SimilarToRecentCandidateGenerator(index, table, generation));
        }

        // Activity from the training interactions; "now" is the last training timestamp.
        var now = set.Split.Train.Max(p => p.Feedback.Last);
        var views = set.Split.Train.Select(p => new ViewEvent(videos[p.Video], p.Feedback.First,
            dataset.Users.TryGetValue(users[p.User], out var profile) ? profile.Country : null));
        var snapshot = ActivitySnapshot.Build(catalogue, views, now, generation);
        generators.Add(RankedListCandidateGenerator.Popular(() => snapshot));
        generators.Add(RankedListCandidateGenerator.Trending(() => snapshot));
        generators.Add(RankedListCandidateGenerator.Fresh(() => snapshot));

        var enabled = generation.EnabledSources.Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        generators = [.. generators.Where(g => enabled.Contains(g.Name)).OrderBy(g => CandidateSources.Priority(g.Name))];
        var quotas = generation.EnabledSources.ToDictionary(s => s.Key, s => s.Value.Quota, StringComparer.Ordinal);
        var weights = generation.EnabledSources.ToDictionary(s => s.Key, s => s.Value.Weight, StringComparer.Ordinal);

        var history = new List<(int Video, DateTimeOffset At)>[users.Count];
        foreach (var p in set.Split.Train)
        {
            (history[p.User] ??= []).Add((p.Video, p.Feedback.Last));
        }

        var counts = options.Counts.Order().ToArray();
        var max = counts[^1];
        var perSource = generators.ToDictionary(g => g.Name, _ => new double[counts.Length], StringComparer.Ordinal);
        var merged = new double[counts.Length];
        var share = new Dictionary<string, double>(StringComparer.Ordinal);
        var latencies = new List<double>(task.EvaluatedUsers.Length);
        for (var e = 0; e < task.EvaluatedUsers.Length; e++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var u = task.EvaluatedUsers[e];
            var relevant = task.Relevant[e];
            var watched = (history[u] ?? []).OrderByDescending(h => h.At).ThenByDescending(h => h.Video).Select(h => videos[h.Video]).ToArray();
            var profile = dataset.Users.GetValueOrDefault(users[u]);
            var request = new CandidateRequest
            {
                UserId = users[u],
                Now = now,
                Country = profile?.Country,
                Language = profile?.Language,
                RecentWatches = watched,
                Excluded = watched.ToHashSet(StringComparer.Ordinal),
            };

            var clock = Stopwatch.StartNew();
            var lists = new List<(string Source, IReadOnlyList<Candidate> Candidates)>(generators.Count);
            foreach (var generator in generators)
            {
                lists.Add((generator.Name, await generator.GenerateAsync(request, max, cancellationToken).ConfigureAwait(false)));
            }

            var all = CandidateMerger.Merge(lists, quotas, max, request.Excluded, weights);
            latencies.Add(clock.Elapsed.TotalMilliseconds);

            foreach (var (source, candidates) in lists)
            {
                for (var c = 0; c < counts.Length; c++)
                {
                    perSource[source][c] += Recall(candidates.Take(counts[c]).Select(x => x.VideoId), relevant, videos);
                }
            }

            for (var c = 0; c < counts.Length; c++)
            {
                var list = counts[c] == max ? all : CandidateMerger.Merge(lists, quotas, counts[c], request.Excluded, weights);
                merged[c] += Recall(list.Select(x => x.VideoId), relevant, videos);
            }

            foreach (var chooser in all.CountBy(x => x.Sources[0].Source))
            {
                share[chooser.Key] = share.GetValueOrDefault(chooser.Key) + (double)chooser.Value / Math.Max(1, all.Count);
            }

            progress?.Report(e + 1);
        }

        var n = Math.Max(1, task.EvaluatedUsers.Length);
        latencies.Sort();
        return new CandidateRecallReport(dataset.Name, set.Seed, task.EvaluatedUsers.Length, counts,
            perSource.ToDictionary(s => s.Key, s => s.Value.Select(v => v / n).ToArray(), StringComparer.Ordinal),
            [.. merged.Select(v => v / n)], annRecalls,
            share.ToDictionary(s => s.Key, s => s.Value / n, StringComparer.Ordinal),
            Percentiles.NearestRank(latencies, 0.50), Percentiles.NearestRank(latencies, 0.99));
    }

    private static double Recall(IEnumerable<string> candidates, HashSet<int> relevant, IdIndex videos)
    {
        if (relevant.Count == 0)
        {
            return 0;
        }

        var hits = 0;
        foreach (var id in candidates)
        {
            if (videos.TryGetIndex(id, out var v) && relevant.Contains(v))
            {
                hits++;
            }
        }

        return (double)hits / relevant.Count;
    }

    private static async Task<(IVideoVectorIndex Index, double Seconds)> BuildAsync(IVideoVectorIndex index, VideoVectorTable table,
        CandidateCatalogue catalogue, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var entries = table.Entries(id => catalogue.Attributes(catalogue.VideoIds.IndexOf(id))).ToArray();
        await index.UpsertAsync(entries, cancellationToken).ConfigureAwait(false);
        return (index, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Exact search of the space's full score (the bias as one more coordinate each side), and the query of a user.</summary>
    private static async Task<(IVideoVectorIndex Index, Func<int, ReadOnlyMemory<float>> Query)> ExactOracleAsync(RetrievalSpace space, IdIndex videos,
        CandidateCatalogue catalogue, CancellationToken cancellationToken)
    {
        var d = space.Dimensions;
        if (space.VideoBias is null)
        {
            var (plain, _) = await BuildAsync(new ExactVectorIndex(d, space.Metric, videos.Count), new VideoVectorTable(videos, space.VideoVectors, d), catalogue, cancellationToken).ConfigureAwait(false);
            return (plain, u => space.UserVectors.AsMemory(u * d, d));
        }

        var rows = new float[videos.Count * (d + 1)];
        for (var v = 0; v < videos.Count; v++)
        {
            space.VideoVectors.AsSpan(v * d, d).CopyTo(rows.AsSpan(v * (d + 1)));
            rows[v * (d + 1) + d] = space.VideoBias[v];
        }

        var (exact, _) = await BuildAsync(new ExactVectorIndex(d + 1, VectorMetric.InnerProduct, videos.Count), new VideoVectorTable(videos, rows, d + 1), catalogue, cancellationToken).ConfigureAwait(false);
        return (exact, u =>
        {
            var q = new float[d + 1];
            space.UserVectors.AsSpan(u * d, d).CopyTo(q);
            q[d] = space.UserBiasWeights?[u] ?? 1;
            return q;
        });
    }

    private static async Task<double> AnnRecallAsync(AnnCandidateGenerator generator, (IVideoVectorIndex Index, Func<int, ReadOnlyMemory<float>> Query) oracle,
        RetrievalSpace space, IdIndex users, int[] evaluated, int k, CancellationToken cancellationToken)
    {
        var total = 0.0;
        foreach (var u in evaluated)
        {
            var truth = await oracle.Index.SearchAsync(oracle.Query(u), k, cancellationToken: cancellationToken).ConfigureAwait(false);
            var found = await generator.GenerateAsync(new CandidateRequest { UserId = users[u], Now = DateTimeOffset.UnixEpoch }, k, cancellationToken).ConfigureAwait(false);
            var set = truth.Select(t => t.VideoId).ToHashSet(StringComparer.Ordinal);
            total += truth.Count == 0 ? 1 : (double)found.Count(f => set.Contains(f.VideoId)) / truth.Count;
        }

        return evaluated.Length == 0 ? 0 : total / evaluated.Length;
    }

    private static void Check(float[] vectors, int rows, int dimensions, string source)
    {
        if (vectors.LongLength != (long)rows * dimensions)
        {
            throw new ArgumentException($"The {source} vectors hold {vectors.LongLength} values, not {rows} rows of {dimensions}.");
        }
    }

}
