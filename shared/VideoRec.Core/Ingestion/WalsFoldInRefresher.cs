using VideoRec.Core.Feedback;
using VideoRec.Core.Serving;

namespace VideoRec.Core.Ingestion;

/// <summary>
/// Refreshes a user's WALS vector by fold-in (the closed-form row solve with the video factors of the current bundle
/// held fixed) from their whole history, so the next recommendation reflects what they just did. The history is
/// folded into (user, video) pairs with the same relevance label and strength weights as training.
/// </summary>
/// <param name="bundles">The bundle whose video factors are used.</param>
public sealed class WalsFoldInRefresher(IModelBundleProvider bundles) : IUserVectorRefresher
{
    /// <inheritdoc />
    public UserVector? Refresh(string userId, IReadOnlyList<IngestEvent> history, IReadOnlyDictionary<string, double> durationSeconds)
    {
        var bundle = bundles.Current;
        var manifest = bundle.Manifest;
        var pairs = new Dictionary<int, PairFeedback>();
        foreach (var e in history)
        {
            if (e.VideoId is null || !bundle.Videos.TryGetIndex(e.VideoId, out var video))
            {
                continue;
            }

            var feedback = pairs.GetValueOrDefault(video);
            feedback.Add(e.ToInteraction());
            pairs[video] = feedback;
        }

        if (pairs.Count == 0)
        {
            return null;
        }

        var videos = new List<int>(pairs.Count);
        var strength = new List<float>(pairs.Count);
        var preference = new List<float>(pairs.Count);
        foreach (var (video, feedback) in pairs.OrderBy(p => p.Key))
        {
            double? duration = durationSeconds.TryGetValue(bundle.Videos[video], out var d) ? d : null;
            var label = manifest.Relevance.Label(feedback, duration);
            if (manifest.Weights.Entry(feedback, label, duration) is { } entry)
            {
                videos.Add(video);
                strength.Add(entry.Strength);
                preference.Add(entry.Preference);
            }
        }

        if (videos.Count == 0)
        {
            return null;
        }

        var vector = bundle.Wals.FoldIn(videos.ToArray(), strength.ToArray(), preference.ToArray());
        // As of the latest event the vector reflects: impressions and searches never change it, and the store refreshes
        // only on events that do, so counting them here would make the time depend on arrival order.
        return new UserVector(bundle.Version, vector, history.Where(IngestionRules.ChangesFeedback).Max(e => e.Timestamp));
    }
}
