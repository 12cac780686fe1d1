using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace VideoRec.TwoTower.Towers;

/// <summary>
/// The architecture of one tower of the two-tower retrieval network (the user tower or the video tower): its embedding
/// tables, its inputs and its multilayer perceptron. Serialised as camelCase JSON (<see cref="ToJson"/>,
/// <see cref="FromJson"/>), which is how the exported ONNX model carries it in its metadata.
/// </summary>
/// <remarks>
/// <para>
/// Forward pass, for a batch of <c>batch</c> examples: the features are concatenated in this order, each list in its
/// own order: every categorical (one table row, <c>[batch, table dimensions]</c>), every bag (the mean of the table
/// rows of its non-padding entries, <c>[batch, table dimensions]</c>, zeros for a row that is all padding), every
/// dense input (<c>[batch, width]</c>, passed through). That gives <c>[batch, <see cref="InputWidth"/>]</c>. Then
/// for each width of <see cref="Hidden"/>: a linear layer and ReLU; then a final linear layer to
/// <c>[batch, <see cref="OutputDimensions"/>]</c>; then each row is divided by <c>max(‖row‖₂, 1e-12)</c>, so rows
/// have unit length (an all-zero row stays all zeros).
/// </para>
/// <para>
/// Names (tower, tables, inputs) are identifiers: a letter or underscore, then letters, digits or underscores. The
/// input names are the ONNX input names and must be unique across categoricals, bags and denses; the name
/// <see cref="OutputName"/> is reserved for the output.
/// </para>
/// </remarks>
public sealed partial class TowerLayout
{
    /// <summary>The conventional <see cref="Name"/> of the user tower.</summary>
    public const string UserTower = "user";

    /// <summary>The conventional <see cref="Name"/> of the video tower.</summary>
    public const string VideoTower = "video";

    /// <summary>The name of the tower's output, float <c>[batch, OutputDimensions]</c>; no input may use it.</summary>
    public const string OutputName = "embedding";

    /// <summary>The padding value of a bag entry: it contributes nothing to the mean.</summary>
    public const long Padding = -1;

    /// <summary>The smallest norm divided by in the final normalisation: <c>x / max(‖x‖₂, 1e-12)</c>.</summary>
    public const float NormEpsilon = 1e-12f;

    /// <summary>The tower's name, <see cref="UserTower"/> ("user") or <see cref="VideoTower"/> ("video") by convention.</summary>
    public string Name { get; set; } = "";

    /// <summary>The embedding tables; each is <c>[rows, dimensions]</c>. Several inputs may read one table.</summary>
    public List<EmbeddingTable> Tables { get; set; } = [];

    /// <summary>Single-valued categorical inputs: int64 <c>[batch]</c>, one row index per example.</summary>
    public List<CategoricalFeature> Categoricals { get; set; } = [];

    /// <summary>Multi-valued (bag) inputs: int64 <c>[batch, length]</c>, <see cref="Padding"/> (-1) for padding; pooled by mean.</summary>
    public List<BagFeature> Bags { get; set; } = [];

    /// <summary>Dense inputs: float <c>[batch, width]</c>, passed through unchanged.</summary>
    public List<DenseFeature> Denses { get; set; } = [];

    /// <summary>The widths of the hidden layers, in order (each a linear layer then ReLU); may be empty.</summary>
    public int[] Hidden { get; set; } = [];

    /// <summary>The width of the final linear layer and of the output embedding, <c>[batch, OutputDimensions]</c>.</summary>
    public int OutputDimensions { get; set; }

    /// <summary>
    /// The width of the concatenated features fed to the first linear layer: the dimensions of the table of every
    /// categorical and every bag, plus the width of every dense input. Requires a layout whose tables resolve.
    /// </summary>
    /// <exception cref="ArgumentException">A categorical or bag names an unknown table.</exception>
    [JsonIgnore]
    public int InputWidth
    {
        get
        {
            var width = 0;
            foreach (var categorical in Categoricals)
            {
                width += RequireTable(categorical.Table, "Categoricals").Dimensions;
            }

            foreach (var bag in Bags)
            {
                width += RequireTable(bag.Table, "Bags").Dimensions;
            }

            foreach (var dense in Denses)
            {
                width += dense.Width;
            }

            return width;
        }
    }

