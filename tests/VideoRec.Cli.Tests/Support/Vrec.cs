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
    public static async Task<string> FailsWithBadInputAsync(params string[] args) => BadInputMessage(await RunAsync(args), args);

    /// <summary>Asserts that <paramref name="result"/> is exit code 2 with exactly one line "error: ..." on stderr; returns the message after "error: ".</summary>
    public static string BadInputMessage(CliResult result, params string[] args)
    {
        Assert.True(result.ExitCode == 2, $"vrec {string.Join(' ', args)}\n{result}");
        var lines = ErrLines(result);
        Assert.True(lines.Length == 1, $"expected one line on stderr\n{result}");
        Assert.StartsWith("error: ", lines[0], StringComparison.Ordinal);
        return lines[0]["error: ".Length..];
    }

    /// <summary>
    /// Asserts a usage error with a single problem: exit code 2, nothing on stdout (no help text), and on stderr exactly
    /// "error: MESSAGE" then "Run 'vrec COMMAND --help' for the options."; returns MESSAGE.
    /// </summary>
    public static async Task<string> FailsWithUsageErrorAsync(params string[] args)
    {
        var messages = await FailsWithUsageErrorsAsync(args);
        Assert.True(messages.Length == 1, $"vrec {string.Join(' ', args)}: expected one usage error, found {messages.Length}: {string.Join(" | ", messages)}");
        return messages[0];
    }

    /// <summary>
    /// Asserts a usage error: exit code 2, nothing on stdout (no help text), and on stderr one or more lines
    /// "error: MESSAGE" then exactly one line "Run 'vrec COMMAND --help' for the options.", where COMMAND is the command
    /// path that <paramref name="args"/> name (empty for the root); returns the messages in order.
    /// </summary>
    public static async Task<string[]> FailsWithUsageErrorsAsync(params string[] args)
    {
        var result = await RunAsync(args);
        var context = $"vrec {string.Join(' ', args)}\n{result}";
        Assert.True(result.ExitCode == 2, context);
        Assert.True(result.Out.Length == 0, $"expected nothing on stdout (no help text)\n{context}");
        var lines = ErrLines(result);
        Assert.True(lines.Length >= 2, $"expected error lines and a --help pointer on stderr\n{context}");
        Assert.Equal($"Run '{string.Join(' ', ["vrec", .. CommandPath(args)])} --help' for the options.", lines[^1]);
        var errors = lines[..^1];
        Assert.All(errors, line => Assert.StartsWith("error: ", line, StringComparison.Ordinal));
        return [.. errors.Select(line => line["error: ".Length..])];
    }

    /// <summary>Reads a JSON file written with --json.</summary>
    public static JsonObject ReadJson(string path) =>
        JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new InvalidOperationException($"{path} is empty.");

    private static string[] ErrLines(CliResult result) =>
        result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The leading arguments that name (sub)commands of the vrec command tree: "bench wals --users 0" gives bench, wals.</summary>
    private static IEnumerable<string> CommandPath(string[] args)
    {
        System.CommandLine.Command command = VrecApp.Create();
        foreach (var arg in args)
        {
            var sub = command.Subcommands.FirstOrDefault(c => c.Name == arg);
            if (sub is null)
            {
                yield break;
            }

            yield return arg;
            command = sub;
        }
    }
}
