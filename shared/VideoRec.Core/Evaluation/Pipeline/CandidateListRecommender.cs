using VideoRec.Core.Models;

namespace VideoRec.Core.Evaluation.Pipeline;

/// <summary>
/// A model that ranks only each user's candidate list, by precomputed scores (the merged order or the ranker's
/// scores); every other video scores NaN, so <see cref="OfflineEvaluator"/> never recommends it. Users without a list
/// get no recommendations.
/// </summary>
/// <param name="name">Report name, such as <c>merged</c> or <c>pipeline</c>.</param>
/// <param name="videos">Catalogue size.</param>
/// <param name="lists">Per user index: candidate video indices and their scores (higher is better), equal lengths.</param>
public sealed class CandidateListRecommender(string name, int videos, IReadOnlyDictionary<int, (int[] Videos, float[] Scores)> lists) : IRecommenderModel
{
    /// <inheritdoc />
    public string Name => name;

    /// <inheritdoc />
    public int Videos => videos;

    /// <inheritdoc />
    public void ScoreUser(int user, Span<float> scores)
    {
        scores.Fill(float.NaN);
        if (lists.TryGetValue(user, out var list))
        {
            for (var i = 0; i < list.Videos.Length; i++)
            {
                scores[list.Videos[i]] = list.Scores[i];
            }
        }
    }
}
