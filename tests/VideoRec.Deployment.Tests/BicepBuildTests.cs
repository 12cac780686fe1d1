using System.Text.Json.Nodes;
using VideoRec.Deployment.Tests.Support;

namespace VideoRec.Deployment.Tests;

/// <summary>The Bicep CLI compiles main.bicep and every parameter file, and its linter (every rule an error) finds nothing.</summary>
[Collection(ArmCollection.Name)]
public sealed class BicepBuildTests(ArmTemplate template)
{
    [Fact]
    public void Main_template_builds_to_arm_json_with_no_diagnostics()
    {
        Assert.True(template.BuildResult.ExitCode == 0, template.BuildResult.Errors);
        Assert.Equal("", template.BuildResult.Errors.Trim());
        Assert.StartsWith("https://schema.management.azure.com/schemas/", (string?)template.Json["$schema"], StringComparison.Ordinal);
        Assert.Equal(9, ArmTemplate.Resources(template.Json).Count());
    }

    [Fact]
    public void Linter_finds_nothing_in_any_bicep_or_parameter_file()
    {
        Assert.True(template.LintResult.ExitCode == 0, template.LintResult.Output + template.LintResult.Errors);
        Assert.Equal("", (template.LintResult.Output + template.LintResult.Errors).Trim());
    }

    [Fact]
    public void Every_parameter_file_builds_with_no_diagnostics()
    {
        Assert.True(template.ParametersResult.ExitCode == 0, template.ParametersResult.Errors);
        Assert.Equal("", (template.ParametersResult.Output + template.ParametersResult.Errors).Trim());
        Assert.Equal(["main.json", "parameters/dev.json", "parameters/prod.json"], template.Parameters.Keys.Order());
    }

    [Fact]
    public void Linter_reports_a_finding_as_an_error_under_the_repository_config()
    {
        // A file beside a copy of bicepconfig.json with an unused parameter: the rule's default level is a warning.
        var directory = Directory.CreateTempSubdirectory("vrec-bicep-lint-").FullName;
        try
        {
            File.Copy(Path.Combine(Repository.Infra, "bicepconfig.json"), Path.Combine(directory, "bicepconfig.json"));
            File.WriteAllText(Path.Combine(directory, "probe.bicep"), "param unused string\n");

            var result = BicepCli.Run(directory, "lint", "probe.bicep");

            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("Error no-unused-params", result.Output + result.Errors, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Every_configured_linter_rule_is_an_error()
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.Infra, "bicepconfig.json")))!;
        var rules = config["analyzers"]!["core"]!["rules"]!.AsObject();

        Assert.True(rules.Count >= 30, $"only {rules.Count} rules configured");
        Assert.All(rules, rule => Assert.Equal("error", (string?)rule.Value!["level"]));
    }

    [Theory]
    [InlineData("parameters/dev.json", "dev", "Serverless", 0, "basic", 1)]
    [InlineData("parameters/prod.json", "prod", "Autoscale", 2, "standard", 2)]
    public void Parameter_files_build_with_their_sizing(string file, string environment, string cosmosMode, int alwaysReady, string searchSku, int searchPartitions)
    {
        var parameters = template.Parameters[file];

        Assert.Equal(environment, (string?)parameters["environmentName"]!["value"]);
        Assert.Equal(cosmosMode, (string?)parameters["cosmosCapacityMode"]!["value"]);
        Assert.Equal(alwaysReady, (int)parameters["recommendAlwaysReadyInstances"]!["value"]!);
        Assert.Equal(searchSku, (string?)parameters["searchSku"]!["value"]);
        Assert.Equal(searchPartitions, (int)parameters["searchPartitions"]!["value"]!);
    }

    [Fact]
    public void Production_sizing_matches_its_arithmetic()
    {
        var parameters = template.Parameters["parameters/prod.json"];

        // 1,000 events/s x 25 RU + 200 RU/s of reads + 1,000 RU/s of embeddings = 26,200, plus 15% headroom = 30,130.
        var throughput = (int)parameters["cosmosAutoscaleMaxThroughput"]!["value"]!;
        Assert.Equal(30000, throughput);
        Assert.InRange((1000 * 25 + 200 + 1000) * 1.15, throughput - 500, throughput + 500);
        // 1,000 events/s needs 1 throughput unit; 2 for headroom, auto-inflate to 10.
        Assert.Equal(2, (int)parameters["eventHubsThroughputUnits"]!["value"]!);
        Assert.Equal(10, (int)parameters["eventHubsMaximumThroughputUnits"]!["value"]!);
        Assert.Equal(3, (int)parameters["searchReplicas"]!["value"]!);
        Assert.Equal(4096, (int)parameters["functionInstanceMemoryMB"]!["value"]!);
    }

    [Fact]
    public void Default_parameter_file_is_the_dev_sizing_named_after_the_azd_environment()
    {
        var parameters = template.Parameters["main.json"];

        Assert.Equal(Environment.GetEnvironmentVariable("AZURE_ENV_NAME") ?? "dev", (string?)parameters["environmentName"]!["value"]);
        Assert.Equal("Serverless", (string?)parameters["cosmosCapacityMode"]!["value"]);
    }
}
