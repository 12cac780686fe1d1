using System.Diagnostics;
using VideoRec.Core.CandidateGeneration;
using VideoRec.Core.Common;
using VideoRec.Core.CandidateGeneration.Activity;
using VideoRec.Core.CandidateGeneration.Generators;
using VideoRec.Core.CandidateGeneration.Index;
using VideoRec.Core.Synthetic;

namespace VideoRec.Cli.Infrastructure;

/// <summary>Latency of full candidate generation (every source and the merge) for one request.</summary>
/// <param name="Requests">Requests timed.</param>
/// <param name="P50Ms">Median, ms.</param>
/// <param name="P99Ms">99th percentile, ms.</param>
/// <param name="MeanCandidates">Mean merged candidates per request.</param>
/// <param name="Degraded">Requests where a source failed or overran its budget.</param>
/// <param name="SourceP99Ms">Each source's own p99, ms.</param>
/// <param name="SnapshotSeconds">Time to build the popular/trending/fresh snapshot from the views, seconds.</param>
public sealed record CandidateBenchmarkResult(int Requests, double P50Ms, double P99Ms, double MeanCandidates, int Degraded,
    IReadOnlyDictionary<string, double> SourceP99Ms, double SnapshotSeconds);

/// <summary>Times <see cref="CandidateGenerationPipeline"/> over a synthetic world with real indexes.</summary>
public static class CandidateBenchmark
{
    /// <summary>Runs <paramref name="requests"/> requests one after another (after 20 warm-up requests).</summary>
    /// <param name="world">The synthetic world.</param>
    /// <param name="twoTower">The two-tower index (unit vectors; also serves the similar source).</param>
    /// <param name="wals">The WALS factor index.</param>
    /// <param name="options">Generation settings (budgets, merged count).</param>
    /// <param name="requests">Requests to time.</param>
    /// <param name="cancellationToken">Cancels between requests.</param>
    public static async Task<CandidateBenchmarkResult> RunAsync(SyntheticCandidateWorld world, IVideoVectorIndex twoTower, IVideoVectorIndex wals,
        CandidateGenerationOptions options, int requests, CancellationToken cancellationToken)
    {
        var catalogue = new CandidateCatalogue(world.VideoIds, world.Attributes);
        var clock = Stopwatch.StartNew();
        var snapshot = ActivitySnapshot.Build(catalogue, world.Views, world.Now, options);
        var snapshotSeconds = clock.Elapsed.TotalSeconds;
        var table = new VideoVectorTable(world.VideoIds, world.TwoTowerVideos, world.Dimensions);
        var pipeline = new CandidateGenerationPipeline(
        [
            AnnCandidateGenerator.TwoTower(twoTower),
            AnnCandidateGenerator.Wals(wals),
            new SimilarToRecentCandidateGenerator(twoTower, table, options),
            RankedListCandidateGenerator.Popular(() => snapshot),
            RankedListCandidateGenerator.Trending(() => snapshot),
            RankedListCandidateGenerator.Fresh(() => snapshot),
        ], options);

        var d = world.Dimensions;
        CandidateRequest Request(int i)
        {
            var u = i % world.Users;
            return new CandidateRequest
            {
                UserId = $"u{u}",
                Now = world.Now,
                Country = world.UserCountries[u],
                Language = world.UserLanguages[u],
                TwoTowerEmbedding = world.TwoTowerUsers.AsMemory(u * d, d),
                WalsVector = world.WalsUsers.AsMemory(u * d, d),
                RecentWatches = world.RecentWatches[u],
                Excluded = world.Excluded[u],
            };
        }

        for (var i = 0; i < 20; i++)
        {
            await pipeline.GenerateAsync(Request(requests + i), cancellationToken).ConfigureAwait(false);
        }

        var latencies = new double[requests];
        var perSource = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        var candidates = 0L;
        var degraded = 0;
        for (var i = 0; i < requests; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            clock.Restart();
            var set = await pipeline.GenerateAsync(Request(i), cancellationToken).ConfigureAwait(false);
            latencies[i] = clock.Elapsed.TotalMilliseconds;
            candidates += set.Candidates.Count;
            degraded += set.Degraded ? 1 : 0;
            foreach (var s in set.Sources)
            {
                if (!perSource.TryGetValue(s.Source, out var list))
                {
                    perSource[s.Source] = list = [];
                }

                list.Add(s.ElapsedMs);
            }
        }

        Array.Sort(latencies);
        return new CandidateBenchmarkResult(requests, Percentiles.NearestRank(latencies, 0.5), Percentiles.NearestRank(latencies, 0.99), (double)candidates / Math.Max(1, requests), degraded,
            perSource.ToDictionary(s => s.Key, s => Percentiles.NearestRank([.. s.Value.Order()], 0.99), StringComparer.Ordinal), snapshotSeconds);
    }

}
