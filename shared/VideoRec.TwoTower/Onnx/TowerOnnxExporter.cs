using System.Reflection;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using VideoRec.Core.Common;
using VideoRec.TwoTower.Towers;

namespace VideoRec.TwoTower.Onnx;

/// <summary>
/// Builds the ONNX model of a trained tower (OnnxSharp's protobuf types) and writes it: opset 17, IR version 8, the
/// weights as initializers, the layout JSON in the metadata. The model computes what <see cref="TowerReference"/>
/// computes; <see cref="OnnxTower"/> runs it.
/// </summary>
/// <remarks>
/// <para>
/// Graph inputs: each categorical int64 <c>[batch]</c>; each bag int64 <c>[batch, NAME_length]</c> (its own dynamic
/// length dimension); each dense float <c>[batch, width]</c>. Output <see cref="TowerLayout.OutputName"/>
/// ("embedding"), float <c>[batch, OutputDimensions]</c>. "batch" is a dynamic dimension.
/// </para>
/// <para>
/// Operators (default domain, opset 17): Gather (categoricals and bags); for bags Equal, Not, Where, Cast, Unsqueeze,
/// Mul, ReduceSum (axes as an input), Max, Div; Concat; Gemm (transB = 1) for each linear layer; Relu; ReduceL2
/// (axes as an attribute, as in opset 17), Max and Div for the normalisation.
/// </para>
/// <para>
/// Names: tables are initializers <c>table/NAME</c>; layers <c>hidden0/weight</c>, <c>hidden0/bias</c>, …,
/// <c>output/weight</c>, <c>output/bias</c>; nodes and their outputs are named after what they compute, for
/// example <c>watched/mask</c>, <c>watched/mean</c>, <c>features</c>, <c>hidden0/relu</c>, <c>norm/l2</c>. Tables
/// that no input reads are left out.
/// </para>
/// <para>
/// The export is deterministic: the same weights and metadata give the same bytes from the same build (producer_version
/// is this assembly's informational version, which names the commit it was built from). A protobuf message is limited to
/// 2 GiB, so the tables and layers together must stay below that (external data is not supported).
/// </para>
/// </remarks>
public static class TowerOnnxExporter
{
    /// <summary>The metadata key under which the layout JSON (camelCase) is stored.</summary>
    public const string LayoutMetadataKey = "videorec.tower_layout";

    /// <summary>The producer name written to the model.</summary>
    public const string ProducerName = "VideoRec";

    /// <summary>The ONNX opset of the default domain that the model imports.</summary>
    public const long OpsetVersion = 17;

    /// <summary>The ONNX IR version of the model (IR 8 goes with opset 17).</summary>
    public const long IrVersion = 8;

    /// <summary>The name of the dynamic batch dimension.</summary>
    public const string BatchDimension = "batch";

    private const long MaxModelBytes = int.MaxValue - (64L << 20);

    /// <summary>The name of the dynamic length dimension of bag input <paramref name="bagName"/>: <c>NAME_length</c>.</summary>
    public static string BagLengthDimension(string bagName) => bagName + "_length";

