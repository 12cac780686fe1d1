using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VideoRec.Api;
using VideoRec.Core.Bundles;
using VideoRec.Core.Serving;
using VideoRec.Local;

namespace VideoRec.Functions;

/// <summary>The function app's DI: adapters chosen by <see cref="FunctionSettings"/>, validated at start-up.</summary>
public static class FunctionServices
{
    /// <summary>Registers settings (validated on start, naming every missing setting), adapters, serving and ingestion.</summary>
    public static IServiceCollection AddVideoRecFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<FunctionSettings>()
            .Bind(configuration.GetSection(FunctionSettings.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IModelBundleProvider>(sp =>
            new FixedModelBundleProvider(ModelBundle.Load(sp.GetRequiredService<IOptions<FunctionSettings>>().Value.ModelPath)));

        var settings = configuration.GetSection(FunctionSettings.Section).Get<FunctionSettings>() ?? new FunctionSettings();
        if (settings.Store == "Sqlite")
        {
            services.AddSqliteFeatureStore(settings.DatabasePath, includeQueue: settings.Queue == "Sqlite");
        }

        services.AddRecommendationServing();
        services.AddIngestion();
        return services;
    }
}
