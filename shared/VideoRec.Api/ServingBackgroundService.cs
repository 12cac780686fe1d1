using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using VideoRec.Core.Serving.Recommend;

namespace VideoRec.Api;

/// <summary>
/// The recommend path's background work in either host: builds the served model at start (so the first request does
/// not pay for index building), then, when an <see cref="IActivityFeed"/> is registered, refreshes the popular,
/// trending and fresh lists and the video statistics every <see cref="ServingModelOptions.ActivityRefreshInterval"/>.
/// </summary>
/// <param name="services">Resolves the host and the refresher.</param>
public sealed class ServingBackgroundService(IServiceProvider services) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await services.GetRequiredService<ServingModelHost>().EnsureCurrentAsync(stoppingToken).ConfigureAwait(false);
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
