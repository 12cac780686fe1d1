using System.Diagnostics;
using System.Text;

namespace VideoRec.Local.Tests.Support;

/// <summary>What a finished <c>vrec</c> child process returned and printed.</summary>
public sealed record ProcessResult(int ExitCode, string Out, string Err)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Out}\n--- stderr ---\n{Err}";
}

/// <summary><c>vrec</c> run as a child process (<c>dotnet vrec.dll …</c>), so that it can be killed like a real crash.</summary>
public sealed class VrecProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _out = new();
    private readonly StringBuilder _err = new();

    private VrecProcess(string[] args)
    {
        var start = new ProcessStartInfo(DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(VrecDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["NO_COLOR"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Append(_out, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_err, e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>vrec.dll: copied next to the tests by the project reference, else the CLI's own build output.</summary>
    public static string VrecDll { get; } = FindVrec();

    public bool HasExited => _process.HasExited;

    public static VrecProcess Start(params string[] args) => new(args);

    /// <summary>Runs to the end (at most <paramref name="timeout"/>).</summary>
    public static async Task<ProcessResult> RunAsync(TimeSpan timeout, params string[] args)
    {
        using var process = Start(args);
        return await process.WaitAsync(timeout);
    }

    /// <summary>Waits for the process to exit by itself; kills it and fails after <paramref name="timeout"/>.</summary>
    public async Task<ProcessResult> WaitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            Assert.Fail($"vrec did not finish within {timeout}.\n{Result()}");
        }

        _process.WaitForExit(); // flushes the asynchronous output readers
        return Result();
    }

    /// <summary>Kills the process and everything it started, as a crash would, and waits until it is gone.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }

        _process.WaitForExit();
    }

    public ProcessResult Result()
    {
        lock (_out)
        {
            return new ProcessResult(_process.HasExited ? _process.ExitCode : -1, _out.ToString(), _err.ToString());
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }

    private void Append(StringBuilder target, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_out)
        {
            target.AppendLine(line);
        }
    }

    private static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private static string FindVrec()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "vrec.dll");
        if (File.Exists(beside) && File.Exists(Path.Combine(AppContext.BaseDirectory, "vrec.runtimeconfig.json")))
        {
            return beside;
        }

#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Serverless.sln")))
        {
            directory = directory.Parent;
        }

        var built = directory is null ? null : Path.Combine(directory.FullName, "tools", "VideoRec.Cli", "bin", configuration, "net10.0", "vrec.dll");
        return built is not null && File.Exists(built)
            ? built
            : throw new FileNotFoundException($"vrec.dll was found neither in {AppContext.BaseDirectory} nor at {built}.");
    }
}
