namespace VideoRec.Azure.Tests.Embeddings;

/// <summary>
/// A clock for the retry waits that records every wait asked of it. With <see cref="Instant"/> (the default) each
/// wait ends at once, so tests never sleep; without, waits never end (only cancellation ends them). Its time stands
/// still at <see cref="Now"/>.
/// </summary>
public sealed class RecordingTimeProvider : TimeProvider
{
    public static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly List<TimeSpan> _delays = [];

    public bool Instant { get; init; } = true;

    /// <summary>The waits asked for, in order.</summary>
    public IReadOnlyList<TimeSpan> Delays
    {
        get
        {
            lock (_delays)
            {
                return _delays.ToArray();
            }
        }
    }

    /// <summary>Raised when a wait starts.</summary>
    public event Action<TimeSpan>? DelayStarted;

    public override DateTimeOffset GetUtcNow() => Now;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        lock (_delays)
        {
            _delays.Add(dueTime);
        }

        DelayStarted?.Invoke(dueTime);
        if (Instant && dueTime != Timeout.InfiniteTimeSpan)
        {
            // On the thread pool, never inside CreateTimer: the caller has not stored the timer yet.
            ThreadPool.QueueUserWorkItem(_ => callback(state));
        }

        return new NoTimer();
    }

    private sealed class NoTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
