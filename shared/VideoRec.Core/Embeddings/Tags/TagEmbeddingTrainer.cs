using VideoRec.Core.Common;

namespace VideoRec.Core.Embeddings.Tags;

/// <summary>
/// Trains tag embeddings with skip-gram and negative sampling (Mikolov et al. 2013): for each co-occurring pair
/// (center c, context o) it raises σ(u_c · v_o) and lowers σ(u_c · v_n) for <see cref="TagEmbeddingOptions.Negatives"/>
/// tags n drawn from the unigram distribution raised to 0.75, by stochastic gradient steps on
/// log σ(u_c · v_o) + Σ log σ(−u_c · v_n). The input vectors u are the embeddings. Single-threaded and seeded, so
/// the same corpus and options give the same model bit for bit.
/// </summary>
public static class TagEmbeddingTrainer
{
    /// <summary>Trains on <paramref name="corpus"/>.</summary>
    /// <param name="corpus">Vocabulary and pairs.</param>
    /// <param name="options">Dimensions, epochs, learning rate, seed.</param>
    /// <param name="progress">Receives the epochs done.</param>
    /// <param name="cancellationToken">Cancels between epochs.</param>
    /// <exception cref="InvalidOperationException">The corpus has fewer than two tags or no pair.</exception>
    public static TagEmbeddingModel Train(TagCorpus corpus, TagEmbeddingOptions? options = null, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        options = (options ?? new TagEmbeddingOptions()).Validate();
        var n = corpus.Tags.Count;
        if (n < 2 || corpus.Pairs.Count == 0)
        {
            throw new InvalidOperationException($"The tag corpus has {n} tags and {corpus.Pairs.Count} co-occurrence pairs: too little to train tag embeddings (lower MinCount or add tagged videos).");
        }

        var d = options.Dimensions;
        var random = new Random(Seeds.Derive(options.Seed, 1));
        var input = new float[n * d];
        var output = new float[n * d];
        for (var i = 0; i < input.Length; i++)
        {
            input[i] = (float)((random.NextDouble() - 0.5) / d);
        }

        var negatives = NegativeTable(corpus.Counts);
        var keep = KeepProbabilities(corpus, options.Subsample);
        var order = Enumerable.Range(0, corpus.Pairs.Count).ToArray();
        var gradient = new float[d];
        long step = 0;
        var total = (long)options.Epochs * order.Length;
        var floor = options.LearningRate * 1e-4;
        for (var epoch = 0; epoch < options.Epochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            random.Shuffle(order);
            foreach (var p in order)
            {
                var rate = (float)Math.Max(floor, options.LearningRate * (1 - (double)step++ / total));
                var (center, context) = corpus.Pairs[p];
                if (keep[center] < 1 && random.NextDouble() >= keep[center])
                {
                    continue;
                }

                var u = input.AsSpan(center * d, d);
                gradient.AsSpan().Clear();
                Update(u, output.AsSpan(context * d, d), 1f, rate, gradient);
                for (var k = 0; k < options.Negatives; k++)
                {
                    var negative = negatives[random.Next(negatives.Length)];
                    if (negative != context)
                    {
                        Update(u, output.AsSpan(negative * d, d), 0f, rate, gradient);
                    }
                }

                for (var j = 0; j < d; j++)
                {
                    u[j] += gradient[j];
                }
            }

            progress?.Report(epoch + 1);
        }

        // The embedding of a tag is the sum of its input and output vectors: the input vectors alone relate tags with
        // similar contexts (second order), the sum also relates tags that co-occur directly (first order), which is
        // what makes a broad tag such as a genre land next to the specific tags of its videos (as in GloVe's u + v).
        var embedding = new float[n * d];
        for (var i = 0; i < embedding.Length; i++)
        {
            embedding[i] = input[i] + output[i];
        }

        return new TagEmbeddingModel(corpus.Tags.ToArray(), corpus.Counts.ToArray(), d, embedding);
    }

    /// <summary>One logistic step for (u, v) with target label: accumulates u's gradient, updates v in place.</summary>
    private static void Update(Span<float> u, Span<float> v, float label, float rate, float[] gradient)
    {
        var dot = 0f;
        for (var j = 0; j < u.Length; j++)
        {
            dot += u[j] * v[j];
        }

        var g = (label - Sigmoid(dot)) * rate;
        for (var j = 0; j < u.Length; j++)
        {
            gradient[j] += g * v[j];
            v[j] += g * u[j];
        }
    }

    private static float Sigmoid(float x) => x switch
    {
        > 6f => 1f,
        < -6f => 0f,
        _ => 1f / (1f + MathF.Exp(-x)),
    };

    /// <summary>Per tag, the probability a pair centred on it is used in an epoch (1 without subsampling).</summary>
    private static double[] KeepProbabilities(TagCorpus corpus, double threshold)
    {
        var keep = new double[corpus.Tags.Count];
        var frequency = new long[keep.Length];
        foreach (var (center, _) in corpus.Pairs)
        {
            frequency[center]++;
        }

        for (var t = 0; t < keep.Length; t++)
        {
            var share = (double)frequency[t] / corpus.Pairs.Count;
            keep[t] = threshold <= 0 || share == 0 ? 1 : Math.Min(1, Math.Sqrt(threshold / share) + threshold / share);
        }

        return keep;
    }

    /// <summary>A table of tag indices in proportion to count^0.75 (word2vec's unigram table).</summary>
    private static int[] NegativeTable(IReadOnlyList<long> counts)
    {
        const int size = 1 << 20;
        var weights = counts.Select(c => Math.Pow(c, 0.75)).ToArray();
        var sum = weights.Sum();
        var table = new int[size];
        var position = 0;
        var cumulative = 0.0;
        for (var t = 0; t < weights.Length && position < size; t++)
        {
            cumulative += weights[t] / sum;
            var end = t == weights.Length - 1 ? size : (int)Math.Min(size, Math.Round(cumulative * size));
            while (position < end)
            {
                table[position++] = t;
            }
        }

        return table;
    }
}
