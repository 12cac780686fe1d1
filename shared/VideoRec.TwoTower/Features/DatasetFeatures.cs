using VideoRec.Core.Domain;
using VideoRec.Core.Feedback;
using VideoRec.Core.Models.TwoTower;

namespace VideoRec.TwoTower.Features;

/// <summary>
/// Builds tower features for the users and videos of an offline dataset (by pair-table index): profiles and the
/// catalogue from the dataset, histories from the pairs that may be read, title embeddings supplied by the caller.
/// Training, offline evaluation and the cold-start measurements all go through it, then through one
/// <see cref="TwoTowerEncoder"/>.
/// </summary>
public sealed class DatasetFeatures
{
    private readonly Dataset _dataset;
    private readonly PairTable _table;
    private readonly IReadOnlyDictionary<string, float[]> _titles;
    private readonly long[] _views;

    /// <summary>Creates the view.</summary>
    /// <param name="dataset">Catalogue and profiles.</param>
    /// <param name="table">Pair table whose indices are used.</param>
    /// <param name="histories">History lists built from the pairs that may be read.</param>
    /// <param name="titleEmbeddings">Video id → title embedding (missing ids get zeros).</param>
    public DatasetFeatures(Dataset dataset, PairTable table, UserHistories histories, IReadOnlyDictionary<string, float[]> titleEmbeddings)
    {
        _dataset = dataset;
        _table = table;
        Histories = histories;
        _titles = titleEmbeddings;
        _views = new long[table.Videos.Count];
        for (var u = 0; u < histories.Users; u++)
        {
            foreach (var v in histories.Watched(u))
            {
                _views[v]++;
            }
        }
    }

    /// <summary>The readable history lists.</summary>
    public UserHistories Histories { get; }

    /// <summary>The pair table.</summary>
    public PairTable Table => _table;

    /// <summary>
    /// Features of video <paramref name="video"/>; <paramref name="dropId"/> hides the id (content only). Its view count
    /// is the number of readable watches (the offline stand-in for the feature store's statistics).
    /// </summary>
    public VideoFeatures Video(int video, bool dropId = false)
    {
        var id = _table.Videos[video];
        return new VideoFeatures(dropId ? null : id, _dataset.Videos.GetValueOrDefault(id), _titles.GetValueOrDefault(id), _views[video]);
    }

    /// <summary>Features of user <paramref name="user"/> at <paramref name="time"/> with their readable history.</summary>
    /// <param name="user">User index.</param>
    /// <param name="time">Request time (context); <c>null</c> uses the user's last interaction.</param>
    /// <param name="dropId">Hide the user id (a new user).</param>
    /// <param name="exclude">A video left out of every history list (the training target).</param>
    /// <param name="keep">Keep only these positions of the watched list (a cut history), or <c>null</c> for all.</param>
    public UserFeatures User(int user, DateTimeOffset? time = null, bool dropId = false, int exclude = -1, IReadOnlyCollection<int>? keep = null)
    {
        var id = _table.Users[user];
        var watched = Histories.Watched(user);
        HashSet<int>? kept = null;
        if (keep is not null)
        {
            kept = [.. keep.Where(i => i < watched.Length).Select(i => watched[i])];
        }

        List<string> Ids(int[] videos) => [.. videos.Where(v => v != exclude && (kept is null || kept.Contains(v))).Select(v => _table.Videos[v])];
        var last = Histories.LastSeen(user);
        return new UserFeatures(dropId ? null : id, _dataset.Users.GetValueOrDefault(id), time ?? (last == DateTimeOffset.MinValue ? null : last), null,
            Ids(watched), Ids(Histories.Liked(user)), Ids(Histories.Impressed(user)), null);
    }

    /// <summary>Features of a new user from only the given known pairs (no id), at the time of the last known pair.</summary>
    /// <param name="user">User index (for the profile).</param>
    /// <param name="known">The known pairs; empty for demographics and context only.</param>
    /// <param name="time">Request time.</param>
    public UserFeatures NewUser(int user, IReadOnlyList<PairRecord> known, DateTimeOffset? time)
    {
        var ordered = known.OrderBy(p => p.Feedback.First).ThenBy(p => p.Order).ToList();
        var id = _table.Users[user];
        return new UserFeatures(null, _dataset.Users.GetValueOrDefault(id), time, null,
            [.. ordered.Where(p => p.Feedback.Watches > 0).Select(p => _table.Videos[p.Video])],
            [.. ordered.Where(p => p.Feedback.Likes > 0).Select(p => _table.Videos[p.Video])],
            [.. ordered.Where(p => p.Feedback is { Impressions: > 0, Clicks: 0, Watches: 0 }).Select(p => _table.Videos[p.Video])],
            null);
    }
}
