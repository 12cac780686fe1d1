using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VideoRec.Core.Bundles.Publishing;
using VideoRec.Core.Serving;

namespace VideoRec.Functions;

/// <summary>
/// Runs the model bundle check of <see cref="ModelFunctions"/> in every instance of the app: the timer trigger fires
/// on one instance only (it holds a lease), and each instance serves its own in-memory bundle. Registered only when
/// <c>VideoRec:ModelSource</c> names a source; a failed check is logged and retried on the next tick.
/// </summary>
public sealed class ModelBundleRefreshService(IServiceProvider services, ILogger<ModelBundleRefreshService> logger, TimeProvider? time = null) : BackgroundService
{
    /// <summary>Time between checks, the timer's period.</summary>
    public static TimeSpan Interval { get; } = TimeSpan.FromMinutes(5);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var publisher = services.GetRequiredService<ModelBundlePublisher>();
        using var timer = new PeriodicTimer(Interval, time ?? TimeProvider.System);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                ModelFunctions.Log(logger, publisher, await publisher.CheckAsync(services.GetRequiredService<SwappableModelBundleProvider>(), stoppingToken));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Model bundle check against {Source} failed; the current bundle keeps serving.", publisher.Source.Location);
            }
        }
    }
}
