using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VideoRec.Core.Bundles;
using VideoRec.Core.Serving;
using VideoRec.Core.Serving.Recommend;

namespace VideoRec.Host;

/// <summary>
/// Hot swap for the local host: when the model path is a model folder (with a <c>CURRENT</c> file, as <c>vrec train</c>
/// writes), checks every <paramref name="interval"/> whether <c>CURRENT</c> names another version; if so loads it, swaps
/// it into the provider and builds its serving model in the background, while requests keep being served by the old one.
/// A bundle that fails to load, or whose serving model fails to build, is logged and the old one stays (offered and
/// served); a version whose serving model failed is not tried again.
/// </summary>
/// <param name="modelPath">The model folder.</param>
/// <param name="provider">The swappable provider the serving model host reads.</param>
/// <param name="models">The serving model host.</param>
/// <param name="interval">Time between checks.</param>
/// <param name="logger">Swap and failure logs.</param>
public sealed class ModelFolderWatchService(string modelPath, SwappableModelBundleProvider provider, ServingModelHost models, TimeSpan interval,
    ILogger<ModelFolderWatchService> logger) : BackgroundService
{
    private string? _rejected;

    /// <summary>Checks once: loads and swaps in the version <c>CURRENT</c> names when it differs from the served one.</summary>
    /// <returns>The new version, or <c>null</c> when nothing changed or the new bundle failed to load or to build.</returns>
    public async Task<string?> CheckAsync(CancellationToken cancellationToken)
    {
        var current = Path.Combine(modelPath, "CURRENT");
        if (!File.Exists(current))
        {
            return null;
        }

        try
        {
            var version = (await File.ReadAllTextAsync(current, cancellationToken).ConfigureAwait(false)).Trim();
            if (version.Length == 0 || version == provider.Current.Version || version == _rejected)
            {
                return null;
            }

            var bundle = ModelBundle.Load(modelPath);
            var old = provider.Swap(bundle);
            var served = await models.EnsureCurrentAsync(cancellationToken).ConfigureAwait(false);
            if (served.Version != bundle.Version)
            {
                // Its serving model failed to build (the host logged why): offer the served bundle again, so that the
                // fold-in refresher and everything else reading the provider agree with what is served.
                provider.Swap(old);
                _rejected = version;
                logger.LogError("The model {ModelVersion} named in {Current} cannot be served; {Version} keeps serving.", bundle.Version, current, served.Version);
                return null;
            }

            logger.LogInformation("Model {ModelVersion} swapped in (was {Previous}).", bundle.Version, old.Version);
            return bundle.Version;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or DirectoryNotFoundException)
        {
            logger.LogError(e, "The model named in {Current} failed to load; {Version} keeps serving.", current, provider.Current.Version);
            return null;
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await CheckAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
