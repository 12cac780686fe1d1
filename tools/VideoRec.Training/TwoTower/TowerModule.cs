using TorchSharp;
using TorchSharp.Modules;
using VideoRec.TwoTower.Towers;
using static TorchSharp.torch;

namespace VideoRec.Training.TwoTower;

/// <summary>
/// One tower in TorchSharp, built from a <see cref="TowerLayout"/> so that it computes exactly what the exported ONNX
/// graph and <see cref="TowerReference"/> compute: table lookups, masked-mean bags (-1 is padding), dense inputs,
/// concatenated, Linear + ReLU per hidden layer, a final Linear and L2 normalisation.
/// </summary>
public sealed class TowerModule : nn.Module
{
    private readonly Dictionary<string, Embedding> _tables = new(StringComparer.Ordinal);
    private readonly List<Linear> _layers = [];

    // Scalars made once and kept alive with the module: an implicit Scalar made from a number at a call site can be
    // finalized while LibTorch still reads it (seen as clamp_min/masked_fill failing in Scalar::toDouble about once
    // in twenty training runs), so the hot paths never convert numbers implicitly.
    private readonly Scalar _padding = TowerLayout.Padding.ToScalar();
    private readonly Scalar _zero = 0L.ToScalar();
    private readonly Scalar _one = 1f.ToScalar();
    private readonly Scalar _epsilon = TowerLayout.NormEpsilon.ToScalar();

    /// <summary>Creates the tower with small random weights.</summary>
    /// <param name="layout">The architecture.</param>
    /// <param name="embeddingStd">Standard deviation of the normal initialisation of embedding tables (small, e.g. 0.05).</param>
    /// <param name="generator">Seeded generator for every initialisation.</param>
    /// <param name="sparse">Make the tables <c>nn.Embedding(sparse: true)</c>: their gradients are sparse COO tensors holding only the looked-up rows (update them with <see cref="SparseAdam"/>).</param>
    /// <param name="shared">
    /// Tables taken from another tower instead of created (table name → module), such as the user tower's history table
    /// sharing the video tower's id embeddings (design: the watch history is the average of the watched videos'
    /// embeddings). Each tower still exports its own copy of the values.
    /// </param>
    public TowerModule(TowerLayout layout, double embeddingStd, Generator generator, bool sparse = false, IReadOnlyDictionary<string, Embedding>? shared = null) : base(layout.Name)
    {
        layout.Validate();
        Layout = layout;
        foreach (var table in layout.Tables)
        {
            if (shared is not null && shared.TryGetValue(table.Name, out var existing))
            {
                if (existing.weight!.shape[0] != table.Rows || existing.weight.shape[1] != table.Dimensions)
                {
                    throw new ArgumentException($"The shared table for '{table.Name}' is [{existing.weight.shape[0]}, {existing.weight.shape[1]}]; the layout needs [{table.Rows}, {table.Dimensions}].");
                }

                _tables[table.Name] = existing;
                continue;
            }

            var embedding = nn.Embedding(table.Rows, table.Dimensions, sparse: sparse);
            using (no_grad())
            {
                embedding.weight!.normal_(0, embeddingStd, generator);
            }

            _tables[table.Name] = embedding;
            register_module("table_" + table.Name, embedding);
        }

        var width = layout.InputWidth;
        foreach (var (hidden, i) in layout.Hidden.Select((h, i) => (h, i)).Append((layout.OutputDimensions, layout.Hidden.Length)))
        {
            var linear = nn.Linear(width, hidden);
            using (no_grad())
            {
                // Kaiming-uniform as nn.Linear's default, but from the seeded generator.
                var bound = 1.0 / Math.Sqrt(width);
                linear.weight!.uniform_(-bound, bound, generator);
                linear.bias!.uniform_(-bound, bound, generator);
            }

            _layers.Add(linear);
            register_module("layer" + i, linear);
            width = hidden;
        }
    }

    /// <summary>The architecture.</summary>
    public TowerLayout Layout { get; }

    /// <summary>The embedding module of table <paramref name="name"/>, for sharing with another tower.</summary>
    public Embedding Table(string name) => _tables[name];

    /// <summary>The tables whose rows are looked up (their gradients are sparse in effect, and sparse tensors when the module was made with <c>sparse: true</c>).</summary>
    public IEnumerable<Parameter> EmbeddingParameters => _tables.Values.Select(t => t.weight!);

    /// <summary>The dense layers' weights and biases.</summary>
    public IEnumerable<Parameter> DenseParameters => _layers.SelectMany(l => new[] { l.weight!, l.bias! });

    /// <summary>Runs the tower on a batch. Returns <c>[batch, out]</c>, unit rows (zero rows stay zero).</summary>
    /// <param name="inputs">Input name → tensor: int64 <c>[batch]</c>, int64 <c>[batch, length]</c>, float32 <c>[batch, width]</c>.</param>
    public Tensor Forward(IReadOnlyDictionary<string, Tensor> inputs)
    {
        using var scope = NewDisposeScope();
        var parts = new List<Tensor>();
        foreach (var categorical in Layout.Categoricals)
        {
            parts.Add(_tables[categorical.Table].forward(inputs[categorical.Name]));
        }

        foreach (var bag in Layout.Bags)
        {
            var ids = inputs[bag.Name];
            var mask = ids.ne(_padding);
            var rows = _tables[bag.Table].forward(ids.clamp_min(_zero));
            var weights = mask.to_type(ScalarType.Float32).unsqueeze(-1);
            parts.Add((rows * weights).sum(1) / weights.sum(1).clamp_min(_one));
        }

        foreach (var dense in Layout.Denses)
        {
            parts.Add(inputs[dense.Name]);
        }

        var x = cat(parts, 1);
        for (var i = 0; i < _layers.Count; i++)
        {
            x = _layers[i].forward(x);
            if (i < _layers.Count - 1)
            {
                x = nn.functional.relu(x);
            }
        }

        return (x / x.norm(1, keepdim: true).clamp_min(_epsilon)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _padding.Dispose();
            _zero.Dispose();
            _one.Dispose();
            _epsilon.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Copies the trained numbers out as plain arrays, the form the ONNX exporter and the reference take.</summary>
    public TowerWeights ToWeights()
    {
        var weights = new TowerWeights(Layout,
            _tables.Select(t => KeyValuePair.Create(t.Key, t.Value.weight!.detach().cpu().data<float>().ToArray())),
            _layers.Select(l => new LinearLayer(l.weight!.detach().cpu().data<float>().ToArray(), l.bias!.detach().cpu().data<float>().ToArray())));
        weights.Validate();
        return weights;
    }

    /// <summary>Converts encoded inputs to tensors (no copy semantics are relied on: the arrays are copied).</summary>
    public static Dictionary<string, Tensor> ToTensors(TowerInputs inputs)
    {
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var n = inputs.BatchSize;
        foreach (var (name, ids) in inputs.Categoricals)
        {
            tensors[name] = tensor(ids, [n]);
        }

        foreach (var (name, bag) in inputs.Bags)
        {
            tensors[name] = bag.Length == 0 ? tensor(Enumerable.Repeat(TowerLayout.Padding, n).ToArray(), [n, 1]) : tensor(bag.Ids, [n, bag.Length]);
        }

        foreach (var (name, values) in inputs.Denses)
        {
            tensors[name] = tensor(values, [n, values.Length / n]);
        }

        return tensors;
    }
}
