using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using Google.Protobuf;
using Onnx;
using VideoRec.Core.Common;
using VideoRec.Scoring.Model;

namespace VideoRec.Scoring.Onnx;

/// <summary>
/// Builds the ONNX model of a trained ranker (OnnxSharp's protobuf types; opset 17, IR 8) with the feature layout,
/// the normalization stats and the ranker's version in its metadata, so the three travel and are versioned together.
/// </summary>
/// <remarks>
/// <para>Input <c>features</c> float <c>[batch, features]</c> (raw rows from <see cref="Core.Scoring.FeatureAssembler"/>;
/// batch is dynamic). Graph: Sub mean, Div std (standardisation); per cross layer Gemm (transB), Mul by the
/// standardised input, Add the layer's input; per hidden layer Gemm, Relu; head Gemm plus the wide part (Gemm of the
/// standardised input, no bias) → <c>logits</c> [batch, 2];
/// Sigmoid → output <c>probabilities</c> float [batch, 2] (relevance, watch fraction); MatMul by the score weights →
/// output <c>score</c> float [batch, 1].</para>
/// <para>Metadata: <see cref="FeaturesKey"/> (layout JSON), <see cref="NormalizationKey"/> (stats JSON),
/// <see cref="RankerKey"/> (version, architecture, fingerprint of the layout, score weights).</para>
/// </remarks>
public static class RankerOnnxExporter
{
    /// <summary>Metadata key of the feature layout JSON.</summary>
    public const string FeaturesKey = "videorec.scoring_features";

    /// <summary>Metadata key of the normalization stats JSON.</summary>
    public const string NormalizationKey = "videorec.normalization";

    /// <summary>Metadata key of the ranker description JSON.</summary>
    public const string RankerKey = "videorec.ranker";

    /// <summary>The ranker format version written to <see cref="RankerKey"/>.</summary>
    public const int Version = 1;

    /// <summary>Input name.</summary>
    public const string InputName = "features";

    /// <summary>Output of both heads' probabilities, [batch, 2].</summary>
    public const string ProbabilitiesName = "probabilities";

    /// <summary>Output of the combined score, [batch, 1].</summary>
    public const string ScoreName = "score";

