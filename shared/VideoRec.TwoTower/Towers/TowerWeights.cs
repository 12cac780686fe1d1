namespace VideoRec.TwoTower.Towers;

/// <summary>
/// A trained tower: its <see cref="Layout"/> and its numbers, as plain float arrays (row-major), the form in which
/// the trainer hands them over.
/// </summary>
/// <remarks>
/// <see cref="Tables"/> maps each table name of the layout to its values, <c>[rows, dimensions]</c> row-major.
/// <see cref="Layers"/> holds the hidden layers in order, then the output layer, in PyTorch's <c>nn.Linear</c>
/// convention: <c>y = x Wᵀ + b</c> with <c>W</c> <c>[out, in]</c> row-major and <c>b</c> <c>[out]</c>. The first layer's
/// <c>in</c> is <see cref="TowerLayout.InputWidth"/>; each next layer's <c>in</c> is the previous one's <c>out</c>; the
/// last layer's <c>out</c> is <see cref="TowerLayout.OutputDimensions"/>. The arrays are not copied: do not change
/// them while a <see cref="TowerReference"/> built from these weights is in use.
/// </remarks>
public sealed class TowerWeights
{
    /// <summary>Creates weights for <paramref name="layout"/>; fill <see cref="Tables"/> and <see cref="Layers"/>, then <see cref="Validate"/>.</summary>
    public TowerWeights(TowerLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        Layout = layout;
    }

    /// <summary>Creates weights from tables and layers (not validated: call <see cref="Validate"/>).</summary>
    /// <param name="layout">The tower's architecture.</param>
    /// <param name="tables">Table name → values, <c>[rows, dimensions]</c> row-major.</param>
    /// <param name="layers">The hidden layers then the output layer.</param>
    public TowerWeights(TowerLayout layout, IEnumerable<KeyValuePair<string, float[]>> tables, IEnumerable<LinearLayer> layers)
        : this(layout)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(layers);
        Tables = new Dictionary<string, float[]>(tables, StringComparer.Ordinal);
        Layers = [.. layers];
    }

    /// <summary>The tower's architecture.</summary>
    public TowerLayout Layout { get; }

    /// <summary>Table name → values, <c>[rows, dimensions]</c> row-major; one entry per table of the layout.</summary>
    public Dictionary<string, float[]> Tables { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The hidden layers in order, then the output layer: <c>Layout.Hidden.Length + 1</c> layers.</summary>
    public List<LinearLayer> Layers { get; init; } = [];

    /// <summary>Checks the layout, then every array against it.</summary>
    /// <exception cref="ArgumentException">
    /// The layout is invalid (see <see cref="TowerLayout.Validate"/>), or an array is missing, has the wrong length or
    /// holds a NaN or infinity; <see cref="ArgumentException.ParamName"/> names it, for example
    /// <c>Tables[video_id]</c> or <c>Layers[1].Weight</c>.
    /// </exception>
    public void Validate()
    {
        Layout.Validate();

        foreach (var table in Layout.Tables)
        {
            var path = $"{nameof(Tables)}[{table.Name}]";
            if (!Tables.TryGetValue(table.Name, out var values) || values is null)
            {
                throw Invalid(path, $"The table '{table.Name}' has no values.");
            }

            var expected = (long)table.Rows * table.Dimensions;
            if (values.LongLength != expected)
            {
                throw Invalid(path, $"The table '{table.Name}' has {values.LongLength} values; [{table.Rows}, {table.Dimensions}] needs {expected}.");
            }

            RequireFinite(values, path);
        }

        foreach (var name in Tables.Keys)
        {
            if (!Layout.Tables.Exists(t => t.Name == name))
            {
                throw Invalid($"{nameof(Tables)}[{name}]", $"The layout has no table '{name}'.");
            }
        }

        var expectedLayers = Layout.Hidden.Length + 1;
        if (Layers.Count != expectedLayers)
        {
            throw Invalid(nameof(Layers), $"There are {Layers.Count} layers; {Layout.Hidden.Length} hidden layers and the output layer make {expectedLayers}.");
        }

        var inputWidth = Layout.InputWidth;
        for (var i = 0; i < Layers.Count; i++)
        {
            var path = $"{nameof(Layers)}[{i}]";
            var layer = Layers[i] ?? throw Invalid(path, $"{path} is null.");
            var outputWidth = i < Layout.Hidden.Length ? Layout.Hidden[i] : Layout.OutputDimensions;
            if (layer.Bias is null || layer.Bias.Length != outputWidth)
            {
                throw Invalid($"{path}.{nameof(LinearLayer.Bias)}", $"{path}.Bias has {layer.Bias?.Length ?? 0} values; [{outputWidth}] needs {outputWidth}.");
            }

            var expected = (long)outputWidth * inputWidth;
            if (layer.Weight is null || layer.Weight.LongLength != expected)
            {
                throw Invalid($"{path}.{nameof(LinearLayer.Weight)}", $"{path}.Weight has {layer.Weight?.LongLength ?? 0} values; [{outputWidth}, {inputWidth}] (out, in) needs {expected}.");
            }

            RequireFinite(layer.Weight, $"{path}.{nameof(LinearLayer.Weight)}");
            RequireFinite(layer.Bias, $"{path}.{nameof(LinearLayer.Bias)}");
            inputWidth = outputWidth;
        }
    }

    private static void RequireFinite(float[] values, string path)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                throw Invalid(path, $"{path} holds {values[i]} at index {i}; weights must be finite.");
            }
        }
    }

    private static ArgumentException Invalid(string path, string message) => new($"Invalid tower weights: {message}", path);
}

/// <summary>
/// A linear layer in PyTorch's <c>nn.Linear</c> convention: <c>y = x Wᵀ + b</c>, <paramref name="Weight"/>
/// <c>[out, in]</c> row-major, <paramref name="Bias"/> <c>[out]</c>.
/// </summary>
/// <param name="Weight">The weight matrix, <c>[out, in]</c> row-major.</param>
/// <param name="Bias">The bias, <c>[out]</c>.</param>
public sealed record LinearLayer(float[] Weight, float[] Bias)
{
    /// <summary>The layer's output width, <c>out</c> (the bias length).</summary>
    public int OutputWidth => Bias.Length;

    /// <summary>The layer's input width, <c>in</c> (weight length / bias length; 0 when the bias is empty).</summary>
    public int InputWidth => Bias.Length == 0 ? 0 : Weight.Length / Bias.Length;
}
