using System.Diagnostics;
using System.Numerics.Tensors;
using VideoRec.Core.Common;
using VideoRec.Core.Ranking;
using VideoRec.Local.VectorIndex;

namespace VideoRec.Cli.Commands;

/// <summary>The figures of one search expansion in <c>bench ann</c>.</summary>
/// <param name="Expansion">The search expansion (ef).</param>
/// <param name="Recall">Mean share of the exact top k found, over the queries.</param>
/// <param name="P50Ms">Median single-query latency, one thread issuing queries (ms).</param>
/// <param name="P99Ms">99th percentile of the same (ms).</param>
/// <param name="QueriesPerSecond">Throughput with every thread issuing queries.</param>
public sealed record AnnSetting(int Expansion, double Recall, double P50Ms, double P99Ms, double QueriesPerSecond);

/// <summary>Ground truth by exact scan and the per-expansion measurements of <c>bench ann</c>.</summary>
public static class AnnMeasurements
{
    /// <summary>
    /// Exact top-k row numbers per query by inner product (SIMD dot products over every row), <c>[queries][k]</c>;
    /// the vectors are L2-normalised, so this is also the cosine order.
    /// </summary>
    public static int[][] ExactTopK(float[] rows, int count, float[] queries, int queryCount, int dimensions, int k, int threads)
    {
        var truth = new int[queryCount][];
        Parallel.For(0, queryCount, new ParallelOptions { MaxDegreeOfParallelism = threads }, () => new float[count], (q, _, scores) =>
        {
            var query = queries.AsSpan(q * dimensions, dimensions);
            for (var i = 0; i < count; i++)
            {
                scores[i] = TensorPrimitives.Dot(query, rows.AsSpan((int)((long)i * dimensions), dimensions));
            }

            truth[q] = TopK.Select(scores, k).Select(s => s.Index).ToArray();
            return scores;
        }, _ => { });
        return truth;
    }

    /// <summary>Recall and single-thread latency of every query at the index's current expansion, then throughput on <paramref name="threads"/> threads.</summary>
    public static AnnSetting Measure(USearchVectorIndex index, float[] queries, int queryCount, int k, int[][] truth, int threads)
    {
        var dimensions = index.Dimensions;
        for (var q = 0; q < Math.Min(queryCount, 100); q++)
        {
            index.Search(queries.AsSpan(q * dimensions, dimensions), k);
        }

        var milliseconds = new double[queryCount];
        var found = 0L;
        for (var q = 0; q < queryCount; q++)
        {
            var query = queries.AsSpan(q * dimensions, dimensions);
            var start = Stopwatch.GetTimestamp();
            var results = index.Search(query, k);
            milliseconds[q] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            var expected = truth[q].Select(i => "v" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToHashSet(StringComparer.Ordinal);
            found += results.Count(r => expected.Contains(r.VideoId));
        }

        Array.Sort(milliseconds);
        var passes = Math.Max(1, 2000 / queryCount);
        var clock = Stopwatch.StartNew();
        Parallel.For(0, passes * queryCount, new ParallelOptions { MaxDegreeOfParallelism = threads }, i =>
            index.Search(queries.AsSpan(i % queryCount * dimensions, dimensions), k));
        var qps = passes * queryCount / clock.Elapsed.TotalSeconds;
        return new AnnSetting(index.ExpansionSearch, (double)found / ((long)queryCount * k), Percentiles.NearestRank(milliseconds, 0.50), Percentiles.NearestRank(milliseconds, 0.99), qps);
    }

}
