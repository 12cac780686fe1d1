using System.Text.Json;
using System.Text.Json.Serialization;

namespace VideoRec.Core.Ingestion;

/// <summary>Serializes <see cref="EventBatch"/> for the queue (camelCase JSON, enums as names) and reads it back strictly.</summary>
public static class EventBatchCodec
{
    private static readonly JsonSerializerOptions Options = BatchJson.Default.Options;

    /// <summary>The batch as a queue payload.</summary>
    public static string Serialize(EventBatch batch) => JsonSerializer.Serialize(batch, Options);

    /// <summary>Reads a queue payload.</summary>
    /// <exception cref="FormatException">The payload is not a batch of this contract; the message says why.</exception>
    public static EventBatch Deserialize(string payload)
    {
        EventBatch? batch;
        try
        {
            batch = JsonSerializer.Deserialize<EventBatch>(payload, Options);
        }
        catch (JsonException e)
        {
            throw new FormatException($"The queue message is not an event batch: {e.Message}", e);
        }

        if (batch?.BatchId is null || batch.Events is null || batch.Events.Any(e => e?.EventId is null || e.UserId is null))
        {
            throw new FormatException("The queue message is not an event batch: batchId, events, eventId and userId are required.");
        }

        return batch;
    }

    /// <summary>One event alone, in the JSON of the queue payload's <c>events</c> items (the body of an Event Hubs event).</summary>
    public static byte[] SerializeEvent(IngestEvent ingestEvent)
    {
        ArgumentNullException.ThrowIfNull(ingestEvent);
        return JsonSerializer.SerializeToUtf8Bytes(ingestEvent, Options);
    }

    /// <summary>Reads one event written by <see cref="SerializeEvent"/>.</summary>
    /// <exception cref="FormatException">The bytes are not an event of this contract; the message says why.</exception>
    public static IngestEvent DeserializeEvent(ReadOnlySpan<byte> utf8)
    {
        IngestEvent? ingestEvent;
        try
        {
            ingestEvent = JsonSerializer.Deserialize<IngestEvent>(utf8, Options);
        }
        catch (JsonException e)
        {
            throw new FormatException($"Not an interaction event: {e.Message}", e);
        }

        return ingestEvent is { EventId: not null, UserId: not null }
            ? ingestEvent
            : throw new FormatException("Not an interaction event: eventId and userId are required.");
    }

    /// <summary>
    /// Splits a batch into parts whose payload is at most <paramref name="maxPayloadBytes"/> UTF-8 bytes (Azure Storage
    /// queue messages hold 64 KiB, 48 KiB before Base64), suffixing the batch id with the part number.
    /// </summary>
    /// <exception cref="ArgumentException">A single event is larger than the limit.</exception>
    public static IReadOnlyList<EventBatch> Split(EventBatch batch, int maxPayloadBytes)
    {
        var sizes = batch.Events.Select(e => JsonSerializer.SerializeToUtf8Bytes(e, Options).Length + 1).ToArray();
        // The envelope with an empty list and the longest part suffix ("-" and up to 10 digits).
        var envelope = JsonSerializer.SerializeToUtf8Bytes(batch with { Events = [] }, Options).Length + 11;
        if (envelope + sizes.Sum() <= maxPayloadBytes)
        {
            return [batch];
        }

        var parts = new List<EventBatch>();
        var start = 0;
        var used = envelope;
        for (var i = 0; i < sizes.Length; i++)
        {
            if (envelope + sizes[i] > maxPayloadBytes)
            {
                throw new ArgumentException($"Event '{batch.Events[i].EventId}' alone is larger than {maxPayloadBytes} bytes.", nameof(batch));
            }

            if (used + sizes[i] > maxPayloadBytes)
            {
                parts.Add(batch with { BatchId = $"{batch.BatchId}-{parts.Count}", Events = batch.Events.Skip(start).Take(i - start).ToArray() });
                start = i;
                used = envelope;
            }

            used += sizes[i];
        }

        parts.Add(batch with { BatchId = $"{batch.BatchId}-{parts.Count}", Events = batch.Events.Skip(start).ToArray() });
        return parts;
    }
}

/// <summary>Source-generated JSON for queue payloads: no reflection on the ingestion hot path.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    Converters = [typeof(InteractionTypeNames)])]
[JsonSerializable(typeof(EventBatch))]
[JsonSerializable(typeof(IngestEvent))]
internal sealed partial class BatchJson : JsonSerializerContext;

/// <summary>Interaction types as their camelCase names; numbers are refused.</summary>
internal sealed class InteractionTypeNames() : JsonStringEnumConverter<VideoRec.Core.Domain.InteractionType>(JsonNamingPolicy.CamelCase, allowIntegerValues: false);
