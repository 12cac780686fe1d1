using System.Diagnostics;

namespace VideoRec.Azure.Tests.Support;

/// <summary>Polling with a deadline, instead of sleeping for a guessed time.</summary>
public static class Eventually
{
    /// <summary>Calls <paramref name="probe"/> until <paramref name="done"/> holds for its answer, or fails after <paramref name="timeout"/>.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"Gave up after {timeout.TotalSeconds:0} s waiting for {what}.");
            }

            await Task.Delay(100);
        }
    }
}
