using System.Text.Json;
using System.Text.Json.Serialization;

namespace VideoRec.Core.Embeddings;

/// <summary>
/// A refresh message (ARCHITECTURE, "Ingest": triggers refresh text embeddings): videos whose title or tags may have
/// changed, and users whose search history may have changed. Handling it is idempotent, so at-least-once delivery is
/// enough: every id is looked up afresh and unchanged text is skipped by its hash.
/// </summary>
/// <param name="VideoIds">Videos to re-embed where their text changed.</param>
/// <param name="UserIds">Users whose search-history embedding to recompute.</param>
public sealed record EmbeddingRefreshRequest(IReadOnlyList<string> VideoIds, IReadOnlyList<string> UserIds)
{
    /// <summary>A request for videos only.</summary>
    public static EmbeddingRefreshRequest ForVideos(params IReadOnlyList<string> videoIds) => new(videoIds, []);

    /// <summary>A request for users only.</summary>
    public static EmbeddingRefreshRequest ForUsers(params IReadOnlyList<string> userIds) => new([], userIds);

    /// <summary>Whether it names nothing.</summary>
    [JsonIgnore]
    public bool IsEmpty => VideoIds.Count == 0 && UserIds.Count == 0;

    /// <summary>The message text: <c>{"videoIds":[…],"userIds":[…]}</c>.</summary>
    public string Serialize() => JsonSerializer.Serialize(this, RefreshJson.Default.EmbeddingRefreshRequest);

    /// <summary>Reads a message written by <see cref="Serialize"/>.</summary>
    /// <exception cref="FormatException">Not such a message (unreadable JSON, missing lists, a null or empty id).</exception>
    public static EmbeddingRefreshRequest Deserialize(string payload)
    {
        EmbeddingRefreshRequest? request;
        try
        {
            request = JsonSerializer.Deserialize(payload, RefreshJson.Default.EmbeddingRefreshRequest);
        }
        catch (JsonException e)
        {
            throw new FormatException($"Not an embedding refresh message: {e.Message}", e);
        }

        if (request?.VideoIds is null || request.UserIds is null)
        {
            throw new FormatException("Not an embedding refresh message: 'videoIds' and 'userIds' are required.");
        }

        if (request.VideoIds.Concat(request.UserIds).Any(string.IsNullOrEmpty))
        {
            throw new FormatException("Not an embedding refresh message: an id is null or empty.");
        }

        return request;
    }

    /// <summary>Merges requests into one, each id once (first occurrence order).</summary>
    public static EmbeddingRefreshRequest Merge(IEnumerable<EmbeddingRefreshRequest> requests)
    {
        var videos = new List<string>();
        var users = new List<string>();
        var seenVideos = new HashSet<string>(StringComparer.Ordinal);
        var seenUsers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var request in requests)
        {
            videos.AddRange(request.VideoIds.Where(seenVideos.Add));
            users.AddRange(request.UserIds.Where(seenUsers.Add));
        }

        return new EmbeddingRefreshRequest(videos, users);
    }
}

/// <summary>Queues embedding refresh requests durably (Storage Queue in Azure, a SQLite table locally).</summary>
public interface IEmbeddingRefreshQueue
{
    /// <summary>Queues <paramref name="request"/>; returns once it is durable.</summary>
    /// <exception cref="Ingestion.StoreUnavailableException">The queue is unavailable.</exception>
    Task EnqueueAsync(EmbeddingRefreshRequest request, CancellationToken cancellationToken);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(EmbeddingRefreshRequest))]
internal sealed partial class RefreshJson : JsonSerializerContext;
