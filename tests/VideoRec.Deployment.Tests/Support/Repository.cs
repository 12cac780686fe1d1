using System.Reflection;

namespace VideoRec.Deployment.Tests.Support;

/// <summary>Paths in the repository this test assembly was built from.</summary>
internal static class Repository
{
    private static string Metadata(string key) =>
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"Assembly metadata {key} is missing.");

    /// <summary>The repository root (where Serverless.sln is).</summary>
    public static string Root { get; } = Metadata("RepositoryRoot");

    /// <summary>The Bicep CLI version the project pins.</summary>
    public static string BicepVersion { get; } = Metadata("BicepVersion");

    /// <summary>The infra-bicep folder.</summary>
    public static string Infra => Path.Combine(Root, "infra-bicep");

    /// <summary>The build configuration of this assembly (Debug or Release), which the function app was built with too.</summary>
    public static string Configuration { get; } =
        typeof(Repository).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";

    /// <summary>The function app's build output folder.</summary>
    public static string FunctionsOutput => Path.Combine(Root, "functions", "VideoRec.Functions", "bin", Configuration, "net10.0");
}
