namespace VideoRec.Core.Ranking;

/// <summary>Selects the k best-scored indices without sorting everything.</summary>
public static class TopK
{
    /// <summary>
    /// Returns the <paramref name="k"/> highest scores in descending order; ties go to the lower index, so the
    /// result is deterministic. NaN scores and indices for which <paramref name="exclude"/> is true are skipped.
    /// When fewer than k indices qualify, all of them are returned. O(n·log k).
    /// </summary>
    /// <param name="scores">One score per index, <c>[n]</c>.</param>
    /// <param name="k">How many to return; 0 returns nothing.</param>
    /// <param name="exclude">Indices to skip, or <c>null</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is negative.</exception>
    public static ScoredIndex[] Select(ReadOnlySpan<float> scores, int k, Func<int, bool>? exclude = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        k = Math.Min(k, scores.Length);
        if (k == 0)
        {
            return [];
        }

        // Min-heap of the best k so far; the root is the worst kept item.
        var heap = new ScoredIndex[k];
        var size = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            var s = scores[i];
            if (float.IsNaN(s) || (exclude is not null && exclude(i)))
            {
                continue;
            }

            var item = new ScoredIndex(i, s);
            if (size < k)
            {
                heap[size] = item;
                SiftUp(heap, size++);
            }
            else if (Better(item, heap[0]))
            {
                heap[0] = item;
                SiftDown(heap, 0, size);
            }
        }

        var result = heap.AsSpan(0, size).ToArray();
        Array.Sort(result, static (a, b) => Better(a, b) ? -1 : Better(b, a) ? 1 : 0);
        return result;
    }

    /// <summary>Whether <paramref name="a"/> ranks before <paramref name="b"/>: higher score, then lower index.</summary>
    private static bool Better(ScoredIndex a, ScoredIndex b) => a.Score > b.Score || (a.Score == b.Score && a.Index < b.Index);

    private static void SiftUp(ScoredIndex[] heap, int i)
    {
        while (i > 0)
        {
            var parent = (i - 1) / 2;
            if (!Better(heap[parent], heap[i]))
            {
                break;
            }

            (heap[parent], heap[i]) = (heap[i], heap[parent]);
            i = parent;
        }
    }

    private static void SiftDown(ScoredIndex[] heap, int i, int size)
    {
        while (true)
        {
            var left = 2 * i + 1;
            if (left >= size)
            {
                return;
            }

            var worst = left;
            var right = left + 1;
            if (right < size && Better(heap[worst], heap[right]))
            {
                worst = right;
            }

            if (!Better(heap[i], heap[worst]))
            {
                return;
            }

            (heap[i], heap[worst]) = (heap[worst], heap[i]);
            i = worst;
        }
    }
}
