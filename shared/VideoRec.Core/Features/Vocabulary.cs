using System.Text.Json.Serialization;

namespace VideoRec.Core.Features;

/// <summary>
/// The known values of one categorical feature. Row 0 is reserved for out-of-vocabulary and missing values, so an
/// unknown category never lands on a real category's embedding row; the known values take rows 1 to <see cref="Rows"/> − 1.
/// </summary>
public sealed class Vocabulary
{
    /// <summary>The row of every value not in the vocabulary, and of a missing value.</summary>
    public const int OutOfVocabulary = 0;

    private readonly Dictionary<string, int> _rows;

    /// <summary>Creates a vocabulary from its known values in row order (row 1 first).</summary>
    /// <param name="values">Distinct values.</param>
    /// <exception cref="ArgumentException">A value is repeated or null.</exception>
    [JsonConstructor]
    public Vocabulary(IReadOnlyList<string> values)
    {
        Values = values;
        _rows = new Dictionary<string, int>(values.Count, StringComparer.Ordinal);
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] is null || !_rows.TryAdd(values[i], i + 1))
            {
                throw new ArgumentException($"Vocabulary value {i} is {(values[i] is null ? "null" : $"a repeat of '{values[i]}'")}.", nameof(values));
            }
        }
    }

    /// <summary>The known values; value <c>i</c> has row <c>i + 1</c>.</summary>
    public IReadOnlyList<string> Values { get; }

    /// <summary>Embedding-table rows needed: the known values plus the out-of-vocabulary row.</summary>
    [JsonIgnore]
    public int Rows => Values.Count + 1;

    /// <summary>The row of <paramref name="value"/>, or <see cref="OutOfVocabulary"/> when it is unknown or null.</summary>
    public int RowOf(string? value) => value is not null && _rows.TryGetValue(value, out var row) ? row : OutOfVocabulary;

    /// <summary>Whether <paramref name="value"/> has its own row.</summary>
    public bool Contains(string? value) => value is not null && _rows.ContainsKey(value);

    /// <summary>
    /// Builds a vocabulary from observed values: those seen at least <paramref name="minCount"/> times, most frequent
    /// first (ties in ordinal order, so the result does not depend on input order), at most <paramref name="maxSize"/>.
    /// Null and empty values are skipped.
    /// </summary>
    /// <param name="values">Observations, repeated as often as observed.</param>
    /// <param name="minCount">Minimum count, at least 1.</param>
    /// <param name="maxSize">Maximum number of known values, or <c>null</c> for no limit.</param>
    public static Vocabulary Build(IEnumerable<string?> values, int minCount = 1, int? maxSize = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minCount, 1);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            if (!string.IsNullOrEmpty(value))
            {
                counts[value] = counts.GetValueOrDefault(value) + 1;
            }
        }

        var kept = counts.Where(c => c.Value >= minCount).OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Select(c => c.Key);
        return new Vocabulary([.. maxSize is { } max ? kept.Take(max) : kept]);
    }
}
