using Spectre.Console;

namespace VideoRec.Cli.Infrastructure;

/// <summary>
/// Prints a command for the user to copy: straight to the console's writer, never wrapped at the terminal width (a
/// wrapped command pastes as two broken ones) and without markup.
/// </summary>
public static class CopyableLine
{
    public static void Write(string line) => AnsiConsole.Profile.Out.Writer.WriteLine(line);
}
