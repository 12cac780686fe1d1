using VideoRec.Core.Ingestion;

namespace VideoRec.Local.Sqlite;

/// <summary>
/// Compact binary encoding of the user aggregates, which the ingestion path reads and rewrites for every batch:
/// several times cheaper than JSON on the hot path. Times are UTC ticks; strings are
/// length-prefixed UTF-8. A leading format byte lets the encoding evolve.
/// </summary>
internal static class DocumentCodec
{
    private const byte Format = 1;

    public static byte[] Encode(UserAggregates a)
    {
        using var buffer = new MemoryStream(256);
        using var w = new BinaryWriter(buffer);
        w.Write(Format);
        w.Write(a.UserId);
        w.Write(a.Counts.Count);
        foreach (var (name, count) in a.Counts)
        {
            w.Write(name);
            w.Write(count);
        }

        w.Write(a.WatchMilliseconds);
        WriteTime(w, a.FirstEventAt);
        WriteTime(w, a.LastEventAt);
        foreach (var list in new[] { a.Watched, a.Liked, a.Disliked, a.Impressed, a.Searches })
        {
            w.Write(list.Count);
            foreach (var item in list)
            {
                w.Write(item.EventId);
                w.Write(item.At.UtcTicks);
                WriteText(w, item.VideoId);
                WriteText(w, item.Query);
                w.Write(item.Seconds.HasValue);
                if (item.Seconds is { } seconds)
                {
                    w.Write(seconds);
                }
            }
        }

        w.Flush();
        return buffer.ToArray();
    }

    public static UserAggregates DecodeUser(byte[] bytes)
    {
        using var r = Reader(bytes);
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var userId = r.ReadString();
        for (var n = r.ReadInt32(); n > 0; n--)
        {
            counts[r.ReadString()] = r.ReadInt64();
        }

        var aggregates = new UserAggregates { UserId = userId, Counts = counts, WatchMilliseconds = r.ReadInt64(), FirstEventAt = ReadTime(r), LastEventAt = ReadTime(r) };
        foreach (var list in new[] { aggregates.Watched, aggregates.Liked, aggregates.Disliked, aggregates.Impressed, aggregates.Searches })
        {
            for (var n = r.ReadInt32(); n > 0; n--)
            {
                var eventId = r.ReadString();
                var at = new DateTimeOffset(r.ReadInt64(), TimeSpan.Zero);
                var videoId = ReadText(r);
                var query = ReadText(r);
                double? seconds = r.ReadBoolean() ? r.ReadDouble() : null;
                list.Add(new RecentItem(eventId, at, videoId, query, seconds));
            }
        }

        return aggregates;
    }

    private static BinaryReader Reader(byte[] bytes)
    {
        var reader = new BinaryReader(new MemoryStream(bytes, writable: false));
        var format = reader.ReadByte();
        return format == Format ? reader : throw new InvalidDataException($"Stored document format {format} is not supported (expected {Format}).");
    }

    private static void WriteTime(BinaryWriter w, DateTimeOffset? time)
    {
        w.Write(time.HasValue);
        if (time is { } t)
        {
            w.Write(t.UtcTicks);
        }
    }

    private static DateTimeOffset? ReadTime(BinaryReader r) => r.ReadBoolean() ? new DateTimeOffset(r.ReadInt64(), TimeSpan.Zero) : null;

    private static void WriteText(BinaryWriter w, string? text)
    {
        w.Write(text is not null);
        if (text is not null)
        {
            w.Write(text);
        }
    }

    private static string? ReadText(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;
}
