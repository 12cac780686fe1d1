using Spectre.Console;
using VideoRec.Import;

namespace VideoRec.Cli.Infrastructure;

/// <summary>Turns exceptions into one clear line and an exit code: 2 for bad input, 130 for Ctrl+C, 1 otherwise.</summary>
public static class ErrorReporting
{
    /// <summary>Runs a command body, reporting any exception as <see cref="Report"/> does.</summary>
    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e)
        {
            return Report(e);
        }
    }

    /// <summary>Runs an asynchronous command body, reporting any exception as <see cref="Report"/> does.</summary>
    public static async Task<int> RunAsync(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (Exception e)
        {
            return Report(e);
        }
    }

    public static int Report(Exception exception)
    {
        switch (exception)
        {
            case OperationCanceledException:
                AnsiConsole.MarkupLine("[yellow]Cancelled.[/]");
                return 130;
            case CliException or DataFormatException or FileNotFoundException or DirectoryNotFoundException
                or InvalidDataException or ArgumentException:
                Console.Error.WriteLine($"error: {exception.Message}");
                return 2;
            default:
                AnsiConsole.WriteException(exception, ExceptionFormats.ShortenEverything);
                return 1;
        }
    }
}
