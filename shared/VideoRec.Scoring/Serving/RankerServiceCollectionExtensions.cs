using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VideoRec.Core.Pipeline;
using VideoRec.Core.Serving.Recommend;

namespace VideoRec.Scoring.Serving;

/// <summary>DI registration of the ranker as the serving path's scoring stage.</summary>
public static class RankerServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="RankerServing.Factory"/> as the <c>Func&lt;ServingModel, ICandidateScorer&gt;</c> the
    /// recommend path builds each model version with: a bundle with a <c>ranker/</c> folder is scored by its ranker, any
    /// other by WALS. Call before <c>AddRecommendationServing</c> resolves it (any time before the provider is built); a
    /// scorer factory registered later replaces it.
    /// </summary>
    public static IServiceCollection AddRankerScoring(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<Func<ServingModel, ICandidateScorer>>(sp => RankerServing.Factory(sp.GetService<ILoggerFactory>()));
        return services;
    }
}
