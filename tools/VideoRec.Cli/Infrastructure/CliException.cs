namespace VideoRec.Cli.Infrastructure;

/// <summary>A user error the CLI reports as one line and exit code 2, without a stack trace.</summary>
public sealed class CliException(string message) : Exception(message);