    /// <summary>The names of all inputs in forward order: categoricals, bags, denses.</summary>
    [JsonIgnore]
    public IEnumerable<string> InputNames =>
        Categoricals.Select(c => c.Name).Concat(Bags.Select(b => b.Name)).Concat(Denses.Select(d => d.Name));

    /// <summary>The JSON options of the layout: camelCase property names, indented.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
    };

    private static readonly JsonSerializerOptions CompactJsonOptions = new(JsonOptions) { WriteIndented = false };

    /// <summary>The table named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No table has that name.</exception>
    public EmbeddingTable GetTable(string name) =>
        Tables.Find(t => t.Name == name) ?? throw new KeyNotFoundException($"The {Name} tower has no table '{name}'.");

    /// <summary>Checks the layout.</summary>
    /// <exception cref="ArgumentException">
    /// A field is invalid; <see cref="ArgumentException.ParamName"/> is its path, for example <c>Tables[1].Rows</c>,
    /// <c>Bags[0].Table</c> or <c>Hidden[2]</c>, and the message says what is wrong: an empty or non-identifier name,
    /// a duplicate table or input name, an unknown table, a non-positive size, no input at all.
    /// </exception>
    public void Validate()
    {
        if (!IsIdentifier(Name))
        {
            throw Invalid(nameof(Name), $"The tower name '{Name}' is not an identifier (a letter or underscore, then letters, digits or underscores).");
        }

        if (Tables is null)
        {
            throw Invalid(nameof(Tables), "Tables is null.");
        }

        var tableNames = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Tables.Count; i++)
        {
            var table = Tables[i];
            var path = $"{nameof(Tables)}[{i}]";
            if (table is null)
            {
                throw Invalid(path, $"{path} is null.");
            }

            RequireIdentifier(table.Name, $"{path}.{nameof(EmbeddingTable.Name)}", "table");
            if (!tableNames.Add(table.Name))
            {
                throw Invalid($"{path}.{nameof(EmbeddingTable.Name)}", $"The table name '{table.Name}' is used twice.");
            }

            RequirePositive(table.Rows, $"{path}.{nameof(EmbeddingTable.Rows)}");
            RequirePositive(table.Dimensions, $"{path}.{nameof(EmbeddingTable.Dimensions)}");
        }

        var inputNames = new HashSet<string>(StringComparer.Ordinal);
        CheckTableInputs(Categoricals, nameof(Categoricals), c => (c.Name, c.Table), tableNames, inputNames);
        CheckTableInputs(Bags, nameof(Bags), b => (b.Name, b.Table), tableNames, inputNames);

        if (Denses is null)
        {
            throw Invalid(nameof(Denses), "Denses is null.");
        }

        for (var i = 0; i < Denses.Count; i++)
        {
            var path = $"{nameof(Denses)}[{i}]";
            var dense = Denses[i] ?? throw Invalid(path, $"{path} is null.");
            CheckInputName(dense.Name, $"{path}.{nameof(DenseFeature.Name)}", inputNames);
            RequirePositive(dense.Width, $"{path}.{nameof(DenseFeature.Width)}");
        }

        if (inputNames.Count == 0)
        {
            throw Invalid(nameof(Categoricals), $"The {Name} tower has no input: add a categorical, a bag or a dense input.");
        }

        if (Hidden is null)
        {
            throw Invalid(nameof(Hidden), "Hidden is null (use an empty array for no hidden layer).");
        }

        for (var i = 0; i < Hidden.Length; i++)
        {
            RequirePositive(Hidden[i], $"{nameof(Hidden)}[{i}]");
        }

        RequirePositive(OutputDimensions, nameof(OutputDimensions));
    }

    /// <summary>The layout as camelCase JSON: indented (<see cref="JsonOptions"/>) or on one line.</summary>
    public string ToJson(bool indented = true) => JsonSerializer.Serialize(this, indented ? JsonOptions : CompactJsonOptions);

    /// <summary>Reads a layout from JSON written by <see cref="ToJson"/>; it is not validated (call <see cref="Validate"/>).</summary>
    /// <exception cref="JsonException">The text is not a JSON layout.</exception>
    public static TowerLayout FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return JsonSerializer.Deserialize<TowerLayout>(json, JsonOptions) ?? throw new JsonException("The layout JSON is null.");
    }

    /// <summary>Whether <paramref name="name"/> is an identifier: a letter or underscore, then letters, digits or underscores.</summary>
    public static bool IsIdentifier(string? name) => name is not null && IdentifierPattern().IsMatch(name);

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex IdentifierPattern();

    private EmbeddingTable RequireTable(string table, string list) =>
        Tables.Find(t => t.Name == table) ?? throw new ArgumentException($"A member of {list} names the unknown table '{table}'.", list);

    private static void CheckTableInputs<T>(
        List<T> inputs, string list, Func<T, (string Name, string Table)> fields, HashSet<string> tableNames, HashSet<string> inputNames)
        where T : class
    {
        if (inputs is null)
        {
            throw Invalid(list, $"{list} is null.");
        }

        for (var i = 0; i < inputs.Count; i++)
        {
            var path = $"{list}[{i}]";
            var input = inputs[i] ?? throw Invalid(path, $"{path} is null.");
            var (name, table) = fields(input);
            CheckInputName(name, $"{path}.Name", inputNames);
            if (table is null || !tableNames.Contains(table))
            {
                throw Invalid($"{path}.Table", $"The input '{name}' reads the unknown table '{table}'.");
            }
        }
    }

    private static void CheckInputName(string name, string path, HashSet<string> inputNames)
    {
        RequireIdentifier(name, path, "input");
        if (name == OutputName)
        {
            throw Invalid(path, $"The input name '{OutputName}' is reserved for the output.");
        }

        if (!inputNames.Add(name))
        {
            throw Invalid(path, $"The input name '{name}' is used twice.");
        }
    }

    private static void RequireIdentifier(string name, string path, string what)
    {
        if (!IsIdentifier(name))
        {
            throw Invalid(path, $"The {what} name '{name}' is not an identifier (a letter or underscore, then letters, digits or underscores).");
        }
    }

    private static void RequirePositive(int value, string path)
    {
        if (value <= 0)
        {
            throw Invalid(path, $"{path} is {value}; it must be positive.");
        }
    }

    private static ArgumentException Invalid(string path, string message) => new($"Invalid tower layout: {message}", path);
}

