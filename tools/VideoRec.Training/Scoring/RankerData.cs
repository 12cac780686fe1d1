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
