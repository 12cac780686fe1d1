using System.Text.Json.Nodes;

namespace VideoRec.Core.Evaluation.Candidates;

/// <summary>How well an ANN index reproduces exact search in one retrieval space.</summary>
/// <param name="Source">The space's source.</param>
/// <param name="Engine">The ANN engine.</param>
/// <param name="Videos">Indexed videos.</param>
/// <param name="Dimensions">Vector length.</param>
/// <param name="K">Neighbours compared.</param>
/// <param name="Queries">Users queried.</param>
/// <param name="RecallAtK">Mean over queries of |ANN top k ∩ exact top k| / k.</param>
/// <param name="BuildSeconds">Index build time, seconds.</param>
public sealed record AnnRecall(string Source, string Engine, int Videos, int Dimensions, int K, int Queries, double RecallAtK, double BuildSeconds);

/// <summary>
/// Candidate recall: the share of a user's held-out relevant videos present among the candidates, averaged over the
/// evaluated users (Microsoft Recommenders' recall@k applied to an unordered candidate set of size k).
/// </summary>
/// <param name="Dataset">Data name.</param>
/// <param name="Seed">Split seed.</param>
/// <param name="Users">Users evaluated.</param>
/// <param name="Counts">Candidate counts measured (such as 500 and 1000).</param>
/// <param name="PerSource">Source → recall of its own top-N list at each count.</param>
/// <param name="Merged">Recall of the merged list at each count.</param>
/// <param name="Ann">ANN recall against exact search per space.</param>
/// <param name="MergedShare">Source → share of the merged list (at the largest count) whose slot it filled.</param>
/// <param name="GenerationP50Ms">Median wall time of one request's candidate generation (all sources and the merge), ms.</param>
/// <param name="GenerationP99Ms">99th percentile of the same, ms.</param>
public sealed record CandidateRecallReport(
    string Dataset,
    int Seed,
    int Users,
    IReadOnlyList<int> Counts,
    IReadOnlyDictionary<string, double[]> PerSource,
    double[] Merged,
    IReadOnlyList<AnnRecall> Ann,
    IReadOnlyDictionary<string, double> MergedShare,
    double GenerationP50Ms,
    double GenerationP99Ms)
{
    /// <summary>The report as JSON: <c>{dataset, seed, users, counts, recall: {source: {"500": r, "1000": r}, merged: {...}}, merged_share, ann: {source: {engine, recall_at_100, ...}}, generation_p50_ms, generation_p99_ms}</c>.</summary>
    public JsonObject ToJson()
    {
        JsonObject AtCounts(double[] values)
        {
            var o = new JsonObject();
            for (var i = 0; i < Counts.Count; i++)
            {
                o[Counts[i].ToString(System.Globalization.CultureInfo.InvariantCulture)] = Math.Round(values[i], 4);
            }

            return o;
        }

        var recall = new JsonObject();
        foreach (var (source, values) in PerSource)
        {
            recall[source] = AtCounts(values);
        }

        recall["merged"] = AtCounts(Merged);
        var ann = new JsonObject();
        foreach (var a in Ann)
        {
            ann[a.Source] = new JsonObject
            {
                ["engine"] = a.Engine,
                ["videos"] = a.Videos,
                ["dimensions"] = a.Dimensions,
                ["queries"] = a.Queries,
                [$"recall_at_{a.K}"] = Math.Round(a.RecallAtK, 4),
                ["build_s"] = Math.Round(a.BuildSeconds, 3),
            };
        }

        var share = new JsonObject();
        foreach (var (source, value) in MergedShare)
        {
            share[source] = Math.Round(value, 4);
        }

        return new JsonObject
        {
            ["dataset"] = Dataset,
            ["seed"] = Seed,
            ["users"] = Users,
            ["counts"] = new JsonArray([.. Counts.Select(c => (JsonNode)c)]),
            ["recall"] = recall,
            ["merged_share"] = share,
            ["ann"] = ann,
            ["generation_p50_ms"] = Math.Round(GenerationP50Ms, 3),
            ["generation_p99_ms"] = Math.Round(GenerationP99Ms, 3),
        };
    }
}
