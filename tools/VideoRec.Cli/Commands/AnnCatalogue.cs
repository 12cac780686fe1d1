using System.Numerics.Tensors;

namespace VideoRec.Cli.Commands;

/// <summary>
/// A seeded synthetic embedding catalogue for <c>bench ann</c>, shaped like trained embeddings rather than uniform noise:
/// videos fall into Gaussian clusters of Zipf-distributed sizes in a low-rank latent space, are projected to the full
/// dimension by a fixed random matrix, get a little full-rank noise, and are L2-normalised (as the two-tower model's
/// outputs are). Queries (users) are drawn around clusters with the same popularity but a wider spread.
/// </summary>
public sealed class AnnCatalogue
{
    private const double ClusterSpread = 0.45;
    private const double QuerySpread = 0.7;
    private const double FullRankNoise = 0.25;

    private readonly int _rank;
    private readonly float[] _projection; // [rank, dimensions]
    private readonly float[] _centres; // [clusters, rank]
    private readonly double[] _cumulative; // Zipf weights of the clusters, cumulative

    private AnnCatalogue(int dimensions, int clusters, int rank, int seed)
    {
        Dimensions = dimensions;
        Clusters = clusters;
        _rank = rank;
        var random = new Random(seed);
        _projection = Gaussians(random, rank * dimensions, 1 / Math.Sqrt(rank));
        _centres = Gaussians(random, clusters * rank, 1);
        _cumulative = new double[clusters];
        var total = 0.0;
        for (var c = 0; c < clusters; c++)
        {
            total += 1.0 / (c + 1);
            _cumulative[c] = total;
        }

        for (var c = 0; c < clusters; c++)
        {
            _cumulative[c] /= total;
        }
    }

    /// <summary>Vector length.</summary>
    public int Dimensions { get; }

    /// <summary>Number of clusters.</summary>
    public int Clusters { get; }

    /// <summary>Latent rank.</summary>
    public int Rank => _rank;

    /// <summary>One line for reports.</summary>
    public string Description =>
        $"clustered low-rank: {Clusters:N0} Gaussian clusters (Zipf sizes) in a rank-{Rank} latent space, random projection to {Dimensions}-d, full-rank noise, L2-normalised";

    /// <summary>A catalogue model for <paramref name="videos"/> videos: about one cluster per 1,000 videos (10 to 2,000), rank dimensions/4 (2 to 32).</summary>
    public static AnnCatalogue Create(int videos, int dimensions, int seed) =>
        new(dimensions, Math.Clamp(videos / 1000, 10, 2000), Math.Clamp(dimensions / 4, Math.Min(2, dimensions), Math.Min(32, dimensions)), seed);

    /// <summary>Draws <paramref name="count"/> video (or query) vectors, <c>[count, dimensions]</c> row-major, in parallel but deterministic per seed.</summary>
    /// <param name="count">How many.</param>
    /// <param name="seed">Seed; chunks of 8,192 rows each derive their own.</param>
    /// <param name="queries">Queries spread wider around their cluster than videos.</param>
    /// <param name="threads">Parallelism.</param>
    public float[] Draw(int count, int seed, bool queries, int threads)
    {
        const int chunk = 8192;
        var rows = new float[(long)count * Dimensions];
        var chunks = (count + chunk - 1) / chunk;
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, c =>
        {
            var random = new Random(HashCode.Combine(seed, c, queries));
            var latent = new float[_rank];
            for (var i = c * chunk; i < Math.Min(count, (c + 1) * chunk); i++)
            {
                var cluster = Array.BinarySearch(_cumulative, random.NextDouble());
                cluster = Math.Min(Clusters - 1, cluster < 0 ? ~cluster : cluster);
                for (var r = 0; r < _rank; r++)
                {
                    latent[r] = _centres[cluster * _rank + r] + (float)(Gaussian(random) * (queries ? QuerySpread : ClusterSpread));
                }

                var row = rows.AsSpan((int)((long)i * Dimensions), Dimensions);
                for (var d = 0; d < Dimensions; d++)
                {
                    row[d] = (float)(Gaussian(random) * FullRankNoise);
                }

                for (var r = 0; r < _rank; r++)
                {
                    TensorPrimitives.MultiplyAdd(_projection.AsSpan(r * Dimensions, Dimensions), latent[r], row, row);
                }

                var norm = TensorPrimitives.Norm(row);
                TensorPrimitives.Divide(row, norm > 0 ? norm : 1, row);
            }
        });
        return rows;
    }

    private static float[] Gaussians(Random random, int count, double scale)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = (float)(Gaussian(random) * scale);
        }

        return values;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
