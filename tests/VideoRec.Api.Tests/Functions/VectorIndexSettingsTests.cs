using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VideoRec.Azure.Search;
using VideoRec.Core.CandidateGeneration.Index;
using VideoRec.Functions;

namespace VideoRec.Api.Tests.Functions;

/// <summary>The candidate-generation vector index of the function app: embedded by default, Azure AI Search by setting.</summary>
public sealed class VectorIndexSettingsTests : FunctionAppTests
{
    private Dictionary<string, string?> Settings(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["VideoRec:ModelPath"] = Models(),
            ["VideoRec:Store"] = "Sqlite",
            ["VideoRec:DatabasePath"] = Path.Combine(Root, "store.db"),
            ["VideoRec:Queue"] = "Sqlite",
            ["VideoRec:Embeddings"] = "None",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    private static ServiceProvider Provider(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddVideoRecFunctions(Configuration(settings));
        return services.BuildServiceProvider();
    }

    [Fact]
    public void By_default_no_remote_index_is_registered()
    {
        using var provider = Provider(Settings());

        Assert.Equal("Embedded", provider.GetRequiredService<IOptions<FunctionSettings>>().Value.VectorIndex);
        Assert.Null(provider.GetService<IVideoVectorIndex>());
    }

    [Fact]
    public void Azure_search_registers_the_index_with_the_configured_name_and_dimensions()
    {
        using var provider = Provider(Settings(("VideoRec:VectorIndex", "AzureSearch"), ("VideoRec:SearchEndpoint", "https://example.search.windows.net"),
            ("VideoRec:SearchIndex", "videos-wals"), ("VideoRec:SearchDimensions", "65"), ("VideoRec:SearchApiKey", "not-a-real-key")));

        var index = Assert.IsType<AzureSearchVectorIndex>(provider.GetRequiredService<IVideoVectorIndex>());
        Assert.Equal((65, "azure-ai-search"), (index.Dimensions, index.Engine));
    }

    [Fact]
    public void Azure_search_settings_are_validated_naming_each()
    {
        using var provider = Provider(Settings(("VideoRec:VectorIndex", "AzureSearch"), ("VideoRec:SearchEndpoint", "search"),
            ("VideoRec:SearchIndex", "Videos_1"), ("VideoRec:SearchDimensions", "1")));

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<FunctionSettings>>().Value);

        Assert.Contains("VideoRec:SearchEndpoint (app setting VideoRec__SearchEndpoint) must be an absolute URI such as https://service.search.windows.net when VideoRec:VectorIndex is AzureSearch, found 'search'.", error.Message, StringComparison.Ordinal);
        Assert.Contains("VideoRec:SearchIndex must be an Azure AI Search index name (lower-case letters, digits and '-', not starting with '-', at most 128), found 'Videos_1'.", error.Message, StringComparison.Ordinal);
        Assert.Contains("VideoRec:SearchDimensions must be between 2 and 3072, found 1.", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, error.Failures.Count());
    }

    [Fact]
    public void An_unknown_vector_index_is_named()
    {
        using var provider = Provider(Settings(("VideoRec:VectorIndex", "Faiss")));

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<FunctionSettings>>().Value);

        Assert.Contains("VideoRec:VectorIndex (app setting VideoRec__VectorIndex) must be Embedded or AzureSearch, found 'Faiss'.", error.Message, StringComparison.Ordinal);
    }
}
