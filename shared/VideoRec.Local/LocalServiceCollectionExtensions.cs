using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using VideoRec.Core.Embeddings;
using VideoRec.Core.Ingestion;
using VideoRec.Core.Online;
using VideoRec.Local.Embeddings;
using VideoRec.Core.Serving.Recommend;
using VideoRec.Local.Sqlite;
using VideoRec.Local.VectorIndex;

namespace VideoRec.Local;

/// <summary>DI registration of the embedded defaults.</summary>
public static class LocalServiceCollectionExtensions
{
    /// <summary>
    /// Registers the SQLite feature store at <paramref name="databasePath"/> as <see cref="IFeatureStore"/> and
    /// <see cref="IActivityFeed"/> (the serving model's activity refresh) and, when
    /// <paramref name="includeQueue"/>, its queue table as <see cref="IEventQueue"/>, <see cref="IEventQueueSource"/>
    /// and <see cref="IPoisonSink"/>.
    /// </summary>
    public static IServiceCollection AddSqliteFeatureStore(this IServiceCollection services, string databasePath, bool includeQueue = true)
    {
        services.TryAddSingleton(_ => new SqliteDatabase(databasePath));
        services.AddSingleton<SqliteFeatureStore>();
        services.AddSingleton<IFeatureStore>(sp => sp.GetRequiredService<SqliteFeatureStore>());
        services.AddSingleton<IActivityFeed>(sp => sp.GetRequiredService<SqliteFeatureStore>());
        if (includeQueue)
        {
            services.AddSingleton(sp => new SqliteEventQueue(sp.GetRequiredService<SqliteDatabase>(), sp.GetService<TimeProvider>() ?? TimeProvider.System));
            services.AddSingleton<IEventQueue>(sp => sp.GetRequiredService<SqliteEventQueue>());
            services.AddSingleton<IEventQueueSource>(sp => sp.GetRequiredService<SqliteEventQueue>());
            services.AddSingleton<IPoisonSink>(sp => sp.GetRequiredService<SqliteEventQueue>());
        }

        return services;
    }

    /// <summary>
    /// Registers <see cref="EmbeddedServingIndexProvider"/> (as itself and) as the serving model's <see cref="IServingIndexProvider"/>:
    /// exact search up to <paramref name="exactMaxVideos"/> videos, USearch HNSW (saved in the bundle folder, reopened
    /// memory-mapped) above.
    /// </summary>
    public static IServiceCollection AddEmbeddedVectorIndexes(this IServiceCollection services, int exactMaxVideos = 20_000, UsearchIndexOptions? options = null)
    {
        services.AddSingleton(sp => new EmbeddedServingIndexProvider(exactMaxVideos, options,
            sp.GetService<Microsoft.Extensions.Logging.ILogger<EmbeddedServingIndexProvider>>()));
        services.AddSingleton<IServingIndexProvider>(sp => sp.GetRequiredService<EmbeddedServingIndexProvider>());
        return services;
    }

    /// <summary>
    /// Registers the SQLite impression log in the database of <see cref="AddSqliteFeatureStore"/> as
    /// <see cref="IImpressionLog"/> (and as the concrete <see cref="SqliteImpressionLog"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">At resolution, when no <see cref="SqliteDatabase"/> is registered.</exception>
    public static IServiceCollection AddSqliteImpressionLog(this IServiceCollection services)
    {
        services.TryAddSingleton<SqliteImpressionLog>();
        services.TryAddSingleton<IImpressionLog>(sp => sp.GetRequiredService<SqliteImpressionLog>());
        return services;
    }

    /// <summary>
    /// Registers the SQLite embedding store and embedding refresh queue in the database of
    /// <see cref="AddSqliteFeatureStore"/> (<see cref="IEmbeddingStore"/>, <see cref="IEmbeddingRefreshQueue"/>, and the
    /// concrete <see cref="SqliteEmbeddingRefreshQueue"/> as the refresh worker's source).
    /// </summary>
    /// <exception cref="InvalidOperationException">At resolution, when no <see cref="SqliteDatabase"/> is registered.</exception>
    public static IServiceCollection AddSqliteEmbeddingStore(this IServiceCollection services)
    {
        services.AddSingleton<SqliteEmbeddingStore>();
        services.AddSingleton<IEmbeddingStore>(sp => sp.GetRequiredService<SqliteEmbeddingStore>());
        services.AddSingleton(sp => new SqliteEmbeddingRefreshQueue(sp.GetRequiredService<SqliteDatabase>(), sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddSingleton<IEmbeddingRefreshQueue>(sp => sp.GetRequiredService<SqliteEmbeddingRefreshQueue>());
        return services;
    }

    /// <summary>
    /// Registers the embedded sentence encoder (all-MiniLM-L6-v2 on ONNX Runtime) as the
    /// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>, created when first used.
    /// </summary>
    public static IServiceCollection AddMiniLmEmbeddings(this IServiceCollection services, MiniLmOptions? options = null)
    {
        services.AddSingleton(_ => new MiniLmEmbeddingGenerator(options ?? new MiniLmOptions()));
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp => sp.GetRequiredService<MiniLmEmbeddingGenerator>());
        return services;
    }
}
