using System.Text.Json.Nodes;
using Spectre.Console;

namespace VideoRec.Cli.Tests.Support;

/// <summary>Every CLI test: console output is process-wide, so they run one at a time, after the parallel collections.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CliCollection
{
    public const string Name = "vrec CLI (console)";
}

/// <summary>What one in-process <c>vrec</c> run returned and printed.</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="Out">Standard output, Spectre.Console output included.</param>
/// <param name="Err">Standard error.</param>
public sealed record CliResult(int ExitCode, string Out, string Err)
{
    /// <summary>Everything printed, for failure messages.</summary>
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Out}\n--- stderr ---\n{Err}";
}

/// <summary>Runs <see cref="VrecApp"/> in-process with stdout, stderr and Spectre.Console captured.</summary>
public static class Vrec
{
    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(args, CancellationToken.None);

    public static async Task<CliResult> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var originalOut = Console.Out;
        var originalError = Console.Error;
        var originalAnsi = AnsiConsole.Console;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 400; // No wrapping of long paths in messages.
        Console.SetOut(stdout);
        Console.SetError(stderr);
        AnsiConsole.Console = console;
        try
        {
            var exitCode = await VrecApp.RunAsync(args, cancellationToken);
            return new CliResult(exitCode, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            AnsiConsole.Console = originalAnsi;
            Console.SetOut(originalOut);
            Console.SetError(originalError);
        }
    }

    /// <summary>Asserts a successful run.</summary>
    public static async Task<CliResult> SucceedsAsync(params string[] args)
    {
        var result = await RunAsync(args);
        Assert.True(result.ExitCode == 0, $"vrec {string.Join(' ', args)}\n{result}");
        Assert.Equal("", result.Err);
        return result;
    }

    /// <summary>Asserts exit code 2 with exactly one line "error: ..." on stderr; returns the message after "error: ".</summary>
    public static async Task<string> FailsWithBadInputAsync(params string[] args)
    {
        var result = await RunAsync(args);
        Assert.True(result.ExitCode == 2, $"vrec {string.Join(' ', args)}\n{result}");
        var lines = result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 1, $"expected one line on stderr\n{result}");
        Assert.StartsWith("error: ", lines[0], StringComparison.Ordinal);
        return lines[0]["error: ".Length..];
    }

    /// <summary>Reads a JSON file written with --json.</summary>
    public static JsonObject ReadJson(string path) =>
        JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new InvalidOperationException($"{path} is empty.");
}
