using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VideoRec.Api;
using VideoRec.Core.CandidateGeneration;
using VideoRec.Core.CandidateGeneration.Index;
using VideoRec.Core.Serving.Recommend;
using VideoRec.Core.Bundles;
using VideoRec.Core.Bundles.Publishing;
using VideoRec.Core.Serving;
using Azure.Core;
using Azure.Identity;
using VideoRec.Azure;
using VideoRec.Azure.Cosmos;
using VideoRec.Azure.Embeddings;
using VideoRec.Azure.Search;
using VideoRec.Azure.Queues;
using VideoRec.Local;
using VideoRec.Scoring.Serving;

namespace VideoRec.Functions;

/// <summary>The function app's DI: adapters chosen by <see cref="FunctionSettings"/>, validated at start-up.</summary>
public static class FunctionServices
{
    /// <summary>
    /// The settings from <paramref name="configuration"/>: section <c>VideoRec</c>, where <c>QueueConnection</c> is either
    /// a connection string or a section with <c>queueServiceUri</c> (the identity-based form the trigger binding reads).
    /// </summary>
    public static FunctionSettings Read(IConfiguration configuration)
    {
        var section = configuration.GetSection(FunctionSettings.Section);
        var settings = section.Get<FunctionSettings>() ?? new FunctionSettings();
        ReadQueueConnection(settings, section);
        return settings;
    }

    /// <summary>Sets the two forms of <c>VideoRec:QueueConnection</c>, which the binder leaves alone.</summary>
    private static void ReadQueueConnection(FunctionSettings settings, IConfiguration section)
    {
        settings.QueueConnection ??= section["QueueConnection"];
        settings.QueueServiceUri ??= section["QueueConnection:queueServiceUri"];
    }

    /// <summary>Registers settings (validated on start, naming every missing setting), adapters, serving and ingestion.</summary>
    public static IServiceCollection AddVideoRecFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<FunctionSettings>()
            .Bind(configuration.GetSection(FunctionSettings.Section))
            .PostConfigure(s => ReadQueueConnection(s, configuration.GetSection(FunctionSettings.Section)))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var settings = Read(configuration);
        var credential = new Lazy<TokenCredential>(() => new DefaultAzureCredential(new DefaultAzureCredentialOptions
        {
            ManagedIdentityClientId = string.IsNullOrWhiteSpace(settings.ManagedIdentityClientId) ? null : settings.ManagedIdentityClientId,
        }));
        AddModelBundles(services, settings, credential);
        if (settings.Store == "Sqlite")
        {
            services.AddSqliteFeatureStore(settings.DatabasePath, includeQueue: settings.Queue == "Sqlite");
            // The impression log has an embedded implementation only: with Cosmos, GET /api/metrics cannot resolve it yet.
            services.AddSqliteImpressionLog();
        }
        // Blank or malformed values register nothing here: validation on start names them instead of a client constructor failing.
        var cosmosConnection = string.IsNullOrWhiteSpace(settings.CosmosConnection) ? null : settings.CosmosConnection;
        if (settings.Store == "Cosmos" && (cosmosConnection is not null || FunctionSettings.IsAbsoluteUri(settings.CosmosEndpoint)))
        {
            services.AddCosmosFeatureStore(cosmosConnection,
                cosmosConnection is null ? new Uri(settings.CosmosEndpoint!) : null,
                cosmosConnection is null ? credential.Value : null,
                new CosmosFeatureStoreOptions { DatabaseName = settings.CosmosDatabase });
        }

        var queueConnection = string.IsNullOrWhiteSpace(settings.QueueConnection) ? null : settings.QueueConnection;
        if (settings.Queue == "StorageQueue" && (queueConnection is not null || FunctionSettings.IsAbsoluteUri(settings.QueueServiceUri)))
        {
            services.AddStorageQueue(queueConnection,
                queueConnection is null ? new Uri(settings.QueueServiceUri!) : null,
                queueConnection is null ? credential.Value : null,
                new StorageQueueOptions { QueueName = settings.EventQueue, PoisonQueueName = settings.EventQueue + "-poison" });
        }