    /// <summary>Builds the ONNX model of <paramref name="weights"/>.</summary>
    /// <param name="weights">The trained tower; validated first.</param>
    /// <param name="metadata">Extra metadata_props entries (for example the feature-spec version); written in key order.</param>
    /// <returns>The model, ready to serialise (<see cref="Google.Protobuf.MessageExtensions.WriteTo(IMessage, Stream)"/>).</returns>
    /// <exception cref="ArgumentException">
    /// The weights are invalid (see <see cref="TowerWeights.Validate"/>), or a metadata key is empty or is
    /// <see cref="LayoutMetadataKey"/>, or a metadata value is null.
    /// </exception>
    /// <exception cref="NotSupportedException">The weights are too large for one protobuf message (2 GiB).</exception>
    public static ModelProto BuildModel(TowerWeights weights, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        weights.Validate();
        var extra = CheckMetadata(metadata);
        var layout = weights.Layout;
        CheckSize(weights);

        var builder = new GraphBuilder($"videorec_{layout.Name}_tower");
        var graph = builder.Graph;
        graph.DocString = $"VideoRec {layout.Name} tower: features [batch, {layout.InputWidth}] → MLP [{string.Join(", ", layout.Hidden)}] → " +
            $"linear [{layout.OutputDimensions}] → L2 normalisation. Output '{TowerLayout.OutputName}' float [batch, {layout.OutputDimensions}].";

        // Tables read by at least one input, in layout order.
        var used = layout.Categoricals.Select(c => c.Table).Concat(layout.Bags.Select(b => b.Table)).ToHashSet(StringComparer.Ordinal);
        foreach (var table in layout.Tables.Where(t => used.Contains(t.Name)))
        {
            builder.FloatInitializer(TableName(table.Name), weights.Tables[table.Name], table.Rows, table.Dimensions);
        }

        var features = new List<string>();
        foreach (var categorical in layout.Categoricals)
        {
            builder.Input(categorical.Name, TensorProto.Types.DataType.Int64, [Dim(BatchDimension)],
                $"Categorical: int64 [batch], row indices of table '{categorical.Table}'.");
            features.Add(builder.Node("Gather", $"{categorical.Name}/embedding", [TableName(categorical.Table), categorical.Name]));
        }

        if (layout.Bags.Count > 0)
        {
            builder.Int64Initializer("const/padding", [TowerLayout.Padding]);
            builder.Int64Initializer("const/zero_index", [0]);
            builder.Int64Initializer("const/axis1", [1], 1);
            builder.Int64Initializer("const/axis2", [2], 1);
            builder.FloatInitializer("const/one", [1f]);
        }

        foreach (var bag in layout.Bags)
        {
            var n = bag.Name;
            builder.Input(n, TensorProto.Types.DataType.Int64, [Dim(BatchDimension), Dim(BagLengthDimension(n))],
                $"Bag: int64 [batch, {BagLengthDimension(n)}], row indices of table '{bag.Table}', -1 for padding; pooled by mean.");
            builder.Node("Equal", $"{n}/is_padding", [n, "const/padding"]);                              // bool [batch, L]
            builder.Node("Not", $"{n}/mask", [$"{n}/is_padding"]);                                        // bool [batch, L]
            builder.Node("Where", $"{n}/safe_ids", [$"{n}/mask", n, "const/zero_index"]);                 // int64 [batch, L]
            builder.Node("Gather", $"{n}/rows", [TableName(bag.Table), $"{n}/safe_ids"]);                 // [batch, L, d]
            builder.Node("Cast", $"{n}/weights", [$"{n}/mask"], IntAttribute("to", (long)TensorProto.Types.DataType.Float)); // [batch, L]
            builder.Node("Unsqueeze", $"{n}/weights3", [$"{n}/weights", "const/axis2"]);                  // [batch, L, 1]
            builder.Node("Mul", $"{n}/masked_rows", [$"{n}/rows", $"{n}/weights3"]);                      // [batch, L, d]
            builder.Node("ReduceSum", $"{n}/sum", [$"{n}/masked_rows", "const/axis1"], IntAttribute("keepdims", 0)); // [batch, d]
            builder.Node("ReduceSum", $"{n}/count", [$"{n}/weights", "const/axis1"], IntAttribute("keepdims", 1));   // [batch, 1]
            builder.Node("Max", $"{n}/divisor", [$"{n}/count", "const/one"]);                             // [batch, 1]
            features.Add(builder.Node("Div", $"{n}/mean", [$"{n}/sum", $"{n}/divisor"]));                 // [batch, d]
        }

        foreach (var dense in layout.Denses)
        {
            builder.Input(dense.Name, TensorProto.Types.DataType.Float, [Dim(BatchDimension), Dim(dense.Width)],
                $"Dense: float [batch, {dense.Width}], passed through.");
            features.Add(dense.Name);
        }

        var x = builder.Node("Concat", "features", features, IntAttribute("axis", 1)); // [batch, InputWidth]
        var inputWidth = layout.InputWidth;
        for (var i = 0; i < weights.Layers.Count; i++)
        {
            var layer = weights.Layers[i];
            var hidden = i < layout.Hidden.Length;
            var prefix = hidden ? $"hidden{i}" : "output";
            builder.FloatInitializer($"{prefix}/weight", layer.Weight, layer.Bias.Length, inputWidth);
            builder.FloatInitializer($"{prefix}/bias", layer.Bias, layer.Bias.Length);
            x = builder.Node("Gemm", $"{prefix}/linear", [x, $"{prefix}/weight", $"{prefix}/bias"], IntAttribute("transB", 1));
            if (hidden)
            {
                x = builder.Node("Relu", $"{prefix}/relu", [x]);
            }

            inputWidth = layer.Bias.Length;
        }

        builder.FloatInitializer("const/norm_epsilon", [TowerLayout.NormEpsilon]);
        var norm = builder.Node("ReduceL2", "norm/l2", [x], IntsAttribute("axes", 1), IntAttribute("keepdims", 1)); // [batch, 1]
        var divisor = builder.Node("Max", "norm/divisor", [norm, "const/norm_epsilon"]);
        builder.Node("Div", TowerLayout.OutputName, [x, divisor]);
        graph.Output.Add(ValueInfo(TowerLayout.OutputName, TensorProto.Types.DataType.Float, [Dim(BatchDimension), Dim(layout.OutputDimensions)],
            $"The {layout.Name} embedding: float [batch, {layout.OutputDimensions}], rows of unit L2 norm (all zeros when the pre-normalisation row is zero)."));

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = ProducerName,
            ProducerVersion = typeof(TowerOnnxExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "",
            Domain = "videorec",
            ModelVersion = 1,
            DocString = $"VideoRec two-tower retrieval: the {layout.Name} tower.",
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OpsetVersion });
        model.MetadataProps.Add(new StringStringEntryProto { Key = LayoutMetadataKey, Value = layout.ToJson(indented: false) });
        foreach (var (key, value) in extra)
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }

        return model;
    }

    /// <summary>Writes the ONNX model of <paramref name="weights"/> to <paramref name="destination"/> (left open).</summary>
    /// <param name="weights">The trained tower; validated first.</param>
    /// <param name="destination">A writable stream.</param>
    /// <param name="metadata">Extra metadata_props entries (for example the feature-spec version).</param>
    /// <exception cref="ArgumentException">The weights or the metadata are invalid (see <see cref="BuildModel"/>).</exception>
    /// <exception cref="NotSupportedException">The weights are too large for one protobuf message (2 GiB).</exception>
    public static void Export(TowerWeights weights, Stream destination, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var model = BuildModel(weights, metadata);
        model.WriteTo(destination);
    }

    /// <summary>
    /// Writes the ONNX model of <paramref name="weights"/> to the file <paramref name="path"/>, creating its folder and
    /// atomically replacing any existing file.
    /// </summary>
    /// <param name="weights">The trained tower; validated first.</param>
    /// <param name="path">The model file, conventionally <c>*.onnx</c>.</param>
    /// <param name="metadata">Extra metadata_props entries (for example the feature-spec version).</param>
    /// <exception cref="ArgumentException">The weights or the metadata are invalid (see <see cref="BuildModel"/>).</exception>
    /// <exception cref="NotSupportedException">The weights are too large for one protobuf message (2 GiB).</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Export(TowerWeights weights, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var model = BuildModel(weights, metadata);
        AtomicFile.Write(path, model.WriteTo);
    }

    /// <summary>The ONNX model of <paramref name="weights"/> as bytes (for <see cref="OnnxTower.Load(byte[], OnnxTowerOptions?)"/>).</summary>
    /// <exception cref="ArgumentException">The weights or the metadata are invalid (see <see cref="BuildModel"/>).</exception>
    /// <exception cref="NotSupportedException">The weights are too large for one protobuf message (2 GiB).</exception>
    public static byte[] ExportToBytes(TowerWeights weights, IReadOnlyDictionary<string, string>? metadata = null) =>
        BuildModel(weights, metadata).ToByteArray();

    private static string TableName(string table) => $"table/{table}";

    private static List<KeyValuePair<string, string>> CheckMetadata(IReadOnlyDictionary<string, string>? metadata)
    {
        var entries = new List<KeyValuePair<string, string>>();
        if (metadata is null)
        {
            return entries;
        }

        foreach (var (key, value) in metadata)
        {
            if (string.IsNullOrEmpty(key))
            {
                throw new ArgumentException("A metadata key is empty.", nameof(metadata));
            }

            if (key == LayoutMetadataKey)
            {
                throw new ArgumentException($"The metadata key '{LayoutMetadataKey}' is reserved for the layout.", nameof(metadata));
            }

            if (value is null)
            {
                throw new ArgumentException($"The metadata value of '{key}' is null.", nameof(metadata));
            }

            entries.Add(new(key, value));
        }

        entries.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return entries;
    }

    private static void CheckSize(TowerWeights weights)
    {
        var floats = weights.Tables.Values.Sum(t => t.LongLength) + weights.Layers.Sum(l => l.Weight.LongLength + l.Bias.LongLength);
        if (floats * sizeof(float) > MaxModelBytes)
        {
            throw new NotSupportedException(
                $"The {weights.Layout.Name} tower has {floats * sizeof(float)} bytes of weights; an ONNX model in one protobuf message must stay below 2 GiB.");
        }
    }

    private static TensorShapeProto.Types.Dimension Dim(string param) => new() { DimParam = param };

    private static TensorShapeProto.Types.Dimension Dim(long value) => new() { DimValue = value };

    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, TensorShapeProto.Types.Dimension[] shape, string doc)
    {
        var tensor = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = new TensorShapeProto() };
        tensor.Shape.Dim.AddRange(shape);
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor }, DocString = doc };
    }

    private static AttributeProto IntAttribute(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static AttributeProto IntsAttribute(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    /// <summary>Appends inputs, initializers and nodes to one graph; every node has one output, named like the node.</summary>
    private sealed class GraphBuilder(string name)
    {
        public GraphProto Graph { get; } = new() { Name = name };

        public void Input(string name, TensorProto.Types.DataType type, TensorShapeProto.Types.Dimension[] shape, string doc) =>
            Graph.Input.Add(ValueInfo(name, type, shape, doc));

        public string Node(string opType, string output, IEnumerable<string> inputs, params AttributeProto[] attributes)
        {
            var node = new NodeProto { OpType = opType, Name = output };
            node.Input.AddRange(inputs);
            node.Output.Add(output);
            node.Attribute.AddRange(attributes);
            Graph.Node.Add(node);
            return output;
        }

        public void FloatInitializer(string name, float[] values, params long[] dims)
        {
            var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
            tensor.Dims.AddRange(dims);
            if (BitConverter.IsLittleEndian)
            {
                // raw_data is little-endian, as the values are in memory here.
                tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
            }
            else
            {
                tensor.FloatData.AddRange(values);
            }

            Graph.Initializer.Add(tensor);
        }

        public void Int64Initializer(string name, long[] values, params long[] dims)
        {
            var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
            tensor.Dims.AddRange(dims);
            tensor.Int64Data.AddRange(values);
            Graph.Initializer.Add(tensor);
        }
    }
}
