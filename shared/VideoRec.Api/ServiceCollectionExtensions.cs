using Microsoft.Extensions.DependencyInjection;
using VideoRec.Core.Bundles;
using VideoRec.Core.Embeddings;
using VideoRec.Core.Ingestion;
using VideoRec.Core.Serving;

namespace VideoRec.Api;

/// <summary>DI registration of the serving path.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers the recommendation handler over the bundle at <paramref name="modelPath"/> (a bundle directory or a
    /// model folder with CURRENT), loaded once when first needed.
    /// </summary>
    public static IServiceCollection AddRecommendationServing(this IServiceCollection services, string modelPath, ServingOptions? options = null)
    {
        services.AddSingleton<IModelBundleProvider>(_ => new FixedModelBundleProvider(ModelBundle.Load(modelPath)));
        return services.AddRecommendationServing(options);
    }

    /// <summary>
    /// Registers the recommendation handler over an already registered <see cref="IModelBundleProvider"/> (and the
    /// <see cref="IFeatureStore"/>, when one is registered, for fresh vectors and histories).
    /// </summary>
    public static IServiceCollection AddRecommendationServing(this IServiceCollection services, ServingOptions? options = null)
    {
        services.AddSingleton(options ?? new ServingOptions());
        services.AddSingleton(sp => new RecommendationHandler(
            sp.GetRequiredService<IModelBundleProvider>(), sp.GetRequiredService<ServingOptions>(), sp.GetService<IFeatureStore>(),
            sp.GetService<IngestionRules>()?.Vectors));
        services.AddProblemDetails();
        return services;
    }

    /// <summary>
    /// Registers ingestion over an already registered <see cref="IFeatureStore"/>, <see cref="IEventQueue"/> and
    /// <see cref="IPoisonSink"/>: the HTTP handler, the batch processor, and the WALS fold-in refresher when an
    /// <see cref="IModelBundleProvider"/> is registered.
    /// </summary>
    public static IServiceCollection AddIngestion(this IServiceCollection services, IngestionOptions? options = null)
    {
        services.AddSingleton(options ?? new IngestionOptions());
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new IngestionRules(
            sp.GetRequiredService<IngestionOptions>(),
            sp.GetService<IModelBundleProvider>() is { } bundles ? new WalsFoldInRefresher(bundles) : null));
        services.AddSingleton(sp => new IngestionHandler(
            sp.GetRequiredService<IFeatureStore>(), sp.GetRequiredService<IEventQueue>(), sp.GetRequiredService<IngestionOptions>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IngestionRules>().Vectors, Triggers(sp)));
        services.AddSingleton(sp => new EventBatchProcessor(
            sp.GetRequiredService<IFeatureStore>(), sp.GetRequiredService<IngestionRules>(), sp.GetRequiredService<IPoisonSink>(),
            sp.GetService<Microsoft.Extensions.Logging.ILogger<EventBatchProcessor>>(), sp.GetService<IEmbeddingRefreshQueue>()));
        services.AddProblemDetails();
        return services;
    }

    /// <summary>
    /// Registers the embedding refresh handler (ARCHITECTURE, "Ingest": triggers refresh text embeddings) over an
    /// already registered <see cref="IFeatureStore"/>, <see cref="IEmbeddingStore"/> and embedding generator.
    /// </summary>
    public static IServiceCollection AddEmbeddingRefresh(this IServiceCollection services, EmbeddingOptions? options = null)
    {
        services.AddSingleton((options ?? new EmbeddingOptions()).Validate());
        services.AddSingleton(sp => new EmbeddingRefreshHandler(
            sp.GetRequiredService<IFeatureStore>(), sp.GetRequiredService<IEmbeddingStore>(),
            sp.GetRequiredService<Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>>(), sp.GetRequiredService<EmbeddingOptions>()));
        return services;
    }

    /// <summary>The embedding triggers when both a refresh queue and an embedding store are registered.</summary>
    private static EmbeddingTriggers? Triggers(IServiceProvider services) =>
        services.GetService<IEmbeddingRefreshQueue>() is { } queue && services.GetService<IEmbeddingStore>() is { } store ? new EmbeddingTriggers(queue, store) : null;
}
