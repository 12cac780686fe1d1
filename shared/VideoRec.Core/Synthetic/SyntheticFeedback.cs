using VideoRec.Core.Matrix;

namespace VideoRec.Core.Synthetic;

/// <summary>
/// Generates a synthetic implicit-feedback matrix shaped like MovieLens 20M for benchmarks: video popularity follows
/// a power law (Zipf exponent <c>s</c>), user activity is log-normal, and each pair has strength 1 or 2.
/// Deterministic for a seed.
/// </summary>
public static class SyntheticFeedback
{
    /// <summary>Generates the matrix.</summary>
    /// <param name="users">Rows.</param>
    /// <param name="videos">Columns.</param>
    /// <param name="nonZeros">Number of distinct observed pairs (exact, given at least one per user and at most half the videos per user).</param>
    /// <param name="seed">Random seed.</param>
    /// <param name="zipfExponent">Popularity exponent s: video of rank r is drawn with probability ∝ 1 / r^s. Default 0.9.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive or the target exceeds users × videos / 2 or is below users.</exception>
    public static SparseMatrix Generate(int users, int videos, long nonZeros, int seed, double zipfExponent = 0.9)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(users, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(videos, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(nonZeros, 1L);
        if (nonZeros > (long)users * Math.Max(1, videos / 2) || nonZeros > int.MaxValue / 2 || nonZeros < users)
        {
            throw new ArgumentOutOfRangeException(nameof(nonZeros), "Ask for between one pair per user and half of users × videos pairs (and under 1 billion).");
        }

        var random = new Random(seed);

        // Cumulative popularity over a random permutation, so popular videos are spread over the id space.
        var cdf = new double[videos];
        var total = 0.0;
        for (var r = 0; r < videos; r++)
        {
            total += 1.0 / Math.Pow(r + 1, zipfExponent);
            cdf[r] = total;
        }

        var permutation = Enumerable.Range(0, videos).ToArray();
        random.Shuffle(permutation);

        // Log-normal activity, scaled to the target and capped at half the catalogue.
        var activity = new double[users];
        var activitySum = 0.0;
        for (var u = 0; u < users; u++)
        {
            activity[u] = Math.Exp(1.2 * Gaussian(random));
            activitySum += activity[u];
        }

        var cap = Math.Max(1, videos / 2);
        var counts = new int[users];
        long assigned = 0;
        for (var u = 0; u < users; u++)
        {
            counts[u] = (int)Math.Clamp(Math.Round(activity[u] / activitySum * nonZeros), 1, cap);
            assigned += counts[u];
        }

        // Rounding, the floor of one and the cap move the total; hand the difference out, most active users first.
        var byActivity = Enumerable.Range(0, users).OrderByDescending(u => activity[u]).ToArray();
        for (var pass = 0; assigned != nonZeros && pass < cap; pass++)
        {
            foreach (var u in byActivity)
            {
                if (assigned < nonZeros && counts[u] < cap)
                {
                    counts[u]++;
                    assigned++;
                }
                else if (assigned > nonZeros && counts[u] > 1)
                {
                    counts[u]--;
                    assigned--;
                }

                if (assigned == nonZeros)
                {
                    break;
                }
            }
        }

        var rowStart = new int[users + 1];
        for (var u = 0; u < users; u++)
        {
            rowStart[u + 1] = rowStart[u] + counts[u];
        }

        var nnz = rowStart[users];
        var columns = new int[nnz];
        var strength = new float[nnz];
        var preference = new float[nnz];
        var seen = new HashSet<int>();
        for (var u = 0; u < users; u++)
        {
            seen.Clear();
            var start = rowStart[u];
            while (seen.Count < counts[u])
            {
                var target = random.NextDouble() * total;
                var rank = Array.BinarySearch(cdf, target);
                rank = rank < 0 ? ~rank : rank;
                seen.Add(permutation[Math.Min(rank, videos - 1)]);
            }

            var row = columns.AsSpan(start, counts[u]);
            seen.CopyTo(columns, start);
            row.Sort();
            for (var e = start; e < start + counts[u]; e++)
            {
                strength[e] = random.NextDouble() < 0.5 ? 1f : 2f;
                preference[e] = 1f;
            }
        }

        return new SparseMatrix(users, videos, rowStart, columns, strength, preference);
    }

    private static double Gaussian(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
