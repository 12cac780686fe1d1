using Spectre.Console;
using VideoRec.Core.Evaluation;
using VideoRec.Core.Models.Wals;
using VideoRec.Import;

namespace VideoRec.Cli.Infrastructure;

/// <summary>Turns exceptions into one clear line and an exit code: 2 for bad input (data, options, files), 130 for Ctrl+C, 1 for a bug.</summary>
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
    /// <param name="body">The command.</param>
    /// <param name="database">The --db file the command uses, if any: SQLite errors are reported as bad input naming it.</param>
    public static async Task<int> RunAsync(Func<Task<int>> body, string? database = null)
    {
        try
        {
            return await body();
        }
        catch (Exception e)
        {
            return Report(e, database);
        }
    }

    public static int Report(Exception exception, string? database = null)
    {
        if (exception is AggregateException { InnerExceptions.Count: 1 } aggregate)
        {
            exception = aggregate.InnerExceptions[0];
        }

        if (exception is not OperationCanceledException and not CliException)
        {
            var problem = database is not null
                ? DatabaseFiles.Describe(exception, database)
                : Chain(exception).OfType<Microsoft.Data.Sqlite.SqliteException>().Select(e => "SQLite: " + DatabaseFiles.Reason(e)).FirstOrDefault();
            if (problem is not null)
            {
                Console.Error.WriteLine($"error: {OneLine(problem)}");
                return 2;
            }
        }

        switch (exception)
        {
            case OperationCanceledException:
                AnsiConsole.MarkupLine("[yellow]Cancelled.[/]");
                return 130;
            case CliException or DataFormatException or IOException or UnauthorizedAccessException or InvalidDataException
                or ArgumentException or InsufficientDataException or TrainingFailedException:
                Console.Error.WriteLine($"error: {OneLine(exception.Message)}");
                return 2;
            default:
                AnsiConsole.WriteException(exception, ExceptionFormats.ShortenEverything);
                return 1;
        }
    }

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }

    /// <summary>The message on one line, without .NET's "(Parameter 'x')" suffix.</summary>
    private static string OneLine(string message)
    {
        var text = message.Split(" (Parameter '", 2)[0].ReplaceLineEndings(" ");
        return text.Length > 2000 ? text[..2000] + "…" : text;
    }
}
