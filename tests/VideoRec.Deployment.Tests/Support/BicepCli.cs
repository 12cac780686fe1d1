using System.Diagnostics;

namespace VideoRec.Deployment.Tests.Support;

/// <summary>What one Bicep CLI call printed.</summary>
internal sealed record BicepResult(int ExitCode, string Output, string Errors);

/// <summary>
/// The Bicep CLI from the NuGet package <c>Azure.Bicep.CommandLine.linux-x64</c>, found in order: <c>BICEP_PATH</c>
/// (CI sets it), <c>.tools/bicep/bicep</c> in the repository, the NuGet package folder (restoring this project puts it
/// there), and otherwise restored into the package folder by a throwaway project, so the tests also run on a fresh
/// machine with nothing but the SDK and the package registry.
/// </summary>
internal static class BicepCli
{
    private const string PackageId = "Azure.Bicep.CommandLine.linux-x64";
    private static readonly Lazy<string> Located = new(Locate);

    /// <summary>The CLI's path.</summary>
    public static string Path => Located.Value;

    /// <summary>Runs the CLI with <paramref name="arguments"/> in <paramref name="workingDirectory"/>.</summary>
    public static BicepResult Run(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(Path) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The CLI is a .NET single-file app: no telemetry, no update check.
        start.Environment["BICEP_TELEMETRY_ENABLED"] = "false";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Path}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish in 2 minutes.");
        }

        return new BicepResult(process.ExitCode, output.Result, errors.Result);
    }

    private static string Locate()
    {
        var candidates = new[]
        {
            Environment.GetEnvironmentVariable("BICEP_PATH"),
            System.IO.Path.Combine(Repository.Root, ".tools", "bicep", "bicep"),
            PackagedCli(),
        };
        foreach (var candidate in candidates)
        {
            if (!string.IsNullOrWhiteSpace(candidate) && File.Exists(candidate))
            {
                return MakeExecutable(candidate);
            }
        }

        Restore();
        return File.Exists(PackagedCli()) ? MakeExecutable(PackagedCli())
            : throw new FileNotFoundException($"The Bicep CLI is not at {PackagedCli()} even after restoring {PackageId} {Repository.BicepVersion}.");
    }

    /// <summary>Where the package puts the CLI in the NuGet package folder.</summary>
    private static string PackagedCli()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } folder ? folder
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return System.IO.Path.Combine(packages, PackageId.ToLowerInvariant(), Repository.BicepVersion, "tools", "bicep");
    }

    /// <summary>NuGet does not keep the execute bit; the owner gets it back.</summary>
    private static string MakeExecutable(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute);
        }

        return path;
    }

    private static void Restore()
    {
        var directory = Directory.CreateTempSubdirectory("vrec-bicep-restore-").FullName;
        try
        {
            File.WriteAllText(System.IO.Path.Combine(directory, "bicep.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup><TargetFramework>net10.0</TargetFramework><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup>
                  <ItemGroup><PackageDownload Include="{PackageId}" Version="[{Repository.BicepVersion}]" /></ItemGroup>
                </Project>
                """);
            var start = new ProcessStartInfo("dotnet", ["restore", "bicep.csproj"]) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"dotnet restore of {PackageId} {Repository.BicepVersion} failed:\n{output}");
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
