using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Azure.Storage.Queues;
using VideoRec.Azure.Queues;

namespace VideoRec.Tests.Support;

/// <summary>
/// An Azurite queue service for the storage queue tests. In order: the endpoint in <c>AZURITE_QUEUE_ENDPOINT</c> (CI
/// starts Azurite), else one already listening on 127.0.0.1:10001, else an <c>azurite-queue</c> this fixture starts
/// on a free port (from <c>.tools/azurite</c> in the repository, else from PATH, else installed there with npm) and
/// stops at the end. Always the well-known development account <c>devstoreaccount1</c>.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public const string AccountName = "devstoreaccount1";

    /// <summary>Azurite's published development key (not a secret).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>
    /// The Azurite release installed when none is found: the newest whose package declares support for Node 20 (the
    /// machine's Node; 3.36 and later ask for Node 21+).
    /// </summary>
    public const string AzuriteVersion = "3.35.0";

    private readonly StringBuilder _output = new();
    private Process? _process;
    private string? _workspace;

    /// <summary>The queue endpoint, such as <c>http://127.0.0.1:10001/devstoreaccount1</c>.</summary>
    public string Endpoint { get; private set; } = "";

    /// <summary>How the endpoint was found, for failure messages.</summary>
    public string Origin { get; private set; } = "";

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};QueueEndpoint={Endpoint};";

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("AZURITE_QUEUE_ENDPOINT") is { Length: > 0 } configured)
        {
            Endpoint = configured.TrimEnd('/');
            Origin = "AZURITE_QUEUE_ENDPOINT";
            return;
        }

        if (await ListensAsync(10001))
        {
            Endpoint = $"http://127.0.0.1:10001/{AccountName}";
            Origin = "already listening on 127.0.0.1:10001";
            return;
        }

        var executable = FindAzurite() ?? await InstallAzuriteAsync();
        var port = FreePort();
        _workspace = Path.Combine(Path.GetTempPath(), "vrec-azurite-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_workspace);
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "--queueHost", "127.0.0.1", "--queuePort", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--skipApiVersionCheck", "--silent", "--disableTelemetry", "--location", _workspace,
                 })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Origin = $"started {executable} on port {port}";

        var deadline = Stopwatch.StartNew();
        while (!await ListensAsync(port))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Azurite exited with code {_process.ExitCode} before listening: {Output()}");
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"Azurite did not listen on port {port} within 60 s: {Output()}");
            }

            await Task.Delay(100);
        }

        Endpoint = $"http://127.0.0.1:{port}/{AccountName}";
    }

    public Task DisposeAsync()
    {
        if (_process is { } process)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(10_000);
                }
            }
            catch (InvalidOperationException)
            {
            }

            process.Dispose();
        }

        if (_workspace is not null)
        {
            try
            {
                Directory.Delete(_workspace, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>A queue service client as the application builds one (Base64 messages, our retries only).</summary>
    public QueueServiceClient Service() => StorageQueueEventQueue.CreateServiceClient(ConnectionString);

    /// <summary>Queue options with unique names (lower case, 3–63 characters) and short retry delays.</summary>
    public static StorageQueueOptions UniqueOptions(string prefix)
    {
        var name = $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 56)].ToLowerInvariant();
        return new StorageQueueOptions { QueueName = name, PoisonQueueName = name + "-poison", RetryDelay = TimeSpan.FromMilliseconds(50) };
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    private static async Task<bool> ListensAsync(int port)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string ToolsFolder() => Path.Combine(RepositoryRoot(), ".tools", "azurite");

    private static string? FindAzurite()
    {
        var local = Path.Combine(ToolsFolder(), "node_modules", ".bin", "azurite-queue");
        if (File.Exists(local))
        {
            return local;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, "azurite-queue"))
            .FirstOrDefault(File.Exists);
    }

    private static async Task<string> InstallAzuriteAsync()
    {
        var folder = ToolsFolder();
        Directory.CreateDirectory(folder);
        var install = new ProcessStartInfo("npm")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "install", "--prefix", folder, $"azurite@{AzuriteVersion}", "--save-exact", "--no-audit", "--no-fund" })
        {
            install.ArgumentList.Add(argument);
        }

        using var npm = Process.Start(install) ?? throw new InvalidOperationException("Could not start npm to install Azurite.");
        var stdout = npm.StandardOutput.ReadToEndAsync();
        var stderr = npm.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await npm.WaitForExitAsync(timeout.Token);
        if (npm.ExitCode != 0)
        {
            throw new InvalidOperationException($"npm install azurite@{AzuriteVersion} failed with exit code {npm.ExitCode}: {await stdout}{await stderr}");
        }

        return FindAzurite() ?? throw new InvalidOperationException($"npm installed Azurite but {folder}/node_modules/.bin/azurite-queue is missing.");
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Serverless.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No Serverless.sln above {AppContext.BaseDirectory}.");
    }
}
