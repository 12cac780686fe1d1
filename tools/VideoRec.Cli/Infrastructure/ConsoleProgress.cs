using Spectre.Console;

namespace VideoRec.Cli.Infrastructure;

/// <summary>
/// Progress bars on an interactive terminal; silence when output is redirected (CI logs, pipes), where Spectre's
/// fallback renderer would leave stray percentage lines.
/// </summary>
public static class ConsoleProgress
{
    private static bool Interactive => AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>Runs <paramref name="body"/> with a progress display.</summary>
    public static T Run<T>(Func<ProgressScope, T> body) =>
        !Interactive
            ? body(new ProgressScope(null))
            : AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .Start(ctx => body(new ProgressScope(ctx)));

    /// <summary>Runs <paramref name="body"/> under a spinner with <paramref name="status"/>.</summary>
    public static T Status<T>(string status, Func<T> body) =>
        !Interactive ? body() : AnsiConsole.Status().Start(status, _ => body());
}

/// <summary>A progress display that may be silent.</summary>
public sealed class ProgressScope(ProgressContext? context)
{
    public ProgressLine Add(string description, double maxValue, bool autoStart = true) =>
        new(context?.AddTask(description, autoStart, maxValue));
}

/// <summary>One progress bar; every member does nothing when the display is silent.</summary>
public sealed class ProgressLine(ProgressTask? task)
{
    public string Description
    {
        set
        {
            if (task is not null)
            {
                task.Description = value;
            }
        }
    }

    public double Value
    {
        set
        {
            if (task is not null)
            {
                task.Value = value;
            }
        }
    }

    public double MaxValue
    {
        set
        {
            if (task is not null)
            {
                task.MaxValue = value;
            }
        }
    }

    public bool IsFinished => task?.IsFinished ?? true;

    public void Start() => task?.StartTask();

    public void Stop() => task?.StopTask();

    public void Complete()
    {
        if (task is not null)
        {
            task.Value = task.MaxValue;
        }
    }
}
