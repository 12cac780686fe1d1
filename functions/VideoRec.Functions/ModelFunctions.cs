using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VideoRec.Core.Bundles.Publishing;
using VideoRec.Core.Serving;

namespace VideoRec.Functions;

/// <summary>
/// The timer that publishes a newly trained model bundle: every five minutes it asks the model source
/// (<c>VideoRec:ModelSource</c>, a blob container in Azure) whether <c>CURRENT</c> names a new version, and if so
/// downloads it to local storage, checks it and swaps it in for the recommend and similar functions.
/// </summary>
/// <param name="services">Where the publisher is found; it is absent when <c>VideoRec:ModelSource</c> is <c>None</c>.</param>
/// <param name="logger">Logs what each check did.</param>
public sealed class ModelFunctions(IServiceProvider services, ILogger<ModelFunctions> logger)
{
    /// <summary>Every five minutes, at second 0 (NCRONTAB with seconds).</summary>
    public const string Schedule = "0 */5 * * * *";

    /// <summary>
    /// One check (<see cref="CheckAsync"/>); the run is marked failed when the published bundle is broken (the current
    /// one keeps serving). A timer runs on one instance of the app at a time; the other instances pick the new version
    /// up with <see cref="ModelBundleRefreshService"/>, on the same interval.
    /// </summary>
    [Function("PublishModelBundle")]
    public Task PublishModelBundle([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken) => CheckAsync(cancellationToken);

    /// <summary>The check the timer runs: <c>null</c> when no source is configured, otherwise what the publisher did.</summary>
    /// <exception cref="InvalidDataException">The published bundle is broken; the current bundle keeps serving.</exception>
    public async Task<PublishOutcome?> CheckAsync(CancellationToken cancellationToken)
    {
        if (services.GetService<ModelBundlePublisher>() is not { } publisher)
        {
            logger.LogDebug("No model source (VideoRec:ModelSource is None): the bundle at VideoRec:ModelPath is served as it is.");
            return null;
        }

        var provider = services.GetRequiredService<SwappableModelBundleProvider>();
        try
        {
            var outcome = await publisher.CheckAsync(provider, cancellationToken);
            Log(logger, publisher, outcome);
            return outcome;
        }
        catch (InvalidDataException e)
        {
            logger.LogError(e, "The bundle published at {Source} was not swapped in; {Version} keeps serving.", publisher.Source.Location, provider.Current.Version);
            throw;
        }
    }

    /// <summary>Logs a check's outcome: a publish at information level, the rest at debug.</summary>
    internal static void Log(ILogger logger, ModelBundlePublisher publisher, PublishOutcome outcome)
    {
        if (outcome.Status == PublishStatus.Published)
        {
            logger.LogInformation("Model bundle {Version} from {Source} now serving (was {Previous}).", outcome.Version, publisher.Source.Location, outcome.PreviousVersion);
        }
        else
        {
            logger.LogDebug("Model bundle check: {Status}, serving {Version}.", outcome.Status, outcome.Version);
        }
    }
}
