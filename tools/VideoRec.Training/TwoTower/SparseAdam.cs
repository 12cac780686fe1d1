using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoRec.Training.TwoTower;

/// <summary>
/// Lazy Adam for embedding tables with sparse gradients (PyTorch's <c>torch.optim.SparseAdam</c>, which TorchSharp
/// 0.107 lacks; its Adam, AdamW and RMSprop fail on sparse gradients in <c>addcmul_</c>, and its Adagrad refuses them):
/// at each step only the rows present in the gradient get their moments and weights updated, with the bias correction
/// of the parameter's step count. Duplicate row indices of an uncoalesced gradient are summed first.
/// </summary>
public sealed class SparseAdam : IDisposable
{
    private readonly List<(Parameter Weight, Tensor Mean, Tensor Square)> _state = [];
    private readonly double _learningRate;
    private readonly double _beta1;
    private readonly double _beta2;
    private readonly double _epsilon;
    private long _step;

    /// <summary>Creates the optimizer over two-dimensional tables (rows × width).</summary>
    /// <param name="tables">The tables; their gradients must be sparse (<c>nn.Embedding(sparse: true)</c>).</param>
    /// <param name="learningRate">Step size.</param>
    /// <param name="beta1">Decay of the first moment. Default 0.9.</param>
    /// <param name="beta2">Decay of the second moment. Default 0.999.</param>
    /// <param name="epsilon">Added to the denominator. Default 1e-8.</param>
    /// <exception cref="ArgumentException">A table is not two-dimensional, or a rate is out of range.</exception>
    public SparseAdam(IEnumerable<Parameter> tables, double learningRate, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        if (!(learningRate > 0) || beta1 is < 0 or >= 1 || beta2 is < 0 or >= 1 || !(epsilon > 0))
        {
            throw new ArgumentException($"SparseAdam needs learningRate > 0, 0 ≤ beta < 1 and epsilon > 0; found {learningRate}, {beta1}, {beta2}, {epsilon}.");
        }

        (_learningRate, _beta1, _beta2, _epsilon) = (learningRate, beta1, beta2, epsilon);
        foreach (var table in tables)
        {
            if (table.dim() != 2)
            {
                throw new ArgumentException($"SparseAdam updates two-dimensional tables; found shape [{string.Join(", ", table.shape)}].", nameof(tables));
            }

            _state.Add((table, zeros_like(table).DetachFromDisposeScope(), zeros_like(table).DetachFromDisposeScope()));
        }
    }

    /// <summary>Drops every table's gradient (the next backward makes a new sparse one).</summary>
    public void ZeroGrad()
    {
        foreach (var (weight, _, _) in _state)
        {
            using var grad = weight.grad;
            if (grad is not null)
            {
                weight.grad = null;
            }
        }
    }

    /// <summary>Updates the rows present in each table's gradient; tables without a gradient are left alone.</summary>
    /// <exception cref="InvalidOperationException">A gradient is dense: the table was not made with <c>sparse: true</c>.</exception>
    public void Step()
    {
        _step++;
        var stepSize = _learningRate * Math.Sqrt(1 - Math.Pow(_beta2, _step)) / (1 - Math.Pow(_beta1, _step));
        using var _ = no_grad();
        // Scalars made explicitly and kept alive until the step is done: an implicit Scalar converted from a number can be
        // finalized while libtorch still reads it (a rare "Expected false to be true" from toFloat in add_).
        using var one = 1.ToScalar();
        using var beta1 = _beta1.ToScalar();
        using var oneMinusBeta1 = (1 - _beta1).ToScalar();
        using var beta2 = _beta2.ToScalar();
        using var oneMinusBeta2 = (1 - _beta2).ToScalar();
        using var epsilon = _epsilon.ToScalar();
        using var negativeStep = (-stepSize).ToScalar();
        foreach (var (weight, mean, square) in _state)
        {
            using var scope = NewDisposeScope();
            var grad = weight.grad;
            if (grad is null)
            {
                continue;
            }

            if (!grad.is_sparse)
            {
                throw new InvalidOperationException("SparseAdam got a dense gradient: make the embedding with sparse: true, or use Adam.");
            }

            var (rows, inverse, _) = unique(grad.SparseIndices[0], sorted: true, return_inverse: true);
            var g = zeros(rows.shape[0], weight.shape[1], grad.dtype).index_add_(0, inverse!, grad.SparseValues, one);
            var m = mean.index_select(0, rows).mul_(beta1).add_(g, alpha: oneMinusBeta1);
            var v = square.index_select(0, rows).mul_(beta2).addcmul_(g, g, value: oneMinusBeta2);
            mean.index_copy_(0, rows, m);
            square.index_copy_(0, rows, v);
            weight.index_add_(0, rows, m.div(v.sqrt().add_(epsilon)), negativeStep);
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
