namespace VideoRec.Core.CandidateGeneration.Index;

/// <summary>Argument checks every <see cref="IVideoVectorIndex"/> engine applies the same way.</summary>
public static class VectorChecks
{
    /// <summary>Checks a query or a stored vector: length <paramref name="dimensions"/>, every value finite.</summary>
    /// <param name="vector">The vector.</param>
    /// <param name="dimensions">The index's vector length.</param>
    /// <param name="what">How to name it in the error, such as <c>query</c> or <c>video 'v1'</c>.</param>
    /// <exception cref="ArgumentException">The length differs or a value is NaN or infinite.</exception>
    public static void Check(ReadOnlySpan<float> vector, int dimensions, string what)
    {
        if (vector.Length != dimensions)
        {
            throw new ArgumentException($"The {what} has {vector.Length} values; the index has {dimensions} dimensions.");
        }

        if (ContainsNonFinite(vector))
        {
            throw new ArgumentException($"The {what} has a NaN or infinite value.");
        }
    }

    /// <summary>Checks a search's k.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is below 1.</exception>
    public static void CheckK(int k)
    {
        if (k < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(k), k, "k must be at least 1.");
        }
    }

    /// <summary>Checks every video of an upsert and returns them with repeated ids collapsed to the last occurrence.</summary>
    /// <exception cref="ArgumentException">An id is empty or a vector is invalid.</exception>
    public static IReadOnlyList<IndexedVideo> CheckBatch(IReadOnlyList<IndexedVideo> videos, int dimensions)
    {
        ArgumentNullException.ThrowIfNull(videos);
        var last = new Dictionary<string, int>(videos.Count, StringComparer.Ordinal);
        for (var i = 0; i < videos.Count; i++)
        {
            var v = videos[i] ?? throw new ArgumentException($"Video {i} of the batch is null.", nameof(videos));
            if (string.IsNullOrEmpty(v.VideoId))
            {
                throw new ArgumentException($"Video {i} of the batch has no id.", nameof(videos));
            }

            ArgumentNullException.ThrowIfNull(v.Attributes);
            Check(v.Vector.Span, dimensions, $"vector of video '{v.VideoId}'");
            last[v.VideoId] = i;
        }

        return last.Count == videos.Count ? videos : last.Values.Order().Select(i => videos[i]).ToArray();
    }

    private static bool ContainsNonFinite(ReadOnlySpan<float> vector)
    {
        foreach (var x in vector)
        {
            if (!float.IsFinite(x))
            {
                return true;
            }
        }

        return false;
    }
}
