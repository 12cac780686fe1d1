using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace VideoRec.Azure.Queues;

/// <summary>
/// What the poison queue holds: <c>{"reason": …, "payload": …, "failedAt": …}</c>. A payload too large to fit a
/// queue message inside the envelope travels gzip-compressed and Base64-encoded in <c>payloadGzip</c> instead of
/// <c>payload</c>, so poisoning never fails on size (a failing poison would leave the message cycling forever).
/// </summary>
/// <param name="Reason">Why the message could not be processed, with the last delivery error where one was recorded.</param>
/// <param name="Payload">The original message text.</param>
/// <param name="FailedAt">When it was poisoned, UTC.</param>
public sealed record PoisonEnvelope(string Reason, string Payload, DateTimeOffset FailedAt)
{
    /// <summary>Longest reason kept, in characters; longer ones are cut with an ellipsis.</summary>
    public const int MaxReasonLength = 8 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The envelope as message text of at most <paramref name="maxBytes"/> UTF-8 bytes where the payload compresses enough.</summary>
    public string Serialize(int maxBytes)
    {
        var reason = Reason.Length <= MaxReasonLength ? Reason : string.Concat(Reason.AsSpan(0, MaxReasonLength - 1), "…");
        var plain = JsonSerializer.Serialize(new Wire(reason, Payload, null, FailedAt), Json);
        if (Encoding.UTF8.GetByteCount(plain) <= maxBytes)
        {
            return plain;
        }

        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(Payload));
        }

        return JsonSerializer.Serialize(new Wire(reason, null, Convert.ToBase64String(buffer.ToArray()), FailedAt), Json);
    }

    /// <summary>Reads an envelope written by <see cref="Serialize"/>.</summary>
    /// <exception cref="FormatException">The text is not a poison envelope.</exception>
    public static PoisonEnvelope Parse(string text)
    {
        Wire? wire;
        try
        {
            wire = JsonSerializer.Deserialize<Wire>(text, Json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"Not a poison envelope: {e.Message}", e);
        }

        if (wire?.Reason is null || (wire.Payload is null && wire.PayloadGzip is null))
        {
            throw new FormatException("Not a poison envelope: reason and payload are required.");
        }

        var payload = wire.Payload ?? Decompress(wire.PayloadGzip!);
        return new PoisonEnvelope(wire.Reason, payload, wire.FailedAt);
    }

    private static string Decompress(string base64)
    {
        using var gzip = new GZipStream(new MemoryStream(Convert.FromBase64String(base64)), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private sealed record Wire(string Reason, string? Payload, string? PayloadGzip, DateTimeOffset FailedAt);
}
