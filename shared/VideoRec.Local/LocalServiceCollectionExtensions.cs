using Microsoft.Extensions.DependencyInjection;
using VideoRec.Core.Ingestion;
using VideoRec.Local.Sqlite;

namespace VideoRec.Local;

/// <summary>DI registration of the embedded defaults.</summary>
public static class LocalServiceCollectionExtensions
{
    /// <summary>
    /// Registers the SQLite feature store at <paramref name="databasePath"/> as <see cref="IFeatureStore"/> and, when
    /// <paramref name="includeQueue"/>, its queue table as <see cref="IEventQueue"/>, <see cref="IEventQueueSource"/>
    /// and <see cref="IPoisonSink"/>.
    /// </summary>
    public static IServiceCollection AddSqliteFeatureStore(this IServiceCollection services, string databasePath, bool includeQueue = true)
    {
        services.AddSingleton(_ => new SqliteDatabase(databasePath));
        services.AddSingleton<SqliteFeatureStore>();
        services.AddSingleton<IFeatureStore>(sp => sp.GetRequiredService<SqliteFeatureStore>());
        if (includeQueue)
        {
            services.AddSingleton(sp => new SqliteEventQueue(sp.GetRequiredService<SqliteDatabase>(), sp.GetService<TimeProvider>() ?? TimeProvider.System));
            services.AddSingleton<IEventQueue>(sp => sp.GetRequiredService<SqliteEventQueue>());
            services.AddSingleton<IEventQueueSource>(sp => sp.GetRequiredService<SqliteEventQueue>());
            services.AddSingleton<IPoisonSink>(sp => sp.GetRequiredService<SqliteEventQueue>());
        }

        return services;
    }
}
