namespace VideoRec.Core.Models.TwoTower;

/// <summary>How random negatives are drawn.</summary>
public enum NegativeSampling
{
    /// <summary>Every training video equally likely.</summary>
    Uniform,

    /// <summary>In proportion to popularity^0.75 (Mikolov et al., 2013; the usual choice for recommendation negatives).</summary>
    Popularity,
}

/// <summary>
/// Draws random negative videos in O(1) per draw with Walker's alias method, from a distribution over video indices.
/// Also exposes the probability of each video, which sampled-softmax training subtracts as the log-Q correction.
/// </summary>
public sealed class NegativeSampler
{
    private readonly float[] _accept;
    private readonly int[] _alias;

    /// <summary>Builds the sampler.</summary>
    /// <param name="counts">Positive count per video, <c>[videos]</c>; videos with count 0 are never drawn.</param>
    /// <param name="sampling">Uniform over videos with a positive count, or count^0.75.</param>
    /// <exception cref="ArgumentException">No video has a positive count.</exception>
    public NegativeSampler(ReadOnlySpan<float> counts, NegativeSampling sampling)
    {
        var n = counts.Length;
        var weights = new double[n];
        var total = 0.0;
        for (var v = 0; v < n; v++)
        {
            weights[v] = counts[v] > 0 ? sampling == NegativeSampling.Uniform ? 1 : Math.Pow(counts[v], 0.75) : 0;
            total += weights[v];
        }

        if (total <= 0)
        {
            throw new ArgumentException("No video has a positive count to sample from.", nameof(counts));
        }

        Probabilities = new float[n];
        _accept = new float[n];
        _alias = new int[n];
        var scaled = new double[n];
        var small = new Stack<int>();
        var large = new Stack<int>();
        for (var v = 0; v < n; v++)
        {
            Probabilities[v] = (float)(weights[v] / total);
            scaled[v] = weights[v] / total * n;
            (scaled[v] < 1 ? small : large).Push(v);
        }

        while (small.Count > 0 && large.Count > 0)
        {
            var s = small.Pop();
            var l = large.Pop();
            _accept[s] = (float)scaled[s];
            _alias[s] = l;
            scaled[l] -= 1 - scaled[s];
            (scaled[l] < 1 ? small : large).Push(l);
        }

        foreach (var v in small.Concat(large))
        {
            _accept[v] = 1;
            _alias[v] = v;
        }
    }

    /// <summary>The probability of drawing each video, <c>[videos]</c>, summing to 1.</summary>
    public float[] Probabilities { get; }

    /// <summary>Draws one video index.</summary>
    public int Next(Random random)
    {
        var v = random.Next(_accept.Length);
        return random.NextSingle() < _accept[v] ? v : _alias[v];
    }
}
