namespace VideoRec.Training.Scoring;

/// <summary>
/// Labelled feature rows for the ranker, grouped by request: <see cref="Rows"/> <c>[rows, features]</c>, and per row
/// the relevance label (0/1), the watch fraction (0–1) and a loss weight (inverse sampling rate of sampled negatives).
/// Group g spans rows <c>GroupStarts[g]</c> to <c>GroupStarts[g + 1]</c> − 1.
/// </summary>
/// <param name="Rows">Raw features, <c>[rows, features]</c>.</param>
/// <param name="Features">Columns per row.</param>
/// <param name="Relevance">Label per row, 0 or 1.</param>
/// <param name="Watch">Watch fraction per row, 0 to 1.</param>
/// <param name="Weight">Loss weight per row, &gt; 0.</param>
/// <param name="GroupStarts">First row of each group, then the row count: <c>[groups + 1]</c>.</param>
public sealed record RankerData(float[] Rows, int Features, float[] Relevance, float[] Watch, float[] Weight, int[] GroupStarts)
{
    /// <summary>Number of rows.</summary>
    public int Count => Relevance.Length;

    /// <summary>Number of groups.</summary>
    public int Groups => GroupStarts.Length - 1;

    /// <summary>The rows of <paramref name="parts"/> one after the other (groups kept).</summary>
    /// <exception cref="ArgumentException">No part, or parts of different widths.</exception>
    public static RankerData Concat(IReadOnlyList<RankerData> parts)
    {
        if (parts.Count == 0 || parts.Any(p => p.Features != parts[0].Features))
        {
            throw new ArgumentException("Concatenate at least one part, all of one width.");
        }

        if (parts.Count == 1)
        {
            return parts[0];
        }

        var starts = new List<int> { 0 };
        var offset = 0;
        foreach (var part in parts)
        {
            starts.AddRange(part.GroupStarts.Skip(1).Select(s => s + offset));
            offset += part.Count;
        }

        return new RankerData([.. parts.SelectMany(p => p.Rows)], parts[0].Features, [.. parts.SelectMany(p => p.Relevance)],
            [.. parts.SelectMany(p => p.Watch)], [.. parts.SelectMany(p => p.Weight)], [.. starts]);
    }

    /// <summary>Writes the rows in a small binary format (little-endian: features, rows, groups, then the arrays) that <see cref="Load"/> reads.</summary>
    public void Save(string path)
    {
        Validate();
        using var writer = new BinaryWriter(File.Create(path));
        writer.Write(Features);
        writer.Write(Count);
        writer.Write(Groups);
        foreach (var array in new[] { Rows, Relevance, Watch, Weight })
        {
            writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(array.AsSpan()));
        }

        writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(GroupStarts.AsSpan()));
    }

    /// <summary>Reads rows written by <see cref="Save"/>.</summary>
    /// <exception cref="InvalidDataException">The file is truncated or inconsistent.</exception>
    public static RankerData Load(string path)
    {
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path));
            var features = reader.ReadInt32();
            var count = reader.ReadInt32();
            var groups = reader.ReadInt32();
            float[] Floats(long n)
            {
                var a = new float[n];
                reader.BaseStream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan()));
                return a;
            }

            var rows = Floats((long)count * features);
            var (relevance, watch, weight) = (Floats(count), Floats(count), Floats(count));
            var starts = new int[groups + 1];
            reader.BaseStream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(starts.AsSpan()));
            var data = new RankerData(rows, features, relevance, watch, weight, starts);
            data.Validate();
            return data;
        }
        catch (Exception e) when (e is EndOfStreamException or ArgumentException or OverflowException)
        {
            throw new InvalidDataException($"The ranker rows in '{path}' are unreadable: {e.Message}", e);
        }
    }

    /// <summary>Checks that lengths agree.</summary>
    /// <exception cref="ArgumentException">They do not.</exception>
    public void Validate()
    {
        if (Features < 1 || Rows.LongLength != (long)Count * Features || Watch.Length != Count || Weight.Length != Count
            || GroupStarts.Length < 1 || GroupStarts[0] != 0 || GroupStarts[^1] != Count)
        {
            throw new ArgumentException($"Ranker data: {Rows.LongLength} values, {Count} labels, {Watch.Length} watch fractions, {Weight.Length} weights and {GroupStarts.Length} group starts do not agree with {Features} features.");
        }
    }
}
