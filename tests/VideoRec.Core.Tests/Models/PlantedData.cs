using VideoRec.Core.Matrix;

namespace VideoRec.Core.Tests.Models;

/// <summary>
/// A feedback matrix with planted structure: users 0..n/2−1 consume videos of block A (0..m/2−1), the other users
/// block B, each skipping a seeded random quarter of their block so there is something left to recommend.
/// </summary>
public static class PlantedData
{
    public static SparseMatrix TwoCommunities(int users, int videos, int seed, out HashSet<(int User, int Video)> heldOut)
    {
        var random = new Random(seed);
        var entries = new List<MatrixEntry>();
        heldOut = [];
        for (var u = 0; u < users; u++)
        {
            var inA = u < users / 2;
            var start = inA ? 0 : videos / 2;
            for (var v = start; v < start + videos / 2; v++)
            {
                if (random.NextDouble() < 0.25)
                {
                    heldOut.Add((u, v));
                    continue;
                }

                entries.Add(new MatrixEntry(u, v, random.NextDouble() < 0.5 ? 1f : 2f, 1f));
            }
        }

        return SparseMatrix.FromEntries(users, videos, entries);
    }

    public static bool InBlockA(int video, int videos) => video < videos / 2;
}