        AddTextEmbeddings(services, settings, cosmosConnection, queueConnection, credential);
        if (settings.VectorIndex == "AzureSearch" && FunctionSettings.IsAbsoluteUri(settings.SearchEndpoint))
        {
            services.AddAzureSearchVectorIndex(
                new AzureSearchOptions { Endpoint = new Uri(settings.SearchEndpoint!), IndexName = settings.SearchIndex, Dimensions = settings.SearchDimensions },
                string.IsNullOrWhiteSpace(settings.SearchApiKey) ? credential.Value : null,
                string.IsNullOrWhiteSpace(settings.SearchApiKey) ? null : settings.SearchApiKey);
        }

        // Serving indexes: HNSW built in each instance from the bundle (saved beside it, reopened memory-mapped); with
        // Azure AI Search, the WALS space is searched there instead, kept in step with the served bundle.
        services.AddEmbeddedVectorIndexes();
        services.AddSingleton<Func<ModelBundle, TwoTowerServing?>>(VideoRec.TwoTower.Serving.TwoTowerServingLoader.Load);
        // A bundle with a ranker/ folder is scored by its ranker (ONNX Runtime); any other by WALS.
        services.AddRankerScoring();
        if (settings.VectorIndex == "AzureSearch")
        {
            services.AddSingleton<IServingIndexProvider>(sp => sp.GetService<IVideoVectorIndex>() is { } search
                ? new SharedIndexProvider(search, CandidateSources.Wals, sp.GetRequiredService<VideoRec.Local.VectorIndex.EmbeddedServingIndexProvider>())
                : sp.GetRequiredService<VideoRec.Local.VectorIndex.EmbeddedServingIndexProvider>());
        }

        // Traces and metrics of the recommend pipeline: OTLP when the app sets OTEL_EXPORTER_OTLP_ENDPOINT (such as an
        // OpenTelemetry collector forwarding to Application Insights), else collected for in-process listeners only.
        services.AddRecommendTelemetry(string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT")) ? TelemetryExporter.None : TelemetryExporter.Otlp);
        // Serving settings, resilience and an A/B experiment from configuration (app settings such as
        // VideoRec__Serving__ProfileBudgetMs, VideoRec__Experiment__Arms__0__Name); invalid values stop the app at start, each named.
        var serving = configuration.GetSection(ServingModelOptions.Section).Get<ServingModelOptions>() ?? new ServingModelOptions();
        var resilience = configuration.GetSection(VideoRec.Api.Resilience.ServingResilienceOptions.Section).Get<VideoRec.Api.Resilience.ServingResilienceOptions>();
        var experiment = configuration.GetSection(VideoRec.Core.Online.ExperimentOptions.Section).Get<VideoRec.Core.Online.ExperimentOptions>();
        services.AddRecommendationServing(serving: serving, resilience: resilience, experiment: string.IsNullOrEmpty(experiment?.Name) && experiment?.Arms is not { Count: > 0 } ? null : experiment);
        services.AddIngestion();
        services.AddOnlineMetrics();
        return services;
    }

