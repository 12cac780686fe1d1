using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using VideoRec.Api;
using VideoRec.Core.Ingestion;

namespace VideoRec.Functions;

/// <summary>
/// The ingestion path of the design card: HTTP functions that validate and queue events and upsert the catalogue and
/// profiles, and the queue-triggered function that applies event batches to the feature store. Each hands its input to
/// the same <see cref="IngestionEndpoints"/> method or Core handler the local host uses. Write endpoints require a
/// function key.
/// </summary>
public sealed class IngestionFunctions(IngestionHandler handler, IngestionOptions options, EventBatchProcessor processor, IPoisonSink poison,
    ILogger<IngestionFunctions> logger)
{
    /// <summary>The queue the ingest endpoint writes and the trigger reads (app setting <c>VideoRec:EventQueue</c>).</summary>
    public const string QueueSetting = "%VideoRec:EventQueue%";

    /// <summary>POST /api/events</summary>
    [Function("IngestEvents")]
    public Task<IResult> IngestEvents([HttpTrigger(AuthorizationLevel.Function, "post", Route = "events")] HttpRequest request) =>
        IngestionEndpoints.PostEvents(handler, options, request, request.HttpContext.RequestAborted);

    /// <summary>
    /// Applies one queued batch. A message that cannot be read, or that has failed <see cref="IngestionOptions.MaxDeliveryAttempts"/>
    /// times, goes to the poison queue with its reason (and completes); any other failure is rethrown so the runtime
    /// delivers the message again.
    /// </summary>
    [Function("ProcessEvents")]
    public async Task ProcessEvents([QueueTrigger(QueueSetting, Connection = "VideoRec:QueueConnection")] string message, long dequeueCount,
        CancellationToken cancellationToken)
    {
        EventBatch batch;
        try
        {
            batch = EventBatchCodec.Deserialize(message);
        }
        catch (FormatException e)
        {
            await poison.AddAsync(message, e.Message, cancellationToken);
            return;
        }

        try
        {
            var outcome = await processor.ProcessAsync(batch, cancellationToken);
            await processor.RefreshVectorsAsync(cancellationToken);
            logger.LogInformation("Batch {BatchId}: {Applied} applied, {Duplicates} duplicates, {Poisoned} poisoned.", batch.BatchId, outcome.Applied, outcome.Duplicates, outcome.Poisoned);
        }
        catch (Exception e) when (dequeueCount >= options.MaxDeliveryAttempts && e is not OperationCanceledException)
        {
            await poison.AddAsync(message, $"Failed {dequeueCount} deliveries. Last error: {e.GetType().Name}: {e.Message}", cancellationToken);
        }
    }

    /// <summary>PUT /api/videos/{videoId}</summary>
    [Function("UpsertVideo")]
    public Task<IResult> UpsertVideo([HttpTrigger(AuthorizationLevel.Function, "put", Route = "videos/{videoId}")] HttpRequest request, string videoId) =>
        IngestionEndpoints.PutVideo(handler, videoId, request, request.HttpContext.RequestAborted);

    /// <summary>PUT /api/users/{userId}</summary>
    [Function("UpsertUser")]
    public Task<IResult> UpsertUser([HttpTrigger(AuthorizationLevel.Function, "put", Route = "users/{userId}")] HttpRequest request, string userId) =>
        IngestionEndpoints.PutUser(handler, userId, request, request.HttpContext.RequestAborted);

    /// <summary>GET /api/users/{userId}/aggregates</summary>
    [Function("UserAggregates")]
    public Task<IResult> UserAggregates([HttpTrigger(AuthorizationLevel.Function, "get", Route = "users/{userId}/aggregates")] HttpRequest request, string userId) =>
        IngestionEndpoints.GetAggregates(handler, userId, request.HttpContext.RequestAborted);

    /// <summary>GET /api/videos/{videoId}/statistics</summary>
    [Function("VideoStatistics")]
    public Task<IResult> VideoStatistics([HttpTrigger(AuthorizationLevel.Function, "get", Route = "videos/{videoId}/statistics")] HttpRequest request, string videoId) =>
        IngestionEndpoints.GetVideoStatistics(handler, videoId, request.HttpContext.RequestAborted);

    /// <summary>DELETE /api/users/{userId}</summary>
    [Function("DeleteUser")]
    public Task<IResult> DeleteUser([HttpTrigger(AuthorizationLevel.Function, "delete", Route = "users/{userId}")] HttpRequest request, string userId) =>
        IngestionEndpoints.DeleteUser(handler, userId, request.HttpContext.RequestAborted);
}
