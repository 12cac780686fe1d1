using System.Diagnostics;
using System.Text.Json.Nodes;
using VideoRec.Core.CandidateGeneration;
using VideoRec.Core.CandidateGeneration.Index;
using VideoRec.Core.Synthetic;
using VideoRec.Local.VectorIndex;

namespace VideoRec.Cli.Infrastructure;

/// <summary>
/// The candidate-generation part of <c>vrec bench ann --candidates</c>: a synthetic world with both embedding spaces
/// (<see cref="SyntheticCandidateWorld"/>), one ANN index per space, their recall@k against exact search, and the
/// latency of the whole candidate generation (six sources concurrently, filters, merge) per request.
/// </summary>
public static class CandidateWorldBenchmark
{
    /// <summary>Runs the benchmark.</summary>
    /// <param name="videos">Catalogue size.</param>
    /// <param name="dimensions">Embedding length.</param>
    /// <param name="requests">Requests timed (and queries for recall).</param>
    /// <param name="views">View events behind the popular, trending and fresh lists.</param>
    /// <param name="k">Neighbours compared for recall.</param>
    /// <param name="seed">Random seed.</param>
    /// <param name="expansions">Search expansions to measure recall at (USearch); the pipeline uses the smallest reaching recall 0.95.</param>
    /// <param name="createIndex">An empty ANN index of the given dimensions and metric, sized for the catalogue.</param>
    /// <param name="log">Progress lines.</param>
    /// <param name="cancellationToken">Cancels between phases.</param>
    /// <returns>The figures as JSON: build seconds and recall per space, pipeline p50/p99, per-source p99.</returns>
    public static async Task<JsonObject> RunAsync(int videos, int dimensions, int requests, int views, int k, int seed, IReadOnlyList<int> expansions,
        Func<int, VectorMetric, IVideoVectorIndex> createIndex, Action<string> log, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var world = SyntheticCandidateWorld.Create(videos, dimensions, Math.Max(requests, 1), views, seed);
        log($"World: {videos:N0} videos × {dimensions}, {world.Users:N0} users, {views:N0} views, generated in {clock.Elapsed.TotalSeconds:F1} s.");

        var spaces = new JsonObject();
        var indexes = new Dictionary<string, IVideoVectorIndex>(StringComparer.Ordinal);
        foreach (var (name, rows, queries) in new[] { (CandidateSources.TwoTower, world.TwoTowerVideos, world.TwoTowerUsers), (CandidateSources.Wals, world.WalsVideos, world.WalsUsers) })
        {
            cancellationToken.ThrowIfCancellationRequested();
            var index = createIndex(dimensions, VectorMetric.InnerProduct);
            clock.Restart();
            const int chunk = 50_000;
            for (var start = 0; start < videos; start += chunk)
            {
                var count = Math.Min(chunk, videos - start);
                var batch = new IndexedVideo[count];
                for (var i = 0; i < count; i++)
                {
                    var v = start + i;
                    batch[i] = new IndexedVideo(world.VideoIds[v], rows.AsMemory(v * dimensions, dimensions), world.Attributes[v]);
                }

                await index.UpsertAsync(batch, cancellationToken).ConfigureAwait(false);
            }

            var buildSeconds = clock.Elapsed.TotalSeconds;
            var exact = new ExactVectorIndex(dimensions, VectorMetric.InnerProduct, videos);
            for (var start = 0; start < videos; start += chunk)
            {
                exact.Upsert([.. Enumerable.Range(start, Math.Min(chunk, videos - start)).Select(v => new IndexedVideo(world.VideoIds[v], rows.AsMemory(v * dimensions, dimensions), world.Attributes[v]))]);
            }

            var recallQueries = Math.Min(200, world.Users);
            var truths = new HashSet<string>[recallQueries];
            for (var u = 0; u < recallQueries; u++)
            {
                truths[u] = exact.Search(queries.AsSpan(u * dimensions, dimensions), k).Select(m => m.VideoId).ToHashSet(StringComparer.Ordinal);
            }

            // Recall at each search expansion (USearch keeps it per index); the pipeline then runs at the smallest reaching 0.95.
            var perExpansion = new JsonObject();
            var chosen = 0;
            var chosenRecall = 0.0;
            foreach (var expansion in index is USearchVectorIndex ? expansions : [0])
            {
                if (index is USearchVectorIndex usearch)
                {
                    usearch.ExpansionSearch = expansion;
                }

                var recall = 0.0;
                for (var u = 0; u < recallQueries; u++)
                {
                    var found = await index.SearchAsync(queries.AsMemory(u * dimensions, dimensions), k, cancellationToken: cancellationToken).ConfigureAwait(false);
                    recall += (double)found.Count(m => truths[u].Contains(m.VideoId)) / Math.Max(1, truths[u].Count);
                }

                recall /= recallQueries;
                perExpansion[expansion.ToString(System.Globalization.CultureInfo.InvariantCulture)] = Math.Round(recall, 4);
                log($"{name} index: recall@{k} against exact search {recall:F4} at search expansion {expansion} over {recallQueries} users.");
                if (chosen == 0 || chosenRecall < 0.95)
                {
                    (chosen, chosenRecall) = (expansion, recall);
                }
            }

            if (index is USearchVectorIndex chosenIndex)
            {
                chosenIndex.ExpansionSearch = chosen;
            }

            log($"{name} index: built in {buildSeconds:F1} s; searched at expansion {chosen} (recall@{k} {chosenRecall:F4}).");
            spaces[name] = new JsonObject
            {
                ["build_s"] = Math.Round(buildSeconds, 2),
                [$"recall_at_{k}"] = Math.Round(chosenRecall, 4),
                ["expansion"] = chosen,
                ["recall_by_expansion"] = perExpansion,
                ["queries"] = recallQueries,
            };
            indexes[name] = index;
        }

        var options = new CandidateGenerationOptions();
        foreach (var source in options.Sources.Values)
        {
            source.BudgetMs = 200;
        }

        var result = await CandidateBenchmark.RunAsync(world, indexes[CandidateSources.TwoTower], indexes[CandidateSources.Wals], options, requests, cancellationToken).ConfigureAwait(false);
        log($"Candidate generation, six sources (budget 200 ms each) and the merge of {options.MergedCount:N0}: p50 {result.P50Ms:F2} ms, p99 {result.P99Ms:F2} ms over {result.Requests:N0} requests " +
            $"({result.MeanCandidates:F0} candidates on average, {result.Degraded} degraded); per-source p99: " +
            string.Join(", ", result.SourceP99Ms.Select(s => $"{s.Key} {s.Value:F2} ms")) + $"; snapshot built in {result.SnapshotSeconds:F1} s.");
        foreach (var index in indexes.Values)
        {
            (index as IDisposable)?.Dispose();
        }

        return new JsonObject
        {
            ["videos"] = videos,
            ["dim"] = dimensions,
            ["views"] = views,
            ["spaces"] = spaces,
            ["requests"] = result.Requests,
            ["p50_ms"] = Math.Round(result.P50Ms, 3),
            ["p99_ms"] = Math.Round(result.P99Ms, 3),
            ["mean_candidates"] = Math.Round(result.MeanCandidates, 1),
            ["degraded_requests"] = result.Degraded,
            ["source_p99_ms"] = new JsonObject([.. result.SourceP99Ms.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)Math.Round(s.Value, 3)))]),
            ["snapshot_s"] = Math.Round(result.SnapshotSeconds, 2),
            ["source_budget_ms"] = 200,
        };
    }
}
