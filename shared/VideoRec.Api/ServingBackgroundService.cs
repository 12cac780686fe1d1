using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using VideoRec.Core.Serving;
using VideoRec.Core.Serving.Recommend;

namespace VideoRec.Api;

/// <summary>
/// The recommend path's background work in either host: at start, before the server takes requests, builds the served
/// model (indexes included) and warms the path up (<see cref="RecommendationHandler.WarmUpAsync"/>); then, when an <see cref="IActivityFeed"/> is registered, refreshes the popular,
/// trending and fresh lists and the video statistics every <see cref="ServingModelOptions.ActivityRefreshInterval"/>.
/// </summary>
/// <param name="services">Resolves the host and the refresher.</param>
public sealed class ServingBackgroundService(IServiceProvider services) : BackgroundService
{
    /// <inheritdoc />
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await services.GetRequiredService<ServingModelHost>().EnsureCurrentAsync(cancellationToken).ConfigureAwait(false);
        if (services.GetService<ExperimentServing>() is { } experiment)
        {
            await experiment.EnsureCurrentAsync(cancellationToken).ConfigureAwait(false);
        }

        await services.GetRequiredService<RecommendationHandler>().WarmUpAsync(cancellationToken).ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (services.GetService<ActivityRefresher>() is { } refresher)
        {
            try
            {
                await refresher.RunAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
            }
        }
    }
}
