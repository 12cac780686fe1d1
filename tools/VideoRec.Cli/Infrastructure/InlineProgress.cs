namespace VideoRec.Cli.Infrastructure;

/// <summary>An <see cref="IProgress{T}"/> that runs the callback synchronously on the reporting thread.</summary>
public sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
