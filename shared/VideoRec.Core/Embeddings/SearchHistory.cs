namespace VideoRec.Core.Embeddings;

/// <summary>The search-history feature (design, "User features": a user's search history is the average of the embeddings of their queries).</summary>
public static class SearchHistory
{
    /// <summary>The element-wise mean of <paramref name="queryEmbeddings"/>, <c>[dimensions]</c>; all zeros when there are none.</summary>
    /// <param name="queryEmbeddings">Query embeddings, each <c>[dimensions]</c>.</param>
    /// <param name="dimensions">Vector length.</param>
    /// <exception cref="ArgumentException">A vector has another length.</exception>
    public static float[] Average(IReadOnlyList<float[]> queryEmbeddings, int dimensions)
    {
        ArgumentNullException.ThrowIfNull(queryEmbeddings);
        var sum = new double[dimensions];
        foreach (var vector in queryEmbeddings)
        {
            if (vector.Length != dimensions)
            {
                throw new ArgumentException($"Query embeddings must have {dimensions} values, found {vector.Length}.", nameof(queryEmbeddings));
            }

            for (var d = 0; d < dimensions; d++)
            {
                sum[d] += vector[d];
            }
        }

        var mean = new float[dimensions];
        if (queryEmbeddings.Count > 0)
        {
            for (var d = 0; d < dimensions; d++)
            {
                mean[d] = (float)(sum[d] / queryEmbeddings.Count);
            }
        }

        return mean;
    }
}
