using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VideoRec.Core.Embeddings;

namespace VideoRec.Core.Ingestion;

/// <summary>What processing one batch did.</summary>
/// <param name="Applied">Events newly applied.</param>
/// <param name="Duplicates">Events already applied before.</param>
/// <param name="UserDeleted">Events of users who deleted their data since.</param>
/// <param name="Poisoned">Events that failed on their own and went to the poison queue.</param>
public sealed record BatchOutcome(int Applied, int Duplicates, int UserDeleted, int Poisoned);

/// <summary>
/// The queue-triggered ingestion handler (ARCHITECTURE, "Ingest"): applies a batch to the feature store. When the
/// store rejects the batch for a reason other than being unavailable, each event is applied on its own so that one bad
/// event goes to the poison queue with its reason while the rest of the batch still lands.
/// </summary>
/// <param name="store">The feature store.</param>
/// <param name="rules">Aggregation rules and the vector refresher.</param>
/// <param name="poison">Where events that fail on their own go.</param>
/// <param name="logger">Logs counts and failures (never personal data).</param>
/// <param name="embeddingRefresh">
/// Where the users of a batch's search events are queued for a search-history embedding refresh, before the batch
/// counts as processed (so a crash in between redelivers the batch and queues them again); <c>null</c> when
/// embeddings are not kept.
/// </param>
public sealed class EventBatchProcessor(IFeatureStore store, IngestionRules rules, IPoisonSink poison, ILogger<EventBatchProcessor>? logger = null, IEmbeddingRefreshQueue? embeddingRefresh = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<EventBatchProcessor>.Instance;

    /// <summary>Applies <paramref name="batch"/>.</summary>
    /// <exception cref="StoreUnavailableException">The store is unavailable: retry the whole batch later.</exception>
    public async Task<BatchOutcome> ProcessAsync(EventBatch batch, CancellationToken cancellationToken)
    {
        var outcome = await ApplyAsync(batch, cancellationToken);
        if (embeddingRefresh is not null)
        {
            // Every searcher of the batch, duplicates included: a redelivery after a crash must still queue them.
            var searchers = batch.Events.Where(e => e.Type == Domain.InteractionType.Search).Select(e => e.UserId).Distinct(StringComparer.Ordinal).ToArray();
            if (searchers.Length > 0)
            {
                await embeddingRefresh.EnqueueAsync(EmbeddingRefreshRequest.ForUsers(searchers), cancellationToken);
            }
        }

        return outcome;
    }

    private async Task<BatchOutcome> ApplyAsync(EventBatch batch, CancellationToken cancellationToken)
    {
        try
        {
            return Count(await store.ApplyAsync(batch.Events, rules, cancellationToken), 0);
        }
        catch (Exception e) when (e is not StoreUnavailableException and not OperationCanceledException && batch.Events.Count > 1)
        {
            _logger.LogWarning("Batch {BatchId} failed as a whole ({Error}); applying its {Count} events one by one.", batch.BatchId, e.GetType().Name, batch.Events.Count);
        }

        var outcomes = new List<EventOutcome>();
        var poisoned = 0;
        foreach (var e in batch.Events)
        {
            try
            {
                outcomes.AddRange((await store.ApplyAsync([e], rules, cancellationToken)).Outcomes);
            }
            catch (Exception failure) when (failure is not StoreUnavailableException and not OperationCanceledException)
            {
                poisoned++;
                var reason = $"{failure.GetType().Name}: {failure.Message}";
                await poison.AddAsync(EventBatchCodec.Serialize(batch with { BatchId = $"{batch.BatchId}:{e.EventId}", Events = [e] }), reason, cancellationToken);
                _logger.LogError("Event {EventId} of batch {BatchId} went to the poison queue: {Reason}", e.EventId, batch.BatchId, reason);
            }
        }

        return Count(new ApplyResult(outcomes), poisoned);
    }

    /// <summary>
    /// Refreshes the vectors of every user waiting for one (after one or more batches), in rounds of
    /// <paramref name="usersPerRound"/>; does nothing without a refresher.
    /// </summary>
    /// <returns>The number of users refreshed.</returns>
    public async Task<int> RefreshVectorsAsync(CancellationToken cancellationToken, int usersPerRound = 1000)
    {
        if (rules.Vectors is not { } vectors)
        {
            return 0;
        }

        var total = 0;
        int refreshed;
        do
        {
            refreshed = await store.RefreshVectorsAsync(vectors, usersPerRound, cancellationToken);
            total += refreshed;
        }
        while (refreshed == usersPerRound);

        return total;
    }

    private static BatchOutcome Count(ApplyResult result, int poisoned) =>
        new(result.Applied, result.Duplicates, result.Outcomes.Count(o => o == EventOutcome.UserDeleted), poisoned);
}
