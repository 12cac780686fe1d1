using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VideoRec.Api;
using VideoRec.Core.Embeddings;
using VideoRec.Core.Ingestion;
using VideoRec.Core.Serving;
using VideoRec.Core.Serving.Recommend;
using VideoRec.Local;
using VideoRec.Scoring.Serving;

namespace VideoRec.Host;

/// <summary>Settings of the local host.</summary>
public sealed record LocalHostOptions
{
    /// <summary>A bundle directory, or a model folder with a CURRENT file.</summary>
    public required string ModelPath { get; init; }

    /// <summary>TCP port on 127.0.0.1; 0 picks a free one. Default 8080.</summary>
    public int Port { get; init; } = 8080;

    /// <summary>Minimum log level. Default <see cref="LogLevel.Warning"/>.</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Warning;

    /// <summary>
    /// The SQLite feature store (and, by default, queue table) file; <c>null</c> serves the bundle alone, without the
    /// ingestion and catalogue endpoints.
    /// </summary>
    public string? DatabasePath { get; init; }

    /// <summary>Whether this process also drains the event queue into the store (the local queue trigger). Default <c>true</c>.</summary>
    public bool ProcessQueue { get; init; } = true;

    /// <summary>
    /// Whether text embeddings are kept (with a database): a video upsert or a search event queues an embedding refresh
    /// in the database's refresh queue, and, when <see cref="ProcessQueue"/>, this process computes it with the
    /// embedded all-MiniLM-L6-v2 encoder. Default <c>true</c>.
    /// </summary>
    public bool TextEmbeddings { get; init; } = true;

    /// <summary>Contract limits of ingestion.</summary>
    public IngestionOptions Ingestion { get; init; } = new();

    /// <summary>How often a model folder's <c>CURRENT</c> file is checked for a new version to swap in. Default 10 seconds.</summary>
    public TimeSpan ModelCheckInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Where OpenTelemetry traces and metrics go. Default none (collected, not exported).</summary>
    public TelemetryExporter Telemetry { get; init; } = TelemetryExporter.None;

    /// <summary>More tracing set-up (tests add an in-memory exporter); <c>null</c> for none.</summary>
    public Action<OpenTelemetry.Trace.TracerProviderBuilder>? ConfigureTracing { get; init; }

    /// <summary>An A/B experiment whose arms serve (with a database, every served page is logged with its arm); <c>null</c> for none.</summary>
    public Core.Online.ExperimentOptions? Experiment { get; init; }

    /// <summary>Limits of k; <c>null</c> for the defaults.</summary>
    public ServingOptions? Serving { get; init; }

    /// <summary>Candidate generation, stage budgets and re-ranking; <c>null</c> for the defaults.</summary>
    public ServingModelOptions? Pipeline { get; init; }

    /// <summary>More serving registrations (such as a two-tower loader or a scorer), applied before the recommend path is registered.</summary>
    public Action<IServiceCollection>? ConfigureServing { get; init; }

    /// <summary>Registers a different queue (for example Azure Storage) instead of the SQLite queue table; <c>null</c> keeps SQLite.</summary>
    public Action<IServiceCollection>? ConfigureQueue { get; init; }
}

/// <summary>Builds the local web host: Kestrel on 127.0.0.1 serving the API of <see cref="RecommendationEndpoints"/>.</summary>
public static class LocalHost
{
    /// <summary>Builds (but does not start) the host. The bundle is loaded here, so a bad path fails before listening.</summary>
    /// <exception cref="DirectoryNotFoundException">No bundle at the model path.</exception>
    /// <exception cref="InvalidDataException">The bundle is damaged.</exception>
    public static WebApplication Build(LocalHostOptions options)
    {
        var bundle = Core.Bundles.ModelBundle.Load(options.ModelPath);
        // SQLite calls block their thread while another writer holds the database; enough threads up front keeps
        // requests from queueing behind the thread pool's slow growth.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), Math.Max(io, 64));
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(options.LogLevel);
        // A failed start (such as a port in use) is reported once by the caller, not also as a host log dump.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, options.Port));
        var provider = new SwappableModelBundleProvider(bundle);
        builder.Services.AddSingleton(provider);
        builder.Services.AddSingleton<IModelBundleProvider>(provider);
        if (File.Exists(Path.Combine(options.ModelPath, "CURRENT")))
        {
            builder.Services.AddHostedService(sp => new ModelFolderWatchService(options.ModelPath, provider, sp.GetRequiredService<ServingModelHost>(),
                options.ModelCheckInterval, sp.GetRequiredService<ILogger<ModelFolderWatchService>>()));
        }
        if (options.DatabasePath is { } database)
        {
            builder.Services.AddSqliteFeatureStore(database, includeQueue: options.ConfigureQueue is null);
            options.ConfigureQueue?.Invoke(builder.Services);
            if (options.TextEmbeddings)
            {
                builder.Services.AddSqliteEmbeddingStore();
            }

            builder.Services.AddIngestion(options.Ingestion);
            builder.Services.AddSqliteImpressionLog();
            builder.Services.AddOnlineMetrics();
            if (options.ProcessQueue)
            {
                builder.Services.AddSingleton(sp => new QueueWorker(sp.GetRequiredService<IEventQueueSource>(), sp.GetRequiredService<EventBatchProcessor>(),
                    sp.GetRequiredService<IngestionOptions>(), sp.GetService<ILogger<QueueWorker>>()));
                builder.Services.AddHostedService<QueueWorkerService>();
                if (options.TextEmbeddings)
                {
                    builder.Services.AddMiniLmEmbeddings();
                    builder.Services.AddEmbeddingRefresh();
                    builder.Services.AddSingleton(sp => new EmbeddingRefreshWorker(sp.GetRequiredService<Local.Sqlite.SqliteEmbeddingRefreshQueue>(),
                        sp.GetRequiredService<EmbeddingRefreshHandler>(), sp.GetRequiredService<EmbeddingOptions>(), sp.GetService<ILogger<EmbeddingRefreshWorker>>()));
                    builder.Services.AddHostedService<EmbeddingRefreshService>();
                }
            }
        }

        builder.Services.AddRecommendTelemetry(options.Telemetry, options.ConfigureTracing);
        builder.Services.AddEmbeddedVectorIndexes();
        // The bundle's twotower/ folder, when it has one, adds the two-tower source (ONNX user tower per request).
        builder.Services.AddSingleton<Func<Core.Bundles.ModelBundle, TwoTowerServing?>>(TwoTower.Serving.TwoTowerServingLoader.Load);
        // The bundle's ranker/ folder, when it has one, scores the merged candidates (ONNX Runtime); else WALS does.
        builder.Services.AddRankerScoring();
        options.ConfigureServing?.Invoke(builder.Services);
        builder.Services.AddRecommendationServing(options.Serving, options.Pipeline, experiment: options.Experiment);
        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapRecommendationApi();
        if (options.DatabasePath is not null)
        {
            app.MapIngestionApi();
            app.MapMetricsApi();
        }

        return app;
    }

    /// <summary>The base address the started host listens on, such as <c>http://127.0.0.1:8080</c>.</summary>
    public static string Address(WebApplication app) => app.Urls.First();
}
