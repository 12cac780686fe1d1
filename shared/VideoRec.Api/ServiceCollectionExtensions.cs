using Microsoft.Extensions.DependencyInjection;
using VideoRec.Core.Bundles;
using VideoRec.Core.Embeddings;
using VideoRec.Core.Ingestion;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using VideoRec.Api.Resilience;
using VideoRec.Core.Pipeline;
using VideoRec.Core.Serving;
using VideoRec.Core.Serving.Recommend;
using VideoRec.Core.Online;

namespace VideoRec.Api;

/// <summary>DI registration of the serving path.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers the recommendation handler over the bundle at <paramref name="modelPath"/> (a bundle directory or a
    /// model folder with CURRENT), loaded once when first needed.
    /// </summary>
    public static IServiceCollection AddRecommendationServing(this IServiceCollection services, string modelPath, ServingOptions? options = null,
        ServingModelOptions? serving = null)
    {
        services.AddSingleton<IModelBundleProvider>(_ => new FixedModelBundleProvider(ModelBundle.Load(modelPath)));
        return services.AddRecommendationServing(options, serving);
    }

    /// <summary>
    /// Registers the recommend path over an already registered <see cref="IModelBundleProvider"/>: the serving model
    /// host (hot swap), its builder over the registered <see cref="IServingIndexProvider"/> (exact when none is), the
    /// recommendation handler, and <see cref="ServingBackgroundService"/> (builds the first model at start and refreshes
    /// activity from a registered <see cref="IActivityFeed"/>). The feature store, when registered, is read through
    /// <see cref="ResilientServingStore"/> and every index through <see cref="ResilientVectorIndex"/>. A registered
    /// <c>Func&lt;ModelBundle, TwoTowerServing?&gt;</c> adds the two-tower source; a registered
    /// <c>Func&lt;ServingModel, ICandidateScorer&gt;</c> replaces the WALS scorer.
    /// </summary>
    /// <exception cref="ArgumentException">A setting is invalid (every problem named).</exception>
    /// <param name="services">The services.</param>
    /// <param name="options">Limits of k.</param>
    /// <param name="serving">Serving settings; defaults when <c>null</c>.</param>
    /// <param name="resilience">Timeouts and breakers; defaults when <c>null</c>.</param>
    /// <param name="experiment">An A/B experiment whose arms serve (each its own pipeline configuration); <c>null</c> serves one configuration.
    /// A registered <see cref="IImpressionLog"/> records every served page with its arm.</param>
    public static IServiceCollection AddRecommendationServing(this IServiceCollection services, ServingOptions? options = null,
        ServingModelOptions? serving = null, ServingResilienceOptions? resilience = null, ExperimentOptions? experiment = null)
    {
        services.AddSingleton(options ?? new ServingOptions());
        services.AddSingleton((serving ?? new ServingModelOptions()).EnsureValid());
        var resilienceOptions = resilience ?? new ServingResilienceOptions();
        if (resilienceOptions.Validate() is { Count: > 0 } problems)
        {
            throw new ArgumentException("Invalid resilience settings:" + Environment.NewLine + string.Join(Environment.NewLine, problems));
        }

        services.AddSingleton(resilienceOptions);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IServingIndexProvider, ExactServingIndexProvider>();
        services.AddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<ServingResilienceOptions>();
            var indexes = new ResilientIndexProvider(sp.GetRequiredService<IServingIndexProvider>(), settings.Build(settings.IndexTimeoutMs));
            return new ServingModelBuilder(sp.GetRequiredService<ServingModelOptions>(), indexes,
                sp.GetService<Func<ModelBundle, TwoTowerServing?>>(), sp.GetService<Func<ServingModel, ICandidateScorer>>());
        });
        services.AddSingleton(sp => new ServingModelHost(sp.GetRequiredService<IModelBundleProvider>(), sp.GetRequiredService<ServingModelBuilder>(),
            logger: sp.GetService<ILogger<ServingModelHost>>()));
        if (experiment is not null)
        {
            // Validated here, so a bad experiment stops the host at start with every problem named.
            _ = new ExperimentAssignment(experiment);
            services.AddSingleton(sp =>
            {
                var settings = sp.GetRequiredService<ServingResilienceOptions>();
                return new ExperimentServing(experiment, sp.GetRequiredService<IModelBundleProvider>(), sp.GetRequiredService<ServingModelOptions>(),
                    new ResilientIndexProvider(sp.GetRequiredService<IServingIndexProvider>(), settings.Build(settings.IndexTimeoutMs)),
                    sp.GetService<Func<ModelBundle, TwoTowerServing?>>(), sp.GetService<Func<ServingModel, ICandidateScorer>>(), sp.GetService<ILoggerFactory>());
            });
        }
        services.AddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<ServingResilienceOptions>();
            var store = sp.GetService<IFeatureStore>() is { } inner ? new ResilientServingStore(inner, settings.Build(settings.StoreTimeoutMs)) : null;
            return new RecommendationHandler(sp.GetRequiredService<ServingModelHost>(), sp.GetRequiredService<ServingOptions>(), sp.GetRequiredService<ServingModelOptions>(),
                store, sp.GetService<IngestionRules>()?.Vectors, sp.GetRequiredService<TimeProvider>(), sp.GetService<ILogger<RecommendationHandler>>(),
                sp.GetService<ExperimentServing>(), sp.GetService<IImpressionLog>());
        });
        services.AddSingleton(sp => sp.GetService<IActivityFeed>() is { } feed
            ? new ActivityRefresher(sp.GetRequiredService<ServingModelHost>(), feed, sp.GetRequiredService<ServingModelOptions>(), sp.GetRequiredService<TimeProvider>(),
                sp.GetService<ILogger<ActivityRefresher>>(), sp.GetService<ExperimentServing>())
            : null!);
        services.AddHostedService<ServingBackgroundService>();
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
