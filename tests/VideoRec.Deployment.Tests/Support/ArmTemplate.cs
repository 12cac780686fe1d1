using System.Text.Json.Nodes;

namespace VideoRec.Deployment.Tests.Support;

/// <summary>main.bicep compiled to ARM JSON once per test run, with ways to walk its nested module templates.</summary>
public sealed class ArmTemplate
{
    /// <summary>
    /// Three CLI runs, side by side (each pays the CLI's start-up): <c>build main.bicep</c>, <c>lint</c> of every Bicep
    /// and parameter file, and <c>build-params</c> of every parameter file into a temporary folder.
    /// </summary>
    public ArmTemplate()
    {
        var parametersOut = Directory.CreateTempSubdirectory("vrec-bicep-params-").FullName;
        try
        {
            var build = Task.Run(() => BicepCli.Run(Repository.Infra, "build", "main.bicep", "--stdout"));
            var lint = Task.Run(() => BicepCli.Run(Repository.Infra, "lint", "--pattern", "**/*.bicep*"));
            var parameters = Task.Run(() => BicepCli.Run(Repository.Infra, "build-params", "--pattern", "**/*.bicepparam", "--outdir", parametersOut));
            BuildResult = build.Result;
            LintResult = lint.Result;
            ParametersResult = parameters.Result;
            Parameters = Directory.EnumerateFiles(parametersOut, "*.json", SearchOption.AllDirectories).ToDictionary(
                f => Path.GetRelativePath(parametersOut, f).Replace('\\', '/'),
                f => JsonNode.Parse(File.ReadAllText(f))!["parameters"]!.AsObject());
        }
        finally
        {
            Directory.Delete(parametersOut, recursive: true);
        }

        Json = BuildResult.ExitCode == 0 ? JsonNode.Parse(BuildResult.Output)!.AsObject() : new JsonObject();
        Text = BuildResult.Output;
    }

    internal BicepResult BuildResult { get; }

    internal BicepResult LintResult { get; }

    internal BicepResult ParametersResult { get; }

    /// <summary>The parameters of each parameter file, by output path (<c>main.json</c>, <c>parameters/dev.json</c>, <c>parameters/prod.json</c>).</summary>
    public IReadOnlyDictionary<string, JsonObject> Parameters { get; }

    /// <summary>The compiled template.</summary>
    public JsonObject Json { get; }

    /// <summary>The compiled template as text.</summary>
    public string Text { get; }

    /// <summary>The nested deployment of module <paramref name="name"/> (its <c>name</c> in main.bicep).</summary>
    public JsonObject Module(string name) =>
        Resources(Json).SingleOrDefault(r => Type(r) == "Microsoft.Resources/deployments" && (string?)r["name"] == name)
        ?? throw new InvalidOperationException($"main.bicep has no module named '{name}'.");

    /// <summary>The template of module <paramref name="name"/>.</summary>
    public JsonObject ModuleTemplate(string name) => Module(name)["properties"]!["template"]!.AsObject();

    /// <summary>Every resource of every template, nested ones included, with the module it is in ("" for main).</summary>
    public IEnumerable<(string Module, JsonObject Resource)> AllResources() => Walk("", Json);

    private static IEnumerable<(string, JsonObject)> Walk(string module, JsonObject template)
    {
        foreach (var resource in Resources(template))
        {
            yield return (module, resource);
            if (Type(resource) == "Microsoft.Resources/deployments" && resource["properties"]?["template"] is JsonObject nested)
            {
                foreach (var inner in Walk((string)resource["name"]!, nested))
                {
                    yield return inner;
                }
            }
        }
    }

    /// <summary>The resources of one template (an array; a symbolic-name object in language version 2).</summary>
    public static IEnumerable<JsonObject> Resources(JsonObject template) => template["resources"] switch
    {
        JsonArray array => array.OfType<JsonObject>(),
        JsonObject symbolic => symbolic.Select(p => p.Value).OfType<JsonObject>(),
        _ => [],
    };

    /// <summary>A resource's type.</summary>
    public static string Type(JsonObject resource) => (string)resource["type"]!;
}

[CollectionDefinition(Name)]
public sealed class ArmCollection : ICollectionFixture<ArmTemplate>
{
    public const string Name = "ARM template";
}
