using System.ClientModel;
using Azure.Core;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using VideoRec.Azure.Embeddings;

namespace VideoRec.Azure;

/// <summary>DI registration of the Azure OpenAI embedding generator.</summary>
public static class AzureOpenAIEmbeddingServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="AzureOpenAIEmbeddingGenerator"/> as the singleton
    /// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> of strings, authenticated by <paramref name="apiKey"/> when
    /// given, else by <paramref name="credential"/> (a managed identity). The retry waits use the registered
    /// <see cref="TimeProvider"/>, if any.
    /// </summary>
    /// <exception cref="ArgumentException">Neither an API key nor a credential is given, or a setting is missing or out of range.</exception>
    public static IServiceCollection AddAzureOpenAIEmbeddings(this IServiceCollection services, AzureOpenAIEmbeddingOptions options,
        TokenCredential? credential = null, string? apiKey = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (string.IsNullOrEmpty(apiKey) && credential is null)
        {
            throw new ArgumentException("Give an Azure OpenAI API key or a token credential (a managed identity).");
        }

        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp => string.IsNullOrEmpty(apiKey)
            ? new AzureOpenAIEmbeddingGenerator(options, credential!, sp.GetService<TimeProvider>())
            : new AzureOpenAIEmbeddingGenerator(options, new ApiKeyCredential(apiKey), sp.GetService<TimeProvider>()));
        return services;
    }
}
