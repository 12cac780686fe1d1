using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VideoRec.Core.Embeddings;
using VideoRec.Core.Ingestion;

namespace VideoRec.Functions;

/// <summary>
/// The embedding refresh trigger (ARCHITECTURE, "Ingest": triggers refresh text embeddings for titles and queries):
/// video upserts and search events queue refresh requests; this function computes and stores the embeddings.
/// </summary>
/// <param name="services">
/// Where the refresh handler, its options and the refresh queue's poison sink are found; they are resolved per call
/// because they are absent when <c>VideoRec:Embeddings</c> is <c>None</c>.
/// </param>
/// <param name="logger">Logs counts.</param>
public sealed class EmbeddingFunctions(
    IServiceProvider services,
    ILogger<EmbeddingFunctions> logger)
{
    private const string QueueSetting = "%VideoRec:EmbeddingQueue%";

    /// <summary>
    /// Handles one refresh message. A message that cannot be read, or that has failed
    /// <see cref="EmbeddingOptions.MaxDeliveryAttempts"/> times, goes to the poison queue with its reason; any other
    /// failure is rethrown so the runtime delivers the message again (the refresh is idempotent).
    /// </summary>
    [Function("RefreshEmbeddings")]
    public async Task RefreshEmbeddings([QueueTrigger(QueueSetting, Connection = "VideoRec:QueueConnection")] string message, long dequeueCount,
        CancellationToken cancellationToken)
    {
        if (services.GetService<EmbeddingRefreshHandler>() is not { } handler)
        {
            logger.LogWarning("An embedding refresh message arrived while text embeddings are off (VideoRec:Embeddings is None); it is dropped.");
            return;
        }

        var poison = services.GetKeyedService<IPoisonSink>(VideoRec.Azure.AzureEmbeddingStoreServiceCollectionExtensions.EmbeddingRefreshQueueKey)
            ?? services.GetRequiredService<Local.Sqlite.SqliteEmbeddingRefreshQueue>();
        var options = services.GetRequiredService<EmbeddingOptions>();
        EmbeddingRefreshRequest request;
        try
        {
            request = EmbeddingRefreshRequest.Deserialize(message);
        }
        catch (FormatException e)
        {
            await poison.AddAsync(message, e.Message, cancellationToken);
            return;
        }

        try
        {
            var result = await handler.HandleAsync(request, cancellationToken);
            logger.LogInformation("Embedding refresh: {Texts} video texts embedded, {Unchanged} unchanged, {Users} search histories updated.",
                result.TextsEmbedded, result.TextsUnchanged, result.UsersUpdated);
        }
        catch (Exception e) when (dequeueCount >= options.MaxDeliveryAttempts && e is not OperationCanceledException)
        {
            await poison.AddAsync(message, $"Failed {dequeueCount} deliveries. Last error: {e.GetType().Name}: {e.Message}", cancellationToken);
        }
    }
}
