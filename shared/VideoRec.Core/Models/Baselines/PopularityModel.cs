using VideoRec.Core.Matrix;
using VideoRec.Core.Ranking;

namespace VideoRec.Core.Models.Baselines;

/// <summary>
/// The global popularity baseline: every user gets the videos with the most positive pairs in training,
/// ties broken by the lower index. Also the cold-start answer for users the model does not know.
/// </summary>
public sealed class PopularityModel : IRecommenderModel
{
    private readonly float[] _counts;

    /// <summary>Counts positive entries (preference &gt; 0) per column of <paramref name="userVideo"/>.</summary>
    public PopularityModel(SparseMatrix userVideo)
    {
        _counts = new float[userVideo.Columns];
        for (var e = 0; e < userVideo.NonZeros; e++)
        {
            if (userVideo.Preference[e] > 0)
            {
                _counts[userVideo.ColumnIndices[e]]++;
            }
        }
    }

    /// <summary>Wraps precomputed counts, <c>[videos]</c>.</summary>
    public PopularityModel(float[] counts) => _counts = counts;

    /// <inheritdoc />
    public string Name => "popularity";

    /// <inheritdoc />
    public int Videos => _counts.Length;

    /// <summary>Positive pairs per video, <c>[videos]</c>.</summary>
    public ReadOnlySpan<float> Counts => _counts;

    /// <inheritdoc />
    public void ScoreUser(int user, Span<float> scores) => _counts.CopyTo(scores);

    /// <summary>The <paramref name="k"/> most popular videos not excluded.</summary>
    public ScoredIndex[] Top(int k, Func<int, bool>? exclude = null) => TopK.Select(_counts, k, exclude);
}
