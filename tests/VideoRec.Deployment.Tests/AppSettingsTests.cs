using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using VideoRec.Deployment.Tests.Support;
using VideoRec.Functions;

namespace VideoRec.Deployment.Tests;

/// <summary>
/// The function app's settings as main.bicep writes them: identity-based connections only, and exactly what the
/// app's start-up validation and the trigger bindings need.
/// </summary>
[Collection(ArmCollection.Name)]
public sealed class AppSettingsTests(ArmTemplate template)
{
    /// <summary>Every app setting: the module's host settings and the application settings main.bicep passes in.</summary>
    private Dictionary<string, string> Settings()
    {
        var module = template.Module("functionapp");
        var host = module["properties"]!["template"]!["variables"]!["hostSettings"]!.AsObject();
        var application = module["properties"]!["parameters"]!["applicationSettings"]!["value"]!.AsObject();
        return host.Concat(application).ToDictionary(p => p.Key, p => Resolve(p.Value!));
    }

    /// <summary>A value, with <c>[variables('name')]</c> of main.bicep replaced by the variable's value.</summary>
    private string Resolve(JsonNode value)
    {
        if (value.GetValueKind() != JsonValueKind.String)
        {
            return value.ToJsonString();
        }

        var text = (string)value!;
        var variable = System.Text.RegularExpressions.Regex.Match(text, @"^\[variables\('(\w+)'\)\]$");
        return variable.Success ? (string)template.Json["variables"]![variable.Groups[1].Value]! : text;
    }

    [Fact]
    public void No_setting_holds_a_key_or_a_connection_string()
    {
        var settings = Settings();

        Assert.True(settings.Count >= 25, $"only {settings.Count} settings");
        foreach (var (name, value) in settings)
        {
            Assert.DoesNotMatch("(?i)(AccountKey|SharedAccessKey|ApiKey|Password|Secret|_KEY$|Key$)", name);
            Assert.DoesNotMatch("(?i)(AccountKey=|SharedAccessKey|listKeys|DefaultEndpointsProtocol|UseDevelopmentStorage)", value);
            if (name != "APPLICATIONINSIGHTS_CONNECTION_STRING")
            {
                Assert.DoesNotContain("ConnectionString", name, StringComparison.OrdinalIgnoreCase);
            }
        }

        // The one connection string is Application Insights', which only names the component: local auth is off there
        // and the identity authenticates (APPLICATIONINSIGHTS_AUTHENTICATION_STRING).
        Assert.Equal("[parameters('appInsightsConnectionString')]", settings["APPLICATIONINSIGHTS_CONNECTION_STRING"]);
        Assert.Equal("[format('ClientId={0};Authorization=AAD', parameters('identityClientId'))]", settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
        Assert.False(settings.ContainsKey("AzureWebJobsStorage"));
        Assert.False(settings.ContainsKey("VideoRec__OpenAIApiKey"));
        Assert.False(settings.ContainsKey("VideoRec__CosmosConnection"));
    }

    [Fact]
    public void Host_storage_and_queue_triggers_connect_with_the_managed_identity()
    {
        var settings = Settings();

        Assert.Equal("[parameters('storageAccountName')]", settings["AzureWebJobsStorage__accountName"]);
        Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"]);
        Assert.Equal("[parameters('identityClientId')]", settings["AzureWebJobsStorage__clientId"]);
        Assert.Equal("managedidentity", settings["VideoRec__QueueConnection__credential"]);
        Assert.Contains("outputs.clientId.value", settings["VideoRec__QueueConnection__clientId"], StringComparison.Ordinal);
        Assert.Contains("outputs.queueEndpoint.value", settings["VideoRec__QueueConnection__queueServiceUri"], StringComparison.Ordinal);
    }

    [Fact]
    public void Every_trigger_connection_of_the_function_app_has_its_identity_based_settings()
    {
        var settings = Settings();
        var connections = FunctionsMetadata.Load()
            .SelectMany(f => f.Bindings).Select(b => b.Connection).OfType<string>().Distinct().ToList();

        Assert.Equal(["VideoRec:QueueConnection"], connections);
        foreach (var connection in connections)
        {
            var prefix = connection.Replace(":", "__", StringComparison.Ordinal) + "__";
            Assert.Contains(prefix + "queueServiceUri", settings.Keys);
            Assert.Equal("managedidentity", settings[prefix + "credential"]);
            Assert.Contains(prefix + "clientId", settings.Keys);
        }
    }

    [Fact]
    public void The_settings_pass_the_function_apps_start_up_validation_in_azure_mode()
    {
        // ARM expressions stand for values known at deployment: endpoints become a URL, the rest a name.
        var values = Settings().ToDictionary(
            p => p.Key.Replace("__", ":", StringComparison.Ordinal),
            p => p.Value.StartsWith('[')
                ? (p.Key.EndsWith("Endpoint", StringComparison.Ordinal) || p.Key.EndsWith("Uri", StringComparison.Ordinal) ? "https://placeholder.example/" :
                   p.Key.EndsWith("Dimensions", StringComparison.Ordinal) ? "1536" : "placeholder")
                : p.Value);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values!).Build();

        var settings = FunctionServices.Read(configuration);
        var errors = new List<ValidationResult>();
        Validator.TryValidateObject(settings, new ValidationContext(settings), errors, validateAllProperties: true);

        Assert.Empty(errors.Select(e => e.ErrorMessage));
        Assert.Equal(("Cosmos", "StorageQueue", "AzureOpenAI", "Blob"), (settings.Store, settings.Queue, settings.Embeddings, settings.ModelSource));
        Assert.Equal("https://placeholder.example/", settings.QueueServiceUri);
        Assert.Null(settings.QueueConnection);
        Assert.Null(settings.OpenAIApiKey);
        Assert.Equal(("events", "embedding-refresh"), (settings.EventQueue, settings.EmbeddingQueue));
    }

    [Fact]
    public void Dropping_an_azure_setting_makes_start_up_validation_name_it()
    {
        // The same check with the Cosmos endpoint missing: the validation the previous test passes can fail.
        var values = Settings().Where(p => p.Key != "VideoRec__CosmosEndpoint").ToDictionary(
            p => p.Key.Replace("__", ":", StringComparison.Ordinal), p => (string?)(p.Value.StartsWith('[') ? "https://placeholder.example/" : p.Value));
        values["VideoRec:OpenAIDimensions"] = "1536";
        var settings = FunctionServices.Read(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        var errors = new List<ValidationResult>();

        Assert.False(Validator.TryValidateObject(settings, new ValidationContext(settings), errors, validateAllProperties: true));
        Assert.Contains("VideoRec__CosmosEndpoint", Assert.Single(errors).ErrorMessage, StringComparison.Ordinal);
    }
}
