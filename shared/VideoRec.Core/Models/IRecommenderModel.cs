namespace VideoRec.Core.Models;

/// <summary>
/// A model that scores every video for a user it was trained on. Offline evaluation and the model bundle
/// treat WALS and the baselines through this one shape.
/// </summary>
public interface IRecommenderModel
{
    /// <summary>Short name used in reports and JSON keys, such as <c>wals</c> or <c>popularity</c>.</summary>
    string Name { get; }

    /// <summary>Number of videos scored (the length of the score span).</summary>
    int Videos { get; }

    /// <summary>Writes a score for every video for user row <paramref name="user"/>; higher is better.</summary>
    /// <param name="user">User index in the training matrix.</param>
    /// <param name="scores">Destination, <c>[videos]</c>.</param>
    void ScoreUser(int user, Span<float> scores);
}
