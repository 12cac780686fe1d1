namespace VideoRec.Core.Embeddings;

/// <summary>How often nearest neighbours share a label, against the rate for random pairs.</summary>
/// <param name="K">Neighbours per video.</param>
/// <param name="Videos">Videos used as queries (with a label and a non-zero vector).</param>
/// <param name="Rate">Share of (video, neighbour) pairs, among the k nearest, whose label sets intersect.</param>
/// <param name="RandomRate">The same share over all pairs of eligible videos: what random neighbours would give (exact, not sampled).</param>
public sealed record NeighbourLabelAgreementResult(int K, int Videos, double Rate, double RandomRate)
{
    /// <summary><see cref="Rate"/> over <see cref="RandomRate"/>.</summary>
    public double Lift => RandomRate > 0 ? Rate / RandomRate : double.NaN;
}

/// <summary>
/// A quality check of content embeddings (issue "Text embeddings", quality check): for each video, the share of its
/// k nearest neighbours that share at least one label (such as a genre) with it, compared with the exact share for a
/// random other video. Labels never enter the embedding, so a rate well above random means the text carries the signal.
/// </summary>
public static class NeighbourLabelAgreement
{
    /// <summary>Runs the check.</summary>
    /// <param name="index">The embeddings.</param>
    /// <param name="labels">Each video's label set as a bit mask (up to 64 labels), aligned with <paramref name="index"/> rows; 0 = no label (not used).</param>
    /// <param name="k">Neighbours per video.</param>
    /// <param name="cancellationToken">Cancels between videos.</param>
    /// <exception cref="ArgumentException">The label count differs from the index size.</exception>
    public static NeighbourLabelAgreementResult Measure(VideoVectorIndex index, IReadOnlyList<ulong> labels, int k, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (labels.Count != index.Count)
        {
            throw new ArgumentException($"{labels.Count} label sets for {index.Count} videos.", nameof(labels));
        }

        var eligible = new bool[index.Count];
        for (var i = 0; i < index.Count; i++)
        {
            var row = index.Row(index.VideoIds[i]);
            eligible[i] = labels[i] != 0 && System.Numerics.Tensors.TensorPrimitives.Norm(row) > 0;
        }

        var queries = Enumerable.Range(0, index.Count).Where(i => eligible[i]).ToArray();
        var hits = new long[queries.Length];
        var totals = new long[queries.Length];
        Parallel.For(0, queries.Length, new ParallelOptions { CancellationToken = cancellationToken }, q =>
        {
            var i = queries[q];
            foreach (var neighbour in index.Nearest(index.Row(index.VideoIds[i]), k, j => j == i || !eligible[j]))
            {
                totals[q]++;
                if ((labels[index.IndexOf(neighbour.VideoId)] & labels[i]) != 0)
                {
                    hits[q]++;
                }
            }
        });

        // Random baseline: over ordered pairs (i, j), i ≠ j, both eligible; grouped by distinct label set, so it is exact and fast.
        var groups = queries.GroupBy(i => labels[i]).Select(g => (Mask: g.Key, Count: (long)g.Count())).ToArray();
        double sharing = 0;
        foreach (var a in groups)
        {
            foreach (var b in groups)
            {
                if ((a.Mask & b.Mask) != 0)
                {
                    sharing += a.Mask == b.Mask ? a.Count * (a.Count - 1) : a.Count * b.Count;
                }
            }
        }

        var n = (double)queries.Length;
        var randomRate = n > 1 ? sharing / (n * (n - 1)) : 0;
        var rate = totals.Sum() > 0 ? (double)hits.Sum() / totals.Sum() : 0;
        return new NeighbourLabelAgreementResult(k, queries.Length, rate, randomRate);
    }
}