    /// <summary>
    /// The served bundle, swappable, and when <c>VideoRec:ModelSource</c> names a source, the publisher the
    /// <c>PublishModelBundle</c> timer and <see cref="ModelBundleRefreshService"/> use: the first bundle then comes from
    /// the local cache (<c>VideoRec:ModelPath</c>) or, when it has none, is downloaded from the source at start-up.
    /// </summary>
    private static void AddModelBundles(IServiceCollection services, FunctionSettings settings, Lazy<TokenCredential> credential)
    {
        var hasSource = false;
        if (settings.ModelSource == "Folder" && !string.IsNullOrWhiteSpace(settings.ModelSourcePath))
        {
            services.AddSingleton<IModelBundleSource>(new FolderModelBundleSource(settings.ModelSourcePath));
            hasSource = true;
        }
        else if (settings.ModelSource == "Blob" && FunctionSettings.IsAbsoluteUri(settings.ModelContainerUri))
        {
            services.AddBlobModelBundleSource(new Uri(settings.ModelContainerUri!), credential.Value);
            hasSource = true;
        }

        if (hasSource)
        {
            services.AddSingleton(sp => new ModelBundlePublisher(sp.GetRequiredService<IModelBundleSource>(),
                sp.GetRequiredService<IOptions<FunctionSettings>>().Value.ModelPath));
            services.AddHostedService<ModelBundleRefreshService>();
        }

        services.AddSingleton(sp =>
        {
            var modelPath = sp.GetRequiredService<IOptions<FunctionSettings>>().Value.ModelPath;
            var bundle = sp.GetService<ModelBundlePublisher>() is { } publisher
                ? publisher.LoadAsync(CancellationToken.None).GetAwaiter().GetResult() // once, at the first request's resolution
                : ModelBundle.Load(modelPath);
            return new SwappableModelBundleProvider(bundle);
        });
        services.AddSingleton<IModelBundleProvider>(sp => sp.GetRequiredService<SwappableModelBundleProvider>());
    }

    /// <summary>
    /// The embedding store beside the feature store, the refresh queue beside the event queue, and the generator chosen
    /// by <c>VideoRec:Embeddings</c>; nothing when it is <c>None</c> (ingestion then queues no refresh).
    /// </summary>
    private static void AddTextEmbeddings(IServiceCollection services, FunctionSettings settings, string? cosmosConnection, string? queueConnection, Lazy<TokenCredential> credential)
    {
        if (settings.Embeddings is not ("MiniLm" or "AzureOpenAI"))
        {
            return;
        }

        if (settings.Store == "Sqlite")
        {
            services.AddSqliteEmbeddingStore(); // also the SQLite refresh queue, replaced below when the queue is a storage queue
        }
        else if (settings.Store == "Cosmos" && (cosmosConnection is not null || FunctionSettings.IsAbsoluteUri(settings.CosmosEndpoint)))
        {
            services.AddCosmosEmbeddingStore(cosmosConnection,
                cosmosConnection is null ? new Uri(settings.CosmosEndpoint!) : null,
                cosmosConnection is null ? credential.Value : null,
                new CosmosFeatureStoreOptions { DatabaseName = settings.CosmosDatabase });
        }

        if (settings.Queue == "StorageQueue" && (queueConnection is not null || FunctionSettings.IsAbsoluteUri(settings.QueueServiceUri)))
        {
            services.AddStorageEmbeddingRefreshQueue(queueConnection,
                queueConnection is null ? new Uri(settings.QueueServiceUri!) : null,
                queueConnection is null ? credential.Value : null,
                new StorageQueueOptions { QueueName = settings.EmbeddingQueue, PoisonQueueName = settings.EmbeddingQueue + "-poison" });
        }

        if (settings.Embeddings == "MiniLm")
        {
            services.AddMiniLmEmbeddings();
        }
        else if (FunctionSettings.IsAbsoluteUri(settings.OpenAIEndpoint) && !string.IsNullOrWhiteSpace(settings.OpenAIDeployment))
        {
            var apiKey = string.IsNullOrWhiteSpace(settings.OpenAIApiKey) ? null : settings.OpenAIApiKey;
            services.AddAzureOpenAIEmbeddings(
                new AzureOpenAIEmbeddingOptions { Endpoint = new Uri(settings.OpenAIEndpoint!), Deployment = settings.OpenAIDeployment!, Dimensions = settings.OpenAIDimensions },
                apiKey is null ? credential.Value : null, apiKey);
        }

        services.AddEmbeddingRefresh();
    }
}
