namespace VideoRec.Core.Ingestion;

/// <summary>A user's current vector: the stored one, or, when events changed it since, computed from the history now.</summary>
public static class UserVectors
{
    /// <summary>
    /// The vector that reflects every applied event: the stored vector unless <paramref name="stale"/>, else one
    /// computed by <paramref name="refresher"/> from the stored history (not written back: the worker does that).
    /// </summary>
    /// <param name="store">The feature store.</param>
    /// <param name="refresher">Computes vectors; <c>null</c> returns the stored one as it is.</param>
    /// <param name="userId">The user.</param>
    /// <param name="stored">The stored vector.</param>
    /// <param name="stale">Whether events changed it since it was stored.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    public static async Task<UserVector?> CurrentAsync(IFeatureStore store, IUserVectorRefresher? refresher, string userId, UserVector? stored, bool stale,
        CancellationToken cancellationToken)
    {
        if (!stale || refresher is null)
        {
            return stored;
        }

        var history = await store.GetUserEventsAsync(userId, cancellationToken);
        if (history.Count == 0)
        {
            return null;
        }

        var videos = history.Where(e => e.VideoId is not null).Select(e => e.VideoId!).Distinct(StringComparer.Ordinal).ToArray();
        return refresher.Refresh(userId, history, await store.GetVideoDurationsAsync(videos, cancellationToken));
    }
}
