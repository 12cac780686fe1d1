using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using VideoRec.Azure.Cosmos;
using VideoRec.Deployment.Tests.Support;

namespace VideoRec.Deployment.Tests;

/// <summary>What the compiled ARM template deploys: the resources, the Cosmos DB containers the code expects, the roles, and no keys.</summary>
[Collection(ArmCollection.Name)]
public sealed partial class InfrastructureTests(ArmTemplate template)
{
    [Fact]
    public void Every_service_of_the_design_is_deployed()
    {
        var types = template.AllResources().Select(r => ArmTemplate.Type(r.Resource)).ToHashSet();

        string[] expected =
        [
            "Microsoft.ManagedIdentity/userAssignedIdentities",
            "Microsoft.OperationalInsights/workspaces",
            "Microsoft.Insights/components",
            "Microsoft.Storage/storageAccounts",
            "Microsoft.Storage/storageAccounts/blobServices/containers",
            "Microsoft.Storage/storageAccounts/queueServices/queues",
            "Microsoft.DocumentDB/databaseAccounts",
            "Microsoft.DocumentDB/databaseAccounts/sqlDatabases",
            "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers",
            "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments",
            "Microsoft.Search/searchServices",
            "Microsoft.CognitiveServices/accounts",
            "Microsoft.CognitiveServices/accounts/deployments",
            "Microsoft.EventHub/namespaces",
            "Microsoft.EventHub/namespaces/eventhubs",
            "Microsoft.EventHub/namespaces/eventhubs/consumergroups",
            "Microsoft.Web/serverfarms",
            "Microsoft.Web/sites",
            "Microsoft.Authorization/roleAssignments",
        ];
        Assert.Empty(expected.Except(types));
    }

    [Fact]
    public void Function_app_runs_dotnet_isolated_10_on_flex_consumption_as_the_identity()
    {
        var resources = ArmTemplate.Resources(template.ModuleTemplate("functionapp")).ToList();
        var plan = resources.Single(r => ArmTemplate.Type(r) == "Microsoft.Web/serverfarms");
        var site = resources.Single(r => ArmTemplate.Type(r) == "Microsoft.Web/sites");
        var config = site["properties"]!["functionAppConfig"]!;

        Assert.Equal(("FlexConsumption", "FC1"), ((string?)plan["sku"]!["tier"], (string?)plan["sku"]!["name"]));
        Assert.Equal(("dotnet-isolated", "10.0"), ((string?)config["runtime"]!["name"], (string?)config["runtime"]!["version"]));
        Assert.Equal("UserAssigned", (string?)site["identity"]!["type"]);
        Assert.Equal("blobContainer", (string?)config["deployment"]!["storage"]!["type"]);
        Assert.Equal("UserAssignedIdentity", (string?)config["deployment"]!["storage"]!["authentication"]!["type"]);
        Assert.True((bool)site["properties"]!["httpsOnly"]!);
        // Always-ready instances of the HTTP group (where Recommend runs) come from the parameter; none when it is 0.
        var alwaysReady = (string)config["scaleAndConcurrency"]!["alwaysReady"]!;
        Assert.Contains("parameters('recommendAlwaysReadyInstances')", alwaysReady, StringComparison.Ordinal);
        Assert.Contains("'name', 'http'", alwaysReady, StringComparison.Ordinal);
        // Publishing with passwords is off.
        Assert.Equal(2, resources.Count(r => ArmTemplate.Type(r) == "Microsoft.Web/sites/basicPublishingCredentialsPolicies" && !(bool)r["properties"]!["allow"]!));
    }

    [Fact]
    public void Storage_has_the_deployment_and_model_containers_and_the_queues_the_app_reads()
    {
        var storage = template.Module("storage")["properties"]!["parameters"]!;
        var queues = storage["queueNames"]!["value"]!.AsArray().Select(q => (string)q!).ToList();
        var mainVariables = template.Json["variables"]!;

        Assert.Equal(["[variables('eventQueue')]", "[format('{0}-poison', variables('eventQueue'))]", "[variables('embeddingQueue')]", "[format('{0}-poison', variables('embeddingQueue'))]"], queues);
        Assert.Equal("events", (string?)mainVariables["eventQueue"]);
        Assert.Equal("embedding-refresh", (string?)mainVariables["embeddingQueue"]);
        Assert.Equal("models", (string?)mainVariables["modelContainer"]);
        var account = ArmTemplate.Resources(template.ModuleTemplate("storage")).Single(r => ArmTemplate.Type(r) == "Microsoft.Storage/storageAccounts");
        Assert.False((bool)account["properties"]!["allowSharedKeyAccess"]!);
        Assert.False((bool)account["properties"]!["allowBlobPublicAccess"]!);
    }

