using System.Text.Json;
using VideoRec.Core.Ingestion;

namespace VideoRec.Azure.Tests.Support;

/// <summary>Everything a feature store holds about some users and videos, as one comparable string.</summary>
public static class StoreSnapshot
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<string> TakeAsync(IFeatureStore store, IEnumerable<string> users, IEnumerable<string> videos)
    {
        var parts = new List<string>();
        foreach (var user in users)
        {
            parts.Add($"user {user}: {JsonSerializer.Serialize(await store.GetUserAggregatesAsync(user, CancellationToken.None), Json)}");
            parts.Add($"events {user}: {JsonSerializer.Serialize(await store.GetUserEventsAsync(user, CancellationToken.None), Json)}");
            parts.Add($"vector {user}: {JsonSerializer.Serialize(await store.GetUserVectorAsync(user, CancellationToken.None), Json)}");
        }

        foreach (var video in videos)
        {
            parts.Add($"video {video}: {JsonSerializer.Serialize(await store.GetVideoStatisticsAsync(video, CancellationToken.None), Json)}");
        }

        return string.Join('\n', parts);
    }
}
