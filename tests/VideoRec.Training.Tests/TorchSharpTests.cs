using TorchSharp;
using static TorchSharp.torch;

namespace VideoRec.Training.Tests;

/// <summary>LibTorch loads in this process (on Debian 12 only thanks to the build's ELF patch) and computes.</summary>
public class TorchSharpTests
{
    [Fact]
    public void A_small_matmul_equals_the_hand_computed_product()
    {
        using var a = tensor(new float[] { 1, 2, 3, 4 }, 2, 2);
        using var b = tensor(new float[] { 5, 6, 7, 8 }, 2, 2);
        using var c = a.matmul(b);

        Assert.Equal(new float[] { 19, 22, 43, 50 }, c.data<float>().ToArray());
    }

    [Fact]
    public void A_seeded_random_matmul_matches_the_product_computed_in_csharp()
    {
        using var generator = new Generator(12345);
        using var a = rand(3, 4, ScalarType.Float64, generator: generator);
        using var b = rand(4, 2, ScalarType.Float64, generator: generator);
        using var c = a.matmul(b);

        double[] x = a.data<double>().ToArray(), y = b.data<double>().ToArray(), product = c.data<double>().ToArray();
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 2; j++)
            {
                double expected = 0;
                for (int k = 0; k < 4; k++)
                    expected += x[i * 4 + k] * y[k * 2 + j];
                Assert.Equal(expected, product[i * 2 + j], 12);
            }
        }
    }

    [Fact]
    public void Manual_seed_makes_random_draws_reproducible()
    {
        // The global generator: this is the only test that draws from it.
        manual_seed(42);
        float[] first = randn(8).data<float>().ToArray();
        manual_seed(42);
        float[] again = randn(8).data<float>().ToArray();
        manual_seed(43);
        float[] other = randn(8).data<float>().ToArray();

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Gradient_descent_fits_a_line()
    {
        manual_seed(7); // for nn.Linear's initial weights
        using var generator = new Generator(7);
        using var x = rand(64, 1, generator: generator);
        using var y = 2 * x + 1;
        using var model = nn.Linear(1, 1);
        using var optimizer = optim.SGD(model.parameters(), learningRate: 0.5);

        float loss = float.NaN;
        for (int step = 0; step < 300; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var error = nn.functional.mse_loss(model.forward(x), y);
            error.backward();
            optimizer.step();
            loss = error.item<float>();
        }

        Assert.True(loss < 1e-4, $"loss {loss}");
        Assert.Equal(2.0, model.weight!.item<float>(), 1);
        Assert.Equal(1.0, model.bias!.item<float>(), 1);
    }

    [Fact]
    public void Initialize_uses_one_intra_op_thread_on_small_machines()
    {
        int threads = TorchRuntime.Initialize();

        if (Environment.ProcessorCount <= 2)
            Assert.Equal(1, threads);
        Assert.Equal(threads, TorchRuntime.Initialize(intraOpThreads: 5)); // once per process
        Assert.Equal(threads, get_num_threads());
    }
}
