using TorchSharp;
using TorchSharp.Modules;
using VideoRec.Core.Scoring;
using VideoRec.Scoring.Model;
using static TorchSharp.torch;

namespace VideoRec.Training.Scoring;

/// <summary>
/// The ranker in TorchSharp, computing exactly what <see cref="VideoRec.Scoring.Onnx.RankerOnnxExporter"/>'s graph
/// computes: standardisation by the saved stats, DCN-v2 cross layers (DCN only), ReLU hidden layers and a two-logit
/// head (relevance, watch fraction), plus the wide linear part of the standardised row (initialised to 0).
/// <see cref="Forward"/> returns the logits <c>[batch, 2]</c>.
/// </summary>
public sealed class RankerModule : nn.Module
{
    private readonly Tensor _mean;
    private readonly Tensor _std;
    private readonly List<Linear> _cross = [];
    private readonly List<Linear> _hidden = [];
    private readonly Linear _head;
    private readonly Linear _wide;

    /// <summary>Creates the network with seeded Kaiming-uniform weights.</summary>
    /// <param name="architecture">MLP or DCN-v2.</param>
    /// <param name="features">The layout of the input rows.</param>
    /// <param name="normalization">The stats the input is standardised with.</param>
    /// <param name="hidden">Hidden widths.</param>
    /// <param name="crossLayers">Cross layers (DCN only).</param>
    /// <param name="generator">Seeded generator.</param>
    /// <param name="residualColumn">
    /// A column (such as <c>wals_score</c>) the relevance logit starts from: its wide weight starts at
    /// <paramref name="residualWeight"/> and the deep part's output layer at 0, so the untrained ranker orders every
    /// request exactly as that column does and training learns a correction to it (a residual). <c>null</c>: the usual
    /// random initialisation with the wide part at 0.
    /// </param>
    /// <param name="residualWeight">Starting wide weight of <paramref name="residualColumn"/> (per standardised unit).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="residualColumn"/> is outside the row.</exception>
    public RankerModule(RankerArchitecture architecture, ScoringFeatures features, NormalizationStats normalization, IReadOnlyList<int> hidden, int crossLayers, Generator generator,
        int? residualColumn = null, float residualWeight = 1f)
        : base("ranker")
    {
        Architecture = architecture;
        Features = features;
        Normalization = normalization;
        var f = features.Count;
        _mean = tensor(normalization.Mean, [1, f]);
        _std = tensor(normalization.Std, [1, f]);
        if (architecture == RankerArchitecture.Dcn)
        {
            for (var i = 0; i < crossLayers; i++)
            {
                _cross.Add(Layer(f, f, generator, "cross" + i));
            }
        }

        var width = f;
        for (var i = 0; i < hidden.Count; i++)
        {
            _hidden.Add(Layer(width, hidden[i], generator, "hidden" + i));
            width = hidden[i];
        }

        _head = Layer(width, RankerWeights.Heads, generator, "head");
        _wide = nn.Linear(f, RankerWeights.Heads, hasBias: false);
        using (no_grad())
        {
            _wide.weight!.zero_();
            if (residualColumn is { } column)
            {
                ArgumentOutOfRangeException.ThrowIfNegative(column, nameof(residualColumn));
                ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(column, f, nameof(residualColumn));
                using var weight = ((double)residualWeight).ToScalar();
                _wide.weight![0, column].fill_(weight);
                _head.weight!.zero_();
                _head.bias!.zero_();
            }
        }

        register_module("wide", _wide);
    }

    /// <summary>The architecture.</summary>
    public RankerArchitecture Architecture { get; }

    /// <summary>The input layout.</summary>
    public ScoringFeatures Features { get; }

    /// <summary>The standardisation stats.</summary>
    public NormalizationStats Normalization { get; }

    /// <summary>Logits <c>[batch, 2]</c> (relevance, watch fraction) of raw rows <c>[batch, features]</c>.</summary>
    public Tensor Forward(Tensor rows)
    {
        using var scope = NewDisposeScope();
        var x0 = (rows - _mean) / _std;
        var x = x0;
        foreach (var cross in _cross)
        {
            x = x0 * cross.forward(x) + x;
        }

        foreach (var hidden in _hidden)
        {
            x = nn.functional.relu(hidden.forward(x));
        }

        return (_head.forward(x) + _wide.forward(x0)).MoveToOuterDisposeScope();
    }

    /// <summary>The trained numbers as plain arrays, with the score weights.</summary>
    public RankerWeights ToWeights(float relevanceWeight, float watchWeight)
    {
        static DenseLayer Copy(Linear l) => new(l.weight!.detach().cpu().data<float>().ToArray(), l.bias!.detach().cpu().data<float>().ToArray());
        var wide = new DenseLayer(_wide.weight!.detach().cpu().data<float>().ToArray(), new float[RankerWeights.Heads]);
        var weights = new RankerWeights(Architecture, Features, Normalization, [.. _cross.Select(Copy)], [.. _hidden.Select(Copy)], Copy(_head), wide, relevanceWeight, watchWeight);
        weights.Validate();
        return weights;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _mean.Dispose();
            _std.Dispose();
        }

        base.Dispose(disposing);
    }

    private Linear Layer(int inputs, int outputs, Generator generator, string name)
    {
        var linear = nn.Linear(inputs, outputs);
        using (no_grad())
        {
            var bound = 1.0 / Math.Sqrt(inputs);
            linear.weight!.uniform_(-bound, bound, generator);
            linear.bias!.uniform_(-bound, bound, generator);
        }

        register_module(name, linear);
        return linear;
    }
}
