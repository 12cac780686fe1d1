using System.Numerics.Tensors;
using VideoRec.Core.Ranking;

namespace VideoRec.Core.Models.Wals;

/// <summary>
/// A trained matrix-factorization model: user factors <c>[users, k]</c> and video factors <c>[videos, k]</c>,
/// scored by dot product (design, "Matrix factorization inference"). Immutable and thread-safe.
/// </summary>
public sealed class WalsModel
{
    private readonly Lazy<float[]> _videoNorms;

    /// <summary>Wraps trained factors.</summary>
    /// <param name="factors">k, the number of latent factors.</param>
    /// <param name="userFactors">Row-major <c>[users, k]</c>.</param>
    /// <param name="videoFactors">Row-major <c>[videos, k]</c>.</param>
    /// <param name="options">The hyperparameters used, needed again by fold-in.</param>
    /// <exception cref="ArgumentException">An array length is not a multiple of k.</exception>
    public WalsModel(int factors, float[] userFactors, float[] videoFactors, WalsOptions options)
    {
        if (factors <= 0 || userFactors.Length % factors != 0 || videoFactors.Length % factors != 0)
        {
            throw new ArgumentException("Factor arrays must be [rows, k] with k > 0.", nameof(factors));
        }

        Factors = factors;
        UserFactors = userFactors;
        VideoFactors = videoFactors;
        Options = options with { Factors = factors };
        FoldInGramian = Gramian.Compute(videoFactors, Videos, factors, options.UnobservedWeight, options.MaxDegreeOfParallelism);
        _videoNorms = new Lazy<float[]>(ComputeVideoNorms);
    }

    /// <summary>k, the number of latent factors.</summary>
    public int Factors { get; }

    /// <summary>Number of users (rows of <see cref="UserFactors"/>).</summary>
    public int Users => UserFactors.Length / Factors;

    /// <summary>Number of videos (rows of <see cref="VideoFactors"/>).</summary>
    public int Videos => VideoFactors.Length / Factors;

    /// <summary>User factors, row-major <c>[users, k]</c>.</summary>
    public float[] UserFactors { get; }

    /// <summary>Video factors, row-major <c>[videos, k]</c>.</summary>
    public float[] VideoFactors { get; }

    /// <summary>The hyperparameters the model was trained with.</summary>
    public WalsOptions Options { get; }

    /// <summary>W·YᵀY, <c>[k, k]</c>, cached for fold-in.</summary>
    internal float[] FoldInGramian { get; }

    /// <summary>The factors of user <paramref name="user"/>, <c>[k]</c>.</summary>
    public ReadOnlySpan<float> UserVector(int user) => UserFactors.AsSpan(user * Factors, Factors);

    /// <summary>The factors of video <paramref name="video"/>, <c>[k]</c>.</summary>
    public ReadOnlySpan<float> VideoVector(int video) => VideoFactors.AsSpan(video * Factors, Factors);

    /// <summary>
    /// Computes the factors of a user who was not in training, or whose history changed, from their
    /// observed entries with the video factors held fixed: the exact per-row WALS solve (closed form,
    /// O(n·k² + k³), microseconds for k = 64). Entries naming an unknown video index are ignored.
    /// </summary>
    /// <param name="videos">Video indices the user interacted with.</param>
    /// <param name="strength">Strength s of each entry (confidence 1 + α·s).</param>
    /// <param name="preference">Target preference of each entry (1 positive, 0 disliked).</param>
    /// <returns>The user's factors, <c>[k]</c>; all zeros for an empty history.</returns>
    /// <exception cref="ArgumentException">The three spans differ in length.</exception>
    public float[] FoldIn(ReadOnlySpan<int> videos, ReadOnlySpan<float> strength, ReadOnlySpan<float> preference)
    {
        if (videos.Length != strength.Length || videos.Length != preference.Length)
        {
            throw new ArgumentException("videos, strength and preference must have the same length.", nameof(videos));
        }

        var known = new List<int>(videos.Length);
        for (var i = 0; i < videos.Length; i++)
        {
            if ((uint)videos[i] < (uint)Videos)
            {
                known.Add(i);
            }
        }

        var x = new float[Factors];
        if (known.Count == 0)
        {
            return x;
        }

        var cols = new int[known.Count];
        var str = new float[known.Count];
        var pref = new float[known.Count];
        for (var i = 0; i < known.Count; i++)
        {
            cols[i] = videos[known[i]];
            str[i] = strength[known[i]];
            pref[i] = preference[known[i]];
        }

        var lambda = Options.ScaleRegularizationByCount ? Options.Regularization * (1 + cols.Length) : Options.Regularization;
        new RowSolver(Factors, Options.Alpha, Options.UnobservedWeight).Cholesky(x, FoldInGramian, lambda, cols, str, pref, VideoFactors);
        return x;
    }

    /// <summary>Scores every video for a user vector: <c>scores[v] = y_v · x</c>.</summary>
    /// <param name="userVector">The user's factors, <c>[k]</c>.</param>
    /// <param name="scores">Destination, <c>[videos]</c>.</param>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public void Score(ReadOnlySpan<float> userVector, Span<float> scores)
    {
        if (userVector.Length != Factors || scores.Length != Videos)
        {
            throw new ArgumentException($"Expected a [{Factors}] user vector and [{Videos}] scores.");
        }

        for (var v = 0; v < scores.Length; v++)
        {
            scores[v] = TensorPrimitives.Dot(VideoFactors.AsSpan(v * Factors, Factors), userVector);
        }
    }

    /// <summary>
    /// The videos most similar to <paramref name="video"/> by cosine similarity of their factors, excluding itself.
    /// </summary>
    /// <param name="video">Video index.</param>
    /// <param name="k">How many to return (fewer when the catalogue is smaller).</param>
    /// <param name="exclude">Further videos to leave out, or <c>null</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the model or k is negative.</exception>
    public ScoredIndex[] SimilarVideos(int video, int k, Func<int, bool>? exclude = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        if ((uint)video >= (uint)Videos)
        {
            throw new ArgumentOutOfRangeException(nameof(video), $"Video index {video} is outside 0..{Videos - 1}.");
        }

        var norms = _videoNorms.Value;
        var query = VideoVector(video);
        var scores = new float[Videos];
        for (var v = 0; v < scores.Length; v++)
        {
            var denominator = norms[v] * norms[video];
            scores[v] = denominator > 0 ? TensorPrimitives.Dot(VideoVector(v), query) / denominator : 0f;
        }

        return TopK.Select(scores, k, v => v == video || (exclude is not null && exclude(v)));
    }

    private float[] ComputeVideoNorms()
    {
        var norms = new float[Videos];
        for (var v = 0; v < norms.Length; v++)
        {
            norms[v] = TensorPrimitives.Norm(VideoVector(v));
        }

        return norms;
    }
}
