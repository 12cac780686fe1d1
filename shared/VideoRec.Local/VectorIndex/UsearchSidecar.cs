using System.Text;
using VideoRec.Core.CandidateGeneration.Index;

namespace VideoRec.Local.VectorIndex;

/// <summary>One video of a saved index: its USearch key, id, attributes and whether its vector is in the graph.</summary>
internal readonly record struct SidecarEntry(ulong Key, string VideoId, bool InGraph, VideoIndexAttributes Attributes);

/// <summary>
/// The file saved next to the USearch index file: what USearch cannot store (video id ↔ key, attributes per key) and
/// what must agree with it (metric, dimensions, number of graph vectors). Binary, little-endian: magic, format
/// version, header, entries, end marker. Written to a temporary file and renamed, so a reader sees the old or the new
/// file, never half of one.
/// </summary>
internal sealed record UsearchSidecar(VectorMetric Metric, int Dimensions, ulong NextKey, IReadOnlyList<SidecarEntry> Entries)
{
    /// <summary>Current format version.</summary>
    public const int FormatVersion = 1;

    private static readonly byte[] Magic = "VRECUSX\n"u8.ToArray();
    private const uint EndMarker = 0x21444E45; // "END!"
    private const int MinEntryBytes = 17; // key, id length, in-graph, language flag, region count, hidden, upload flag

    /// <summary>Vectors in the native graph.</summary>
    public int GraphCount => Entries.Count(e => e.InGraph);

    /// <summary>Writes the sidecar atomically (temporary file in the same folder, then rename).</summary>
    public void Write(string path)
    {
        var temp = path + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            using (var writer = new BinaryWriter(stream, Encoding.UTF8))
            {
                writer.Write(Magic);
                writer.Write(FormatVersion);
                writer.Write((int)Metric);
                writer.Write(Dimensions);
                writer.Write(NextKey);
                writer.Write(Entries.Count);
                foreach (var entry in Entries)
                {
                    WriteEntry(writer, entry);
                }

                writer.Write(EndMarker);
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Reads and checks a sidecar.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is damaged, of another format version, or inconsistent.</exception>
    public static UsearchSidecar Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The vector index sidecar '{path}' does not exist.", path);
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            using var reader = new BinaryReader(stream, Encoding.UTF8);
            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
            {
                throw Damaged(path, "it is not a VideoRec USearch sidecar");
            }

            var version = reader.ReadInt32();
            if (version != FormatVersion)
            {
                throw Damaged(path, $"format version {version}, expected {FormatVersion}");
            }

            var metric = (VectorMetric)reader.ReadInt32();
            if (!Enum.IsDefined(metric))
            {
                throw Damaged(path, $"unknown metric {(int)metric}");
            }

            var dimensions = reader.ReadInt32();
            var nextKey = reader.ReadUInt64();
            var count = reader.ReadInt32();
            if (dimensions < 1 || count < 0 || (ulong)count > nextKey || nextKey > int.MaxValue || (long)count * MinEntryBytes > stream.Length)
            {
                throw Damaged(path, $"impossible header (dimensions {dimensions}, {count} videos, next key {nextKey})");
            }

            var entries = new SidecarEntry[count];
            var ids = new HashSet<string>(count, StringComparer.Ordinal);
            var keys = new HashSet<ulong>(count);
            for (var i = 0; i < count; i++)
            {
                var entry = ReadEntry(reader);
                if (entry.Key >= nextKey || !keys.Add(entry.Key) || entry.VideoId.Length == 0 || !ids.Add(entry.VideoId))
                {
                    throw Damaged(path, $"entry {i} (key {entry.Key}, id '{entry.VideoId}') is out of range or repeated");
                }

                entries[i] = entry;
            }

            if (reader.ReadUInt32() != EndMarker || stream.Position != stream.Length)
            {
                throw Damaged(path, "the end marker is missing");
            }

            return new UsearchSidecar(metric, dimensions, nextKey, entries);
        }
        catch (Exception exception) when (exception is EndOfStreamException or DecoderFallbackException or FormatException or ArgumentException or OverflowException)
        {
            throw Damaged(path, exception.Message);
        }
    }

    /// <summary>The error for a damaged or mismatched sidecar, naming the file.</summary>
    public static InvalidDataException Damaged(string path, string reason) =>
        new($"The vector index sidecar '{path}' is damaged or does not match its index: {reason}.");

    private static void WriteEntry(BinaryWriter writer, SidecarEntry entry)
    {
        var a = entry.Attributes;
        writer.Write(entry.Key);
        writer.Write(entry.VideoId);
        writer.Write(entry.InGraph);
        writer.Write(a.Language is not null);
        if (a.Language is not null)
        {
            writer.Write(a.Language);
        }

        writer.Write(a.AllowedRegions.Count);
        foreach (var region in a.AllowedRegions)
        {
            writer.Write(region);
        }

        writer.Write(a.Hidden);
        writer.Write(a.UploadedAt is not null);
        if (a.UploadedAt is { } at)
        {
            writer.Write(at.UtcTicks);
            writer.Write((short)at.Offset.TotalMinutes);
        }
    }

    private static SidecarEntry ReadEntry(BinaryReader reader)
    {
        var key = reader.ReadUInt64();
        var id = reader.ReadString();
        var inGraph = reader.ReadBoolean();
        var language = reader.ReadBoolean() ? reader.ReadString() : null;
        var regionCount = reader.ReadInt32();
        if (regionCount is < 0 or > 1000)
        {
            throw new FormatException($"video '{id}' has {regionCount} regions");
        }

        var regions = new string[regionCount];
        for (var r = 0; r < regionCount; r++)
        {
            regions[r] = reader.ReadString();
        }

        var hidden = reader.ReadBoolean();
        DateTimeOffset? uploadedAt = null;
        if (reader.ReadBoolean())
        {
            var ticks = reader.ReadInt64();
            var offset = TimeSpan.FromMinutes(reader.ReadInt16());
            uploadedAt = new DateTimeOffset(ticks, TimeSpan.Zero).ToOffset(offset);
        }

        return new SidecarEntry(key, id, inGraph, new VideoIndexAttributes
        {
            Language = language,
            AllowedRegions = regions,
            Hidden = hidden,
            UploadedAt = uploadedAt,
        });
    }
}
