namespace VideoRec.TwoTower.Towers;

/// <summary>
/// One batch of inputs for a tower: <see cref="BatchSize"/> examples, and for each input of the layout its values,
/// row-major. Categoricals are int64 <c>[batch]</c>; bags int64 <c>[batch, length]</c> with -1 for padding; denses
/// float <c>[batch, width]</c>.
/// </summary>
/// <remarks>
/// Indices are table rows, already encoded: the feature encoder maps unknown categories to an out-of-vocabulary
/// row; an index outside the table is an error, not an unknown. The arrays are not copied: do not change them during
/// a call that reads them.
/// </remarks>
public sealed class TowerInputs
{
    /// <summary>Creates an empty batch of <paramref name="batchSize"/> examples.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is not positive.</exception>
    public TowerInputs(int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        BatchSize = batchSize;
    }

    /// <summary>The number of examples, <c>batch</c>.</summary>
    public int BatchSize { get; }

    /// <summary>Categorical input name → row indices, <c>[batch]</c>.</summary>
    public Dictionary<string, long[]> Categoricals { get; } = new(StringComparer.Ordinal);

    /// <summary>Bag input name → row indices <c>[batch, length]</c> row-major with the length, -1 for padding.</summary>
    public Dictionary<string, BagInput> Bags { get; } = new(StringComparer.Ordinal);

    /// <summary>Dense input name → values, <c>[batch, width]</c> row-major.</summary>
    public Dictionary<string, float[]> Denses { get; } = new(StringComparer.Ordinal);

