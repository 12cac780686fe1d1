using TorchSharp;

namespace VideoRec.Training;

/// <summary>Process-wide TorchSharp settings for training on small CPU machines.</summary>
public static class TorchRuntime
{
    private static readonly Lock Gate = new();
    private static bool _initialized;

    /// <summary>
    /// Loads LibTorch and sets its intra-op thread count, once per process (later calls do nothing).
    /// On a machine with two cores or fewer, LibTorch's default of one thread per core competes with the .NET
    /// runtime and the caller's own parallel loops, so the default here is one intra-op thread; larger machines
    /// keep LibTorch's default unless <paramref name="intraOpThreads"/> says otherwise.
    /// </summary>
    /// <param name="intraOpThreads">The intra-op thread count (<c>torch.set_num_threads</c>); null picks the default above.</param>
    /// <returns>The intra-op thread count in effect.</returns>
    public static int Initialize(int? intraOpThreads = null)
    {
        lock (Gate)
        {
            if (!_initialized)
            {
                int? threads = intraOpThreads ?? (Environment.ProcessorCount <= 2 ? 1 : null);
                if (threads is { } count)
                {
                    ArgumentOutOfRangeException.ThrowIfLessThan(count, 1, nameof(intraOpThreads));
                    torch.set_num_threads(count);
                }

                _initialized = true;
            }

            return torch.get_num_threads();
        }
    }
}