/// <summary>An embedding table, <c>[rows, dimensions]</c>.</summary>
/// <param name="Name">The table's name, an identifier.</param>
/// <param name="Rows">The number of rows (vocabulary size, out-of-vocabulary rows included).</param>
/// <param name="Dimensions">The width of a row.</param>
public sealed record EmbeddingTable(string Name, int Rows, int Dimensions);

/// <summary>A categorical input: int64 <c>[batch]</c>, one row index of <paramref name="Table"/> per example; contributes that row.</summary>
/// <param name="Name">The input's name (the ONNX input name).</param>
/// <param name="Table">The name of the table it reads.</param>
public sealed record CategoricalFeature(string Name, string Table);

/// <summary>
/// A bag input: int64 <c>[batch, length]</c> (length chosen per call), row indices of <paramref name="Table"/>, -1 for
/// padding; contributes the mean of the rows of its non-padding entries, zeros when a row is all padding.
/// </summary>
/// <param name="Name">The input's name (the ONNX input name).</param>
/// <param name="Table">The name of the table it reads.</param>
public sealed record BagFeature(string Name, string Table);

/// <summary>A dense input: float <c>[batch, width]</c>, passed through unchanged.</summary>
/// <param name="Name">The input's name (the ONNX input name).</param>
/// <param name="Width">The number of floats per example.</param>
public sealed record DenseFeature(string Name, int Width);