    /// <summary>Sets categorical input <paramref name="name"/> to <paramref name="ids"/>, <c>[batch]</c>; returns this.</summary>
    public TowerInputs WithCategorical(string name, long[] ids)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(ids);
        Categoricals[name] = ids;
        return this;
    }

    /// <summary>Sets bag input <paramref name="name"/> to <paramref name="ids"/>, <c>[batch, length]</c> row-major, -1 for padding; returns this.</summary>
    public TowerInputs WithBag(string name, long[] ids, int length)
    {
        ArgumentNullException.ThrowIfNull(name);
        Bags[name] = new BagInput(ids, length);
        return this;
    }

    /// <summary>
    /// Sets bag input <paramref name="name"/> from ragged rows (one list of row indices per example), padded with -1
    /// to the longest row; returns this.
    /// </summary>
    public TowerInputs WithBag(string name, IReadOnlyList<IReadOnlyList<long>> rows)
    {
        ArgumentNullException.ThrowIfNull(name);
        Bags[name] = BagInput.FromRows(rows);
        return this;
    }

    /// <summary>Sets dense input <paramref name="name"/> to <paramref name="values"/>, <c>[batch, width]</c> row-major; returns this.</summary>
    public TowerInputs WithDense(string name, float[] values)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(values);
        Denses[name] = values;
        return this;
    }

    /// <summary>Checks these inputs against <paramref name="layout"/>: every input present with the right length, no other input, every index in its table.</summary>
    /// <exception cref="ArgumentException">
    /// An input of the layout is missing, has the wrong length, or an input is not one of the layout's (or is given as
    /// the wrong kind); <see cref="ArgumentException.ParamName"/> is the input's name.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// An index is outside its table (<c>[0, rows)</c>; -1 is allowed in bags only);
    /// <see cref="ArgumentException.ParamName"/> is the input's name.
    /// </exception>
    public void Validate(TowerLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var batch = BatchSize;

        foreach (var categorical in layout.Categoricals)
        {
            if (!Categoricals.TryGetValue(categorical.Name, out var ids))
            {
                throw Missing(layout, categorical.Name, "categorical", $"int64 [{batch}]");
            }

            if (ids.Length != batch)
            {
                throw new ArgumentException($"The categorical input '{categorical.Name}' has {ids.Length} values; [batch] needs {batch}.", categorical.Name);
            }

            var rows = layout.GetTable(categorical.Table).Rows;
            for (var i = 0; i < ids.Length; i++)
            {
                if ((ulong)ids[i] >= (ulong)rows)
                {
                    throw OutOfRange(categorical.Name, ids[i], i, categorical.Table, rows, bag: false);
                }
            }
        }

        foreach (var bag in layout.Bags)
        {
            if (!Bags.TryGetValue(bag.Name, out var input) || input is null)
            {
                throw Missing(layout, bag.Name, "bag", $"int64 [{batch}, length]");
            }

            if (input.Ids is null || input.Length < 0 || input.Ids.LongLength != (long)batch * input.Length)
            {
                throw new ArgumentException(
                    $"The bag input '{bag.Name}' has {input.Ids?.LongLength ?? 0} values and length {input.Length}; [batch, length] needs {batch} × {input.Length} (length ≥ 0).",
                    bag.Name);
            }

            var rows = layout.GetTable(bag.Table).Rows;
            var ids = input.Ids;
            for (var i = 0; i < ids.Length; i++)
            {
                var id = ids[i];
                if ((ulong)id >= (ulong)rows && id != TowerLayout.Padding)
                {
                    throw OutOfRange(bag.Name, id, i, bag.Table, rows, bag: true);
                }
            }
        }

        foreach (var dense in layout.Denses)
        {
            if (!Denses.TryGetValue(dense.Name, out var values) || values is null)
            {
                throw Missing(layout, dense.Name, "dense", $"float [{batch}, {dense.Width}]");
            }

            if (values.LongLength != (long)batch * dense.Width)
            {
                throw new ArgumentException($"The dense input '{dense.Name}' has {values.LongLength} values; [batch, width] needs {batch} × {dense.Width}.", dense.Name);
            }
        }

        CheckKnown(Categoricals.Keys, layout.Categoricals.Select(c => c.Name), "categorical", layout);
        CheckKnown(Bags.Keys, layout.Bags.Select(b => b.Name), "bag", layout);
        CheckKnown(Denses.Keys, layout.Denses.Select(d => d.Name), "dense", layout);
    }

    private ArgumentException Missing(TowerLayout layout, string name, string kind, string shape)
    {
        var elsewhere = (Categoricals.ContainsKey(name) ? " (it was given as a categorical)" : "")
            + (Bags.ContainsKey(name) ? " (it was given as a bag)" : "")
            + (Denses.ContainsKey(name) ? " (it was given as a dense input)" : "");
        return new ArgumentException($"The {layout.Name} tower's {kind} input '{name}', {shape}, is missing{elsewhere}.", name);
    }

    private static void CheckKnown(IEnumerable<string> given, IEnumerable<string> expected, string kind, TowerLayout layout)
    {
        var known = expected.ToHashSet(StringComparer.Ordinal);
        foreach (var name in given)
        {
            if (!known.Contains(name))
            {
                throw new ArgumentException($"'{name}' is not a {kind} input of the {layout.Name} tower.", name);
            }
        }
    }

    private static ArgumentOutOfRangeException OutOfRange(string name, long id, int position, string table, int rows, bool bag) =>
        new(name, id,
            $"The {(bag ? "bag" : "categorical")} input '{name}' holds {id} at position {position}, outside the rows [0, {rows}) of table '{table}'"
            + (bag ? " (-1 is padding)." : "."));
}

/// <summary>
/// The values of one bag input: row indices <c>[batch, length]</c> row-major, <see cref="TowerLayout.Padding"/> (-1)
/// for padding (anywhere in a row). A length of 0 means every row is empty.
/// </summary>
/// <param name="Ids">Row indices, <c>[batch, length]</c> row-major.</param>
/// <param name="Length">The length of every row, padding included.</param>
public sealed record BagInput(long[] Ids, int Length)
{
    /// <summary>Pads ragged rows (one list of row indices per example) with -1 to the longest row.</summary>
    /// <param name="rows">One list per example, <c>[batch][n]</c>.</param>
    /// <returns>The padded bag, <c>[batch, max n]</c>.</returns>
    public static BagInput FromRows(IReadOnlyList<IReadOnlyList<long>> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var length = 0;
        foreach (var row in rows)
        {
            ArgumentNullException.ThrowIfNull(row, nameof(rows));
            length = Math.Max(length, row.Count);
        }

        var ids = new long[rows.Count * length];
        Array.Fill(ids, TowerLayout.Padding);
        for (var b = 0; b < rows.Count; b++)
        {
            for (var j = 0; j < rows[b].Count; j++)
            {
                ids[(b * length) + j] = rows[b][j];
            }
        }

        return new BagInput(ids, length);
    }
}
