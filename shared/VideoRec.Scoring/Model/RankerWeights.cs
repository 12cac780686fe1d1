using VideoRec.Core.Scoring;

namespace VideoRec.Scoring.Model;

/// <summary>The ranker's network shape.</summary>
public enum RankerArchitecture
{
    /// <summary>A multilayer perceptron: ReLU hidden layers, then the heads.</summary>
    Mlp,

    /// <summary>
    /// DCN-v2 (Wang et al., WWW 2021), stacked: full-rank cross layers x_{l+1} = x₀ ⊙ (W_l·x_l + b_l) + x_l on the
    /// standardised features, then the MLP, then the heads.
    /// </summary>
    Dcn,
}

/// <summary>One dense layer, y = W·x + b.</summary>
/// <param name="Weight">Row-major <c>[out, in]</c>.</param>
/// <param name="Bias"><c>[out]</c>.</param>
public sealed record DenseLayer(float[] Weight, float[] Bias)
{
    /// <summary>Output width.</summary>
    public int Out => Bias.Length;

    /// <summary>Input width.</summary>
    public int In => Bias.Length == 0 ? 0 : Weight.Length / Bias.Length;
}

/// <summary>
/// A trained ranker as plain arrays, the form the ONNX exporter takes: standardisation, cross layers (DCN only),
/// hidden layers and a two-logit head (relevance, watch fraction), plus a wide linear part of the standardised row added
/// to the logits. The served score is
/// <see cref="RelevanceWeight"/>·σ(relevance logit) + <see cref="WatchWeight"/>·σ(watch logit).
/// </summary>
/// <param name="Architecture">MLP or DCN-v2.</param>
/// <param name="Features">The feature layout the rows follow.</param>
/// <param name="Normalization">Per-column mean and std of the training rows.</param>
/// <param name="Cross">Cross layers, each <c>[features, features]</c> (empty for the MLP).</param>
/// <param name="Hidden">Hidden layers, ReLU after each.</param>
/// <param name="Head">The output layer, <c>[2, last width]</c>: relevance and watch-fraction logits.</param>
/// <param name="Wide">The wide part (Cheng et al., 2016): a linear map <c>[2, features]</c> of the standardised row added to the logits, so a linear blend of the features (such as of the retrieval scores) is there from the start; no bias.</param>
/// <param name="RelevanceWeight">Weight of the relevance probability in the score.</param>
/// <param name="WatchWeight">Weight of the expected watch fraction in the score.</param>
public sealed record RankerWeights(RankerArchitecture Architecture, ScoringFeatures Features, NormalizationStats Normalization,
    IReadOnlyList<DenseLayer> Cross, IReadOnlyList<DenseLayer> Hidden, DenseLayer Head, DenseLayer Wide, float RelevanceWeight, float WatchWeight)
{
    /// <summary>Number of head outputs: relevance and watch fraction.</summary>
    public const int Heads = 2;

    /// <summary>Checks that every shape chains and every value is finite.</summary>
    /// <exception cref="ArgumentException">A shape or value is wrong; the message names the layer.</exception>
    public void Validate()
    {
        var f = Features.Count;
        if (Normalization.Features != f)
        {
            throw new ArgumentException($"The normalization has {Normalization.Features} columns; the layout has {f}.");
        }

        if (Architecture == RankerArchitecture.Mlp && Cross.Count > 0)
        {
            throw new ArgumentException("An MLP ranker has no cross layers.");
        }

        for (var i = 0; i < Cross.Count; i++)
        {
            Check(Cross[i], f, f, $"cross{i}");
        }

        var width = f;
        for (var i = 0; i < Hidden.Count; i++)
        {
            Check(Hidden[i], width, Hidden[i].Out, $"hidden{i}");
            width = Hidden[i].Out;
        }

        Check(Head, width, Heads, "head");
        Check(Wide, f, Heads, "wide");
        if (!float.IsFinite(RelevanceWeight) || !float.IsFinite(WatchWeight) || RelevanceWeight < 0 || WatchWeight < 0 || RelevanceWeight + WatchWeight <= 0)
        {
            throw new ArgumentException($"The score weights ({RelevanceWeight}, {WatchWeight}) must be finite, non-negative and not both 0.");
        }
    }

    private static void Check(DenseLayer layer, int inputs, int outputs, string name)
    {
        if (layer.Bias.Length != outputs || layer.Weight.Length != (long)inputs * outputs || outputs < 1)
        {
            throw new ArgumentException($"Layer {name} is [{layer.Bias.Length}, {(layer.Bias.Length == 0 ? 0 : layer.Weight.Length / layer.Bias.Length)}]; it must be [{outputs}, {inputs}].");
        }

        if (!layer.Weight.All(float.IsFinite) || !layer.Bias.All(float.IsFinite))
        {
            throw new ArgumentException($"Layer {name} holds a non-finite value.");
        }
    }
}
