namespace VideoRec.Core.Matrix;

/// <summary>
/// A compressed sparse row (CSR) matrix of shape <c>[Rows, Columns]</c> holding, per stored entry, an
/// interaction strength and a target preference, as weighted matrix factorization needs them
/// (WALS turns strength s into the confidence 1 + α·s).
/// Column indices within a row are sorted ascending and unique.
/// </summary>
public sealed class SparseMatrix
{
    /// <summary>Creates a matrix from CSR arrays, validating their shapes.</summary>
    /// <param name="rows">Number of rows.</param>
    /// <param name="columns">Number of columns.</param>
    /// <param name="rowStart">Row pointers, length <paramref name="rows"/> + 1, non-decreasing, starting at 0.</param>
    /// <param name="columnIndices">Column of each entry, length nnz.</param>
    /// <param name="strength">Interaction strength s ≥ 0 of each entry, length nnz.</param>
    /// <param name="preference">Target preference p of each entry (1 positive, 0 negative), length nnz.</param>
    /// <exception cref="ArgumentException">The arrays are inconsistent.</exception>
    public SparseMatrix(int rows, int columns, int[] rowStart, int[] columnIndices, float[] strength, float[] preference)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        if (rowStart.Length != rows + 1 || rowStart[0] != 0 || rowStart[rows] != columnIndices.Length)
        {
            throw new ArgumentException("Row pointers must have rows + 1 entries, start at 0 and end at nnz.", nameof(rowStart));
        }

        if (strength.Length != columnIndices.Length || preference.Length != columnIndices.Length)
        {
            throw new ArgumentException("Strength and preference must have one value per entry.", nameof(strength));
        }

        Rows = rows;
        Columns = columns;
        RowStart = rowStart;
        ColumnIndices = columnIndices;
        Strength = strength;
        Preference = preference;
    }

    /// <summary>Number of rows.</summary>
    public int Rows { get; }

    /// <summary>Number of columns.</summary>
    public int Columns { get; }

    /// <summary>Number of stored entries.</summary>
    public int NonZeros => ColumnIndices.Length;

    /// <summary>Row pointers: the entries of row r are at [RowStart[r], RowStart[r + 1]).</summary>
    public int[] RowStart { get; }

    /// <summary>Column index of each entry.</summary>
    public int[] ColumnIndices { get; }

    /// <summary>Interaction strength of each entry (s ≥ 0).</summary>
    public float[] Strength { get; }

    /// <summary>Target preference of each entry.</summary>
    public float[] Preference { get; }

    /// <summary>The column indices of row <paramref name="row"/>.</summary>
    public ReadOnlySpan<int> RowColumns(int row) => ColumnIndices.AsSpan(RowStart[row], RowStart[row + 1] - RowStart[row]);

    /// <summary>Whether row <paramref name="row"/> stores column <paramref name="column"/> (binary search).</summary>
    public bool Contains(int row, int column) => RowColumns(row).BinarySearch(column) >= 0;

    /// <summary>Returns the transpose, shape <c>[Columns, Rows]</c>, in O(nnz).</summary>
    public SparseMatrix Transpose()
    {
        var counts = new int[Columns + 1];
        foreach (var c in ColumnIndices)
        {
            counts[c + 1]++;
        }

        for (var c = 0; c < Columns; c++)
        {
            counts[c + 1] += counts[c];
        }

        var next = (int[])counts.Clone();
        var indices = new int[NonZeros];
        var str = new float[NonZeros];
        var pref = new float[NonZeros];
        for (var r = 0; r < Rows; r++)
        {
            for (var e = RowStart[r]; e < RowStart[r + 1]; e++)
            {
                var slot = next[ColumnIndices[e]]++;
                indices[slot] = r;
                str[slot] = Strength[e];
                pref[slot] = Preference[e];
            }
        }

        return new SparseMatrix(Columns, Rows, counts, indices, str, pref);
    }

    /// <summary>
    /// Builds a matrix from unordered (row, column) entries; entries for the same cell are merged by
    /// keeping the larger strength and the preference of that entry.
    /// </summary>
    /// <param name="rows">Number of rows.</param>
    /// <param name="columns">Number of columns.</param>
    /// <param name="entries">The entries; each row and column must be in range.</param>
    /// <exception cref="ArgumentOutOfRangeException">An entry lies outside the shape.</exception>
    public static SparseMatrix FromEntries(int rows, int columns, IReadOnlyList<MatrixEntry> entries)
    {
        var sorted = entries.ToArray();
        foreach (var e in sorted)
        {
            if ((uint)e.Row >= (uint)rows || (uint)e.Column >= (uint)columns)
            {
                throw new ArgumentOutOfRangeException(nameof(entries), $"Entry ({e.Row}, {e.Column}) is outside [{rows}, {columns}].");
            }
        }

        Array.Sort(sorted, static (a, b) => a.Row != b.Row ? a.Row.CompareTo(b.Row) : a.Column.CompareTo(b.Column));
        var rowStart = new int[rows + 1];
        var indices = new List<int>(sorted.Length);
        var str = new List<float>(sorted.Length);
        var pref = new List<float>(sorted.Length);
        for (var i = 0; i < sorted.Length; i++)
        {
            var e = sorted[i];
            if (indices.Count > 0 && i > 0 && sorted[i - 1].Row == e.Row && sorted[i - 1].Column == e.Column)
            {
                if (e.Strength > str[^1])
                {
                    str[^1] = e.Strength;
                    pref[^1] = e.Preference;
                }

                continue;
            }

            indices.Add(e.Column);
            str.Add(e.Strength);
            pref.Add(e.Preference);
            rowStart[e.Row + 1]++;
        }

        for (var r = 0; r < rows; r++)
        {
            rowStart[r + 1] += rowStart[r];
        }

        return new SparseMatrix(rows, columns, rowStart, [.. indices], [.. str], [.. pref]);
    }
}

/// <summary>One stored entry of a <see cref="SparseMatrix"/>.</summary>
/// <param name="Row">Row index.</param>
/// <param name="Column">Column index.</param>
/// <param name="Strength">Interaction strength s ≥ 0.</param>
/// <param name="Preference">Target preference (1 positive, 0 negative).</param>
public readonly record struct MatrixEntry(int Row, int Column, float Strength, float Preference);
