using Microsoft.Extensions.DependencyInjection;
using VideoRec.Core.Bundles;
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

    /// <summary>Registers the recommendation handler over an already registered <see cref="IModelBundleProvider"/>.</summary>
    public static IServiceCollection AddRecommendationServing(this IServiceCollection services, ServingOptions? options = null)
    {
        services.AddSingleton(options ?? new ServingOptions());
        services.AddSingleton<RecommendationHandler>();
        services.AddProblemDetails();
        return services;
    }
}
