using System.Globalization;
using System.Text;
using System.Text.Json;

namespace VideoRec.Core.Ingestion;

/// <summary>Writes events in the public event contract (the body of <c>POST /api/events</c> and the lines of <c>vrec ingest</c>).</summary>
public static class IngestEventJson
{
    /// <summary>One event as a JSON object: <c>{eventId, userId, videoId?, type, value?, device?, requestId?, timestamp}</c>.</summary>
    public static string Write(IngestEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, e);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Events as a JSON array, the body of one <c>POST /api/events</c>.</summary>
    public static byte[] WriteArray(IEnumerable<IngestEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var e in events)
            {
                Write(writer, e);
            }

            writer.WriteEndArray();
        }

        return buffer.ToArray();
    }

    private static void Write(Utf8JsonWriter writer, IngestEvent e)
    {
        writer.WriteStartObject();
        writer.WriteString("eventId", e.EventId);
        writer.WriteString("userId", e.UserId);
        if (e.VideoId is not null)
        {
            writer.WriteString("videoId", e.VideoId);
        }

        writer.WriteString("type", EventBatchParser.TypeName(e.Type));
        if (e.Seconds is { } seconds)
        {
            writer.WriteNumber("value", seconds);
        }
        else if (e.Text is not null)
        {
            writer.WriteString("value", e.Text);
        }

        if (e.Device is not null)
        {
            writer.WriteString("device", e.Device);
        }

        if (e.RequestId is not null)
        {
            writer.WriteString("requestId", e.RequestId);
        }

        writer.WriteString("timestamp", e.Timestamp.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
        writer.WriteEndObject();
    }
}
