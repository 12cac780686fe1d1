using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoRec.Training;

/// <summary>
/// Adam (Kingma and Ba, ICLR 2015) for dense parameters, with L2 weight decay added to the gradient as
/// <c>torch.optim.Adam</c> does: m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², θ ← θ − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε).
/// It replaces TorchSharp 0.107's <c>optim.Adam</c>, whose step passes numbers to LibTorch as implicit
/// <see cref="Scalar"/>s that the garbage collector can finalize while the native call still reads them (a rare
/// "Expected false to be true" from <c>Scalar::toFloat</c> that failed whole training runs): every Scalar here is made
/// explicitly and kept alive until the step is done. Same arithmetic, same order.
/// </summary>
public sealed class DenseAdam : IDisposable
{
    private readonly List<(Parameter Weight, Tensor Mean, Tensor Square)> _state = [];
    private readonly double _learningRate;
    private readonly double _beta1;
    private readonly double _beta2;
    private readonly double _epsilon;
    private readonly double _weightDecay;
    private long _step;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="parameters">The parameters (each optimised once; repeats are ignored).</param>
    /// <param name="learningRate">Step size, finite and &gt; 0.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient, finite and ≥ 0. Default 0.</param>
    /// <param name="beta1">Decay of the first moment. Default 0.9.</param>
    /// <param name="beta2">Decay of the second moment. Default 0.999.</param>
    /// <param name="epsilon">Added to the denominator, finite and &gt; 0. Default 1e-8.</param>
    /// <exception cref="ArgumentException">A rate is out of range (NaN and infinities included), or a parameter is null.</exception>
    public DenseAdam(IEnumerable<Parameter> parameters, double learningRate, double weightDecay = 0, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        // Written so that NaN fails every test; infinities are refused too (either turns every parameter into NaN).
        if (!(learningRate > 0 && double.IsFinite(learningRate)) || !(weightDecay >= 0 && double.IsFinite(weightDecay)) || !(beta1 >= 0 && beta1 < 1)
            || !(beta2 >= 0 && beta2 < 1) || !(epsilon > 0 && double.IsFinite(epsilon)))
        {
            throw new ArgumentException($"DenseAdam needs a finite learningRate > 0, a finite weightDecay ≥ 0, 0 ≤ beta < 1 and a finite epsilon > 0; found {learningRate}, {weightDecay}, {beta1}, {beta2}, {epsilon}.");
        }

        (_learningRate, _weightDecay, _beta1, _beta2, _epsilon) = (learningRate, weightDecay, beta1, beta2, epsilon);
        var distinct = parameters.Distinct(ReferenceEqualityComparer.Instance).Cast<Parameter>().ToArray();
        if (distinct.Any(p => p is null))
        {
            throw new ArgumentException("A parameter is null.", nameof(parameters));
        }

        foreach (var parameter in distinct)
        {
            _state.Add((parameter, zeros_like(parameter).DetachFromDisposeScope(), zeros_like(parameter).DetachFromDisposeScope()));
        }
    }

    /// <summary>Zeroes every parameter's gradient.</summary>
    public void ZeroGrad()
    {
        foreach (var (weight, _, _) in _state)
        {
            using var grad = weight.grad;
            grad?.zero_();
        }
    }

    /// <summary>One update of every parameter that has a gradient.</summary>
    public void Step()
    {
        _step++;
        using var _ = no_grad();
        using var beta1 = _beta1.ToScalar();
        using var oneMinusBeta1 = (1 - _beta1).ToScalar();
        using var beta2 = _beta2.ToScalar();
        using var oneMinusBeta2 = (1 - _beta2).ToScalar();
        using var epsilon = _epsilon.ToScalar();
        using var weightDecay = _weightDecay.ToScalar();
        using var sqrtCorrection2 = Math.Sqrt(1 - Math.Pow(_beta2, _step)).ToScalar();
        using var negativeStep = (-_learningRate / (1 - Math.Pow(_beta1, _step))).ToScalar();
        foreach (var (weight, mean, square) in _state)
        {
            using var scope = NewDisposeScope();
            var grad = weight.grad;
            if (grad is null)
            {
                continue;
            }

            var g = _weightDecay > 0 ? grad.add(weight, alpha: weightDecay) : grad;
            mean.mul_(beta1).add_(g, alpha: oneMinusBeta1);
            square.mul_(beta2).addcmul_(g, g, value: oneMinusBeta2);
            var denominator = square.sqrt().div_(sqrtCorrection2).add_(epsilon);
            weight.addcdiv_(mean, denominator, value: negativeStep);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var (_, mean, square) in _state)
        {
            mean.Dispose();
            square.Dispose();
        }

        _state.Clear();
    }
}
