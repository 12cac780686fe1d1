using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using VideoRec.Core.Embeddings;

namespace VideoRec.Azure.Queues;

/// <summary>
/// The embedding refresh queue on Azure Storage Queues (ARCHITECTURE, "Ingest": triggers refresh text embeddings): the
/// ingestion handlers enqueue <see cref="EmbeddingRefreshRequest"/>s, the Functions queue trigger or the local
/// <see cref="EmbeddingRefreshWorker"/> (through this class as its <c>IEventQueueSource</c>) takes them. It is a queue
/// of its own (default <c>embedding-refresh</c>, poison <c>embedding-refresh-poison</c>, see <see cref="DefaultOptions"/>),
/// with the event queue's encoding (Base64 text of the request's JSON), receipts, retries and poison envelope
/// (<see cref="StorageMessageQueue"/>). A request whose JSON exceeds <see cref="StorageQueueOptions.MaxPayloadBytes"/>
/// is split into several requests by its id lists (<see cref="Split"/>), all sent before <see cref="EnqueueAsync"/>
/// returns; handling is idempotent, so a part delivered twice or alone changes nothing the whole would not.
/// </summary>
public sealed class StorageQueueEmbeddingRefreshQueue : StorageMessageQueue, IEmbeddingRefreshQueue
{
    /// <summary>
    /// The options when none are given: queue <c>embedding-refresh</c>, poison queue <c>embedding-refresh-poison</c>, the
    /// rest as <see cref="StorageQueueOptions"/>'s defaults. Derive custom settings from it (<c>DefaultOptions with { … }</c>).
    /// </summary>
    public static StorageQueueOptions DefaultOptions { get; } = new() { QueueName = "embedding-refresh", PoisonQueueName = "embedding-refresh-poison" };

    /// <summary>Uses the queues of <paramref name="service"/>, which must encode messages as Base64 (see <see cref="StorageMessageQueue.CreateServiceClient(string)"/>).</summary>
    /// <param name="service">The storage account's queue service.</param>
    /// <param name="options">Queue names, sizes and retries; <c>null</c> for <see cref="DefaultOptions"/>.</param>
    /// <param name="time">The clock for the poison envelope's time; <c>null</c> for the system clock.</param>
    /// <exception cref="ArgumentException">The options name the event queue's default queue (<c>events</c>): the two must not share a queue.</exception>
    public StorageQueueEmbeddingRefreshQueue(QueueServiceClient service, StorageQueueOptions? options = null, TimeProvider? time = null)
        : base(service ?? throw new ArgumentNullException(nameof(service)), Checked(options ?? DefaultOptions), time)
    {
    }

    private static StorageQueueOptions Checked(StorageQueueOptions options) =>
        options.QueueName == new StorageQueueOptions().QueueName || options.PoisonQueueName == new StorageQueueOptions().PoisonQueueName
            ? throw new ArgumentException(
                $"The embedding refresh queue must not share the event queue's '{options.QueueName}' or '{options.PoisonQueueName}': start from {nameof(StorageQueueEmbeddingRefreshQueue)}.{nameof(DefaultOptions)}.",
                nameof(options))
            : options;

    /// <inheritdoc />
    /// <remarks>An empty request sends nothing; a large one is sent as the parts of <see cref="Split"/>, in order.</remarks>
    /// <exception cref="ArgumentException">One id alone is too long for a message.</exception>
    public async Task EnqueueAsync(EmbeddingRefreshRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.IsEmpty)
        {
            return;
        }

        await EnsureCreatedAsync(cancellationToken);
        foreach (var part in Split(request, Options.MaxPayloadBytes))
        {
            await SendAsync(part.Serialize(), cancellationToken);
        }
    }

    /// <summary>
    /// <paramref name="request"/> as requests whose <see cref="EmbeddingRefreshRequest.Serialize"/> text takes at most
    /// <paramref name="maxPayloadBytes"/> UTF-8 bytes: the request itself when it fits, else its video ids then its user
    /// ids packed in order into as few parts as fit. The parts' lists, concatenated, are the request's lists.
    /// </summary>
    /// <exception cref="ArgumentException">One id alone does not fit.</exception>
    public static IReadOnlyList<EmbeddingRefreshRequest> Split(EmbeddingRefreshRequest request, int maxPayloadBytes)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Size(request) <= maxPayloadBytes)
        {
            return [request];
        }

        var empty = Size(new EmbeddingRefreshRequest([], []));
        var parts = new List<EmbeddingRefreshRequest>();
        var videos = new List<string>();
        var users = new List<string>();
        var size = empty;
        foreach (var (id, isVideo) in request.VideoIds.Select(id => (id, true)).Concat(request.UserIds.Select(id => (id, false))))
        {
            // An id costs its JSON string (quoted, escaped as the serializer escapes) and a comma after the first of its list.
            var encoded = JsonEncodedText.Encode(id).EncodedUtf8Bytes.Length + 2;
            if (empty + encoded > maxPayloadBytes)
            {
                throw new ArgumentException($"An id of {id.Length} characters is too long for a queue message of {maxPayloadBytes} bytes.", nameof(request));
            }

            var target = isVideo ? videos : users;
            if (size + encoded + (target.Count > 0 ? 1 : 0) > maxPayloadBytes)
            {
                parts.Add(new EmbeddingRefreshRequest(videos, users));
                videos = [];
                users = [];
                target = isVideo ? videos : users;
                size = empty;
            }

            size += encoded + (target.Count > 0 ? 1 : 0);
            target.Add(id);
        }

        parts.Add(new EmbeddingRefreshRequest(videos, users));
        // The estimate is exact for the serializer's escaping; should it ever differ, halve what does not fit.
        return parts.SelectMany(p => Halve(p, maxPayloadBytes)).ToList();
    }

    private static IEnumerable<EmbeddingRefreshRequest> Halve(EmbeddingRefreshRequest part, int maxPayloadBytes)
    {
        var count = part.VideoIds.Count + part.UserIds.Count;
        if (Size(part) <= maxPayloadBytes || count < 2)
        {
            return Size(part) <= maxPayloadBytes
                ? [part]
                : throw new ArgumentException($"One id is too long for a queue message of {maxPayloadBytes} bytes.", nameof(part));
        }

        var ids = part.VideoIds.Select(id => (id, true)).Concat(part.UserIds.Select(id => (id, false))).ToList();
        var half = count / 2;
        return new[] { ids.Take(half), ids.Skip(half) }
            .Select(h => new EmbeddingRefreshRequest(h.Where(i => i.Item2).Select(i => i.id).ToList(), h.Where(i => !i.Item2).Select(i => i.id).ToList()))
            .SelectMany(h => Halve(h, maxPayloadBytes));
    }

    private static int Size(EmbeddingRefreshRequest request) => Encoding.UTF8.GetByteCount(request.Serialize());
}
