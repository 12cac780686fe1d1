using TorchSharp;
using static TorchSharp.torch;

namespace VideoRec.Training.Tests;

public sealed class DenseAdamTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(0.01)]
    public void DenseAdam_takes_the_same_steps_as_torch_adam(double weightDecay)
    {
        TorchRuntime.Initialize();
        torch.manual_seed(5);
        var start = torch.randn(4, 3).data<float>().ToArray();
        var target = torch.randn(4, 3);
        using var ours = nn.Parameter(tensor(start, [4, 3]));
        using var theirs = nn.Parameter(tensor(start, [4, 3]));
        using var dense = new DenseAdam([ours], 0.05, weightDecay);
        using var adam = optim.Adam([theirs], 0.05, weight_decay: weightDecay);

        for (var step = 0; step < 25; step++)
        {
            using var scope = NewDisposeScope();
            using var factor = (step % 3 + 1).ToScalar(); // explicit: an implicit Scalar can be finalized mid-call
            var d = ours - target;
            dense.ZeroGrad();
            ((d * d).sum() * factor).backward();
            dense.Step();
            var e = theirs - target;
            adam.zero_grad();
            ((e * e).sum() * factor).backward();
            adam.step();
        }

        var a = ours.data<float>().ToArray();
        var b = theirs.data<float>().ToArray();
        Assert.NotEqual(start, a); // it moved
        for (var i = 0; i < a.Length; i++)
        {
            Assert.Equal(b[i], a[i], 5);
        }
    }

    [Fact]
    public void Bad_rates_are_refused()
    {
        using var p = nn.Parameter(zeros(2));
        Assert.Throws<ArgumentException>(() => new DenseAdam([p], 0));
        Assert.Throws<ArgumentException>(() => new DenseAdam([p], 0.1, weightDecay: -1));
        Assert.Throws<ArgumentException>(() => new DenseAdam([p], 0.1, beta1: 1));
    }

    [Fact]
    public void NaN_and_infinite_rates_and_null_parameters_are_refused()
    {
        // Each of these used to be accepted and turned the parameters into NaN at the first step.
        using var p = nn.Parameter(zeros(2));
        Assert.Throws<ArgumentException>(() => new DenseAdam([p], 0.1, beta1: double.NaN));
        Assert.Throws<ArgumentException>(() => new DenseAdam([p], 0.1, beta2: double.NaN));
        Assert.Throws<ArgumentException>(() => new DenseAdam([p], double.PositiveInfinity));
        Assert.Throws<ArgumentException>(() => new DenseAdam([p], 0.1, weightDecay: double.PositiveInfinity));
        Assert.Throws<ArgumentException>(() => new DenseAdam([p], 0.1, epsilon: double.PositiveInfinity));
        Assert.Equal("A parameter is null. (Parameter 'parameters')", Assert.Throws<ArgumentException>(() => new DenseAdam([p, null!], 0.1)).Message);
    }
}