    /// <summary>Builds the model.</summary>
    /// <exception cref="ArgumentException">The weights are invalid (see <see cref="RankerWeights.Validate"/>).</exception>
    public static ModelProto BuildModel(RankerWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        weights.Validate();
        var f = weights.Features.Count;
        var graph = new GraphProto { Name = "videorec_ranker", DocString = $"VideoRec ranker ({weights.Architecture}): features [batch, {f}] → scores." };
        graph.Input.Add(ValueInfo(InputName, [Dim("batch"), Dim(f)], $"Raw feature rows [batch, {f}] in the layout of metadata '{FeaturesKey}'."));
        Initializer(graph, "norm/mean", weights.Normalization.Mean, f);
        Initializer(graph, "norm/std", weights.Normalization.Std, f);
        Node(graph, "Sub", "norm/centred", [InputName, "norm/mean"]);
        var x0 = Node(graph, "Div", "norm/standardised", ["norm/centred", "norm/std"]);
        var x = x0;
        for (var i = 0; i < weights.Cross.Count; i++)
        {
            var layer = weights.Cross[i];
            Initializer(graph, $"cross{i}/weight", layer.Weight, layer.Out, layer.In);
            Initializer(graph, $"cross{i}/bias", layer.Bias, layer.Out);
            var t = Node(graph, "Gemm", $"cross{i}/linear", [x, $"cross{i}/weight", $"cross{i}/bias"], Int("transB", 1));
            var m = Node(graph, "Mul", $"cross{i}/gate", [x0, t]);
            x = Node(graph, "Add", $"cross{i}/output", [m, x]);
        }

        for (var i = 0; i < weights.Hidden.Count; i++)
        {
            var layer = weights.Hidden[i];
            Initializer(graph, $"hidden{i}/weight", layer.Weight, layer.Out, layer.In);
            Initializer(graph, $"hidden{i}/bias", layer.Bias, layer.Out);
            x = Node(graph, "Gemm", $"hidden{i}/linear", [x, $"hidden{i}/weight", $"hidden{i}/bias"], Int("transB", 1));
            x = Node(graph, "Relu", $"hidden{i}/relu", [x]);
        }

        Initializer(graph, "head/weight", weights.Head.Weight, weights.Head.Out, weights.Head.In);
        Initializer(graph, "head/bias", weights.Head.Bias, weights.Head.Out);
        Node(graph, "Gemm", "deep_logits", [x, "head/weight", "head/bias"], Int("transB", 1));
        Initializer(graph, "wide/weight", weights.Wide.Weight, weights.Wide.Out, weights.Wide.In);
        Node(graph, "Gemm", "wide_logits", [x0, "wide/weight"], Int("transB", 1));
        var logits = Node(graph, "Add", "logits", ["deep_logits", "wide_logits"]);
        Node(graph, "Sigmoid", ProbabilitiesName, [logits]);
        Initializer(graph, "score/weights", [weights.RelevanceWeight, weights.WatchWeight], RankerWeights.Heads, 1);
        Node(graph, "MatMul", ScoreName, [ProbabilitiesName, "score/weights"]);
        graph.Output.Add(ValueInfo(ProbabilitiesName, [Dim("batch"), Dim(RankerWeights.Heads)], "σ(logits): [batch, 2], relevance probability and expected watch fraction."));
        graph.Output.Add(ValueInfo(ScoreName, [Dim("batch"), Dim(1)], "The ranking score [batch, 1]: relevance weight · p(relevant) + watch weight · watch fraction."));

        var model = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "VideoRec",
            ProducerVersion = typeof(RankerOnnxExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "",
            Domain = "videorec",
            ModelVersion = Version,
            DocString = "VideoRec scoring stage: the ranker over (user, candidate) feature rows.",
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        var ranker = JsonSerializer.Serialize(new RankerDescription(Version, weights.Architecture.ToString().ToLowerInvariant(), weights.Features.Fingerprint,
            weights.Cross.Count, [.. weights.Hidden.Select(h => h.Out)], weights.RelevanceWeight, weights.WatchWeight));
        model.MetadataProps.Add(new StringStringEntryProto { Key = FeaturesKey, Value = weights.Features.ToJson() });
        model.MetadataProps.Add(new StringStringEntryProto { Key = NormalizationKey, Value = weights.Normalization.ToJson() });
        model.MetadataProps.Add(new StringStringEntryProto { Key = RankerKey, Value = ranker });
        return model;
    }

    /// <summary>The model as bytes (for <see cref="OnnxScorer.Load(byte[], int)"/>).</summary>
    public static byte[] ExportToBytes(RankerWeights weights) => BuildModel(weights).ToByteArray();

    /// <summary>Writes the model to <paramref name="path"/>, replacing any file atomically.</summary>
    /// <exception cref="ArgumentException">The weights are invalid.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Export(RankerWeights weights, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var model = BuildModel(weights);
        AtomicFile.Write(path, model.WriteTo);
    }

    private static string Node(GraphProto graph, string op, string output, string[] inputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        graph.Node.Add(node);
        return output;
    }

    private static void Initializer(GraphProto graph, string name, float[] values, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        if (BitConverter.IsLittleEndian)
        {
            tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
        }
        else
        {
            tensor.FloatData.AddRange(values);
        }

        graph.Initializer.Add(tensor);
    }

    private static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static TensorShapeProto.Types.Dimension Dim(string param) => new() { DimParam = param };

    private static TensorShapeProto.Types.Dimension Dim(long value) => new() { DimValue = value };

    private static ValueInfoProto ValueInfo(string name, TensorShapeProto.Types.Dimension[] shape, string doc)
    {
        var tensor = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = new TensorShapeProto() };
        tensor.Shape.Dim.AddRange(shape);
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor }, DocString = doc };
    }
}

/// <summary>The ranker description stored under <see cref="RankerOnnxExporter.RankerKey"/>.</summary>
/// <param name="version">Format version.</param>
/// <param name="architecture"><c>mlp</c> or <c>dcn</c>.</param>
/// <param name="fingerprint">The feature layout's fingerprint.</param>
/// <param name="cross_layers">Number of cross layers.</param>
/// <param name="hidden">Hidden widths.</param>
/// <param name="relevance_weight">Score weight of the relevance probability.</param>
/// <param name="watch_weight">Score weight of the watch fraction.</param>
#pragma warning disable IDE1006 // JSON names
public sealed record RankerDescription(int version, string architecture, string fingerprint, int cross_layers, int[] hidden, float relevance_weight, float watch_weight);
#pragma warning restore IDE1006
