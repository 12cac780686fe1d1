using Azure;
using Azure.Core;
using Microsoft.Extensions.DependencyInjection;
using VideoRec.Azure.Search;
using VideoRec.Core.CandidateGeneration.Index;

namespace VideoRec.Azure;

/// <summary>DI registration of the Azure AI Search vector index.</summary>
public static class AzureSearchServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="AzureSearchVectorIndex"/> as a singleton, as itself and as <see cref="IVideoVectorIndex"/>,
    /// authenticated by <paramref name="apiKey"/> when given (local development), else by <paramref name="credential"/>
    /// (a managed identity). With <paramref name="serviceKey"/> both registrations are keyed, so that several indexes
    /// (the two-tower and the WALS vectors, say) live side by side, each with its own <see cref="AzureSearchOptions.IndexName"/>.
    /// The retry waits use the registered <see cref="TimeProvider"/>, if any. The index is not created here: call
    /// <see cref="AzureSearchVectorIndex.EnsureIndexAsync"/> at deployment or start-up.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="options">Endpoint, index, schema, batching and retries.</param>
    /// <param name="credential">The identity, used when <paramref name="apiKey"/> is not given.</param>
    /// <param name="apiKey">An admin key of the service, or <c>null</c> to use <paramref name="credential"/>.</param>
    /// <param name="serviceKey">The key of keyed registrations, or <c>null</c> for unkeyed ones.</param>
    /// <exception cref="ArgumentException">Neither an API key nor a credential is given, or a setting is missing or out of range.</exception>
    public static IServiceCollection AddAzureSearchVectorIndex(this IServiceCollection services, AzureSearchOptions options,
        TokenCredential? credential = null, string? apiKey = null, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (string.IsNullOrWhiteSpace(apiKey) && credential is null)
        {
            throw new ArgumentException("Give an Azure AI Search API key or a token credential (a managed identity).");
        }

        AzureSearchVectorIndex Create(IServiceProvider sp) => string.IsNullOrWhiteSpace(apiKey)
            ? new AzureSearchVectorIndex(options, credential!, sp.GetService<TimeProvider>())
            : new AzureSearchVectorIndex(options, new AzureKeyCredential(apiKey), sp.GetService<TimeProvider>());

        if (serviceKey is null)
        {
            services.AddSingleton(Create);
            services.AddSingleton<IVideoVectorIndex>(sp => sp.GetRequiredService<AzureSearchVectorIndex>());
        }
        else
        {
            services.AddKeyedSingleton(serviceKey, (sp, _) => Create(sp));
            services.AddKeyedSingleton<IVideoVectorIndex>(serviceKey, (sp, key) => sp.GetRequiredKeyedService<AzureSearchVectorIndex>(key));
        }

        return services;
    }
}
