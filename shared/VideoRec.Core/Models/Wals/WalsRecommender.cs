namespace VideoRec.Core.Models.Wals;

/// <summary>Exposes a <see cref="WalsModel"/> as an <see cref="IRecommenderModel"/> named <c>wals</c>.</summary>
/// <param name="model">The trained model.</param>
public sealed class WalsRecommender(WalsModel model) : IRecommenderModel
{
    /// <inheritdoc />
    public string Name => "wals";

    /// <inheritdoc />
    public int Videos => model.Videos;

    /// <summary>The wrapped model.</summary>
    public WalsModel Model => model;

    /// <inheritdoc />
    public void ScoreUser(int user, Span<float> scores) => model.Score(model.UserVector(user), scores);
}