    [Fact]
    public void Cosmos_containers_are_the_ones_the_stores_define()
    {
        var declared = template.ModuleTemplate("cosmos")["variables"]!["containers"]!.AsArray().Select(c => c!.AsObject()).ToDictionary(c => (string)c["name"]!);
        var options = new CosmosFeatureStoreOptions();
        var code = CosmosDocuments.Containers(options).Concat(CosmosEmbeddingDocuments.Containers(options)).DistinctBy(c => c.Id).ToList();

        Assert.Equal(code.Select(c => c.Id).Order(), declared.Keys.Order());
        foreach (var container in code)
        {
            var bicep = declared[container.Id];
            Assert.Equal(container.PartitionKeyPath, (string?)bicep["partitionKey"]);
            Assert.Equal(container.DefaultTimeToLive, (int?)bicep["defaultTtl"]);
            // The module adds the etag exclusion to each list, as CosmosDocuments.Container does.
            Assert.Equal(container.IndexingPolicy.ExcludedPaths.Select(p => p.Path),
                bicep["excludedPaths"]!.AsArray().Select(p => (string)p!).Append("/\"_etag\"/?"));
            Assert.Equal(container.IndexingPolicy.CompositeIndexes.Select(c => string.Join(",", c.Select(p => p.Path))),
                bicep["compositeIndexes"]!.AsArray().Select(c => string.Join(",", c!.AsArray().Select(p => (string)p!))));
        }

        // Raw interactions expire (TTL on in userState); the catalogue never does.
        Assert.Equal(-1, (int)declared["userState"]["defaultTtl"]!);
        Assert.Null(declared["catalogue"]["defaultTtl"]);
        Assert.Equal("videorec", (string?)template.Json["variables"]!["cosmosDatabase"]);
        Assert.Equal(options.DatabaseName, (string?)template.Json["variables"]!["cosmosDatabase"]);
    }

    [Fact]
    public void The_identity_holds_each_data_role_on_its_resource()
    {
        var roles = template.ModuleTemplate("roles");
        var ids = roles["variables"]!["roles"]!.AsObject().ToDictionary(p => p.Key, p => (string)p.Value!);
        var assignments = ArmTemplate.Resources(roles).Where(r => ArmTemplate.Type(r) == "Microsoft.Authorization/roleAssignments")
            .Select(r => (Scope: ScopeType().Match((string)r["scope"]!).Groups[1].Value,
                Role: ids[RoleVariable().Match((string)r["properties"]!["roleDefinitionId"]!).Groups[1].Value],
                PrincipalType: (string?)r["properties"]!["principalType"]))
            .ToList();

        (string, string)[] expected =
        [
            ("Microsoft.Storage/storageAccounts", "b7e6dc6d-f1e8-4753-8033-0f276bb0955b"), // Storage Blob Data Owner
            ("Microsoft.Storage/storageAccounts", "974c5e8b-45b9-4653-ba55-5f855dd0fb88"), // Storage Queue Data Contributor
            ("Microsoft.Storage/storageAccounts", "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3"), // Storage Table Data Contributor
            ("Microsoft.Search/searchServices", "8ebe5a00-799e-43f5-93ac-243d3dce84a7"), // Search Index Data Contributor
            ("Microsoft.Search/searchServices", "7ca78c08-252a-4471-8644-bb5ff32d4ba0"), // Search Service Contributor
            ("Microsoft.CognitiveServices/accounts", "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd"), // Cognitive Services OpenAI User
            ("Microsoft.EventHub/namespaces", "2b629674-e913-4c01-ae53-ef4638d8f975"), // Azure Event Hubs Data Sender
            ("Microsoft.EventHub/namespaces", "a638d3c7-ab3a-418d-83e6-5f17a39d4fde"), // Azure Event Hubs Data Receiver
            ("Microsoft.Insights/components", "3913510d-42f4-4e42-8a64-420c390055eb"), // Monitoring Metrics Publisher
        ];
        Assert.Equal(expected.Order(), assignments.Select(a => (a.Scope, a.Role)).Order());
        Assert.All(assignments, a => Assert.Equal("ServicePrincipal", a.PrincipalType));

        var cosmos = ArmTemplate.Resources(roles).Single(r => ArmTemplate.Type(r) == "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments");
        Assert.Equal("[format('{0}/sqlRoleDefinitions/{1}', resourceId('Microsoft.DocumentDB/databaseAccounts', parameters('cosmosAccountName')), variables('cosmosDataContributor'))]",
            (string?)cosmos["properties"]!["roleDefinitionId"]);
        Assert.Equal("00000000-0000-0000-0000-000000000002", (string?)roles["variables"]!["cosmosDataContributor"]);
    }

    [Fact]
    public void No_key_is_read_and_every_service_refuses_keys()
    {
        foreach (var forbidden in new[] { "listKeys", "listConnectionStrings", "listAccountSas", "AccountKey=", "SharedAccessKey", "primaryKey", "primaryMasterKey" })
        {
            Assert.DoesNotContain(forbidden, template.Text, StringComparison.OrdinalIgnoreCase);
        }

        var resources = template.AllResources().Select(r => r.Resource).ToList();
        bool LocalAuthDisabled(string type, string property = "disableLocalAuth") =>
            (bool)resources.Single(r => ArmTemplate.Type(r) == type)["properties"]![property]!;
        Assert.True(LocalAuthDisabled("Microsoft.DocumentDB/databaseAccounts"));
        Assert.True(LocalAuthDisabled("Microsoft.Search/searchServices"));
        Assert.True(LocalAuthDisabled("Microsoft.CognitiveServices/accounts"));
        Assert.True(LocalAuthDisabled("Microsoft.EventHub/namespaces"));
        Assert.True(LocalAuthDisabled("Microsoft.Insights/components", "DisableLocalAuth"));
    }

    [GeneratedRegex(@"resourceId\('([^']+)'")]
    private static partial Regex ScopeType();

    [GeneratedRegex(@"variables\('roles'\)\.(\w+)")]
    private static partial Regex RoleVariable();
}
