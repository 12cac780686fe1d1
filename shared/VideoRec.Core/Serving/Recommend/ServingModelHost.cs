using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VideoRec.Core.Bundles;

namespace VideoRec.Core.Serving.Recommend;

/// <summary>
/// Keeps the serving model of the bundle the <see cref="IModelBundleProvider"/> currently offers, and swaps to a new
/// version without a restart: when the provider's version changes, the new model (indexes and all) is built in the
/// background while requests keep being served by the old one, then replaces it atomically; the old one is disposed
/// after a grace period so requests in flight finish on it. A version that fails to build is logged and the old one
/// stays; a version whose build finishes after another one was offered (a newer one, or a rollback) is discarded,
/// never served. Thread-safe.
/// </summary>
public sealed class ServingModelHost : IDisposable
{
    private static readonly TimeSpan RetireAfter = TimeSpan.FromSeconds(30);
    private readonly IModelBundleProvider _bundles;
    private readonly ServingModelBuilder _builder;
    private readonly Func<ModelBundle, string?> _directoryOf;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private ServingModel? _current;
    private Task<ServingModel>? _building;
    private string? _buildingVersion;
    private string? _failedVersion;
    private bool _disposed;

    /// <summary>A host over <paramref name="bundles"/>.</summary>
    /// <param name="bundles">The bundle source (fixed, or swapped by the bundle refresh service).</param>
    /// <param name="builder">Builds a model from a bundle.</param>
    /// <param name="directoryOf">Where a bundle was loaded from (for saved indexes); <c>null</c> uses <see cref="ModelBundle.SourceDirectory"/>.</param>
    /// <param name="logger">Swap and failure logs.</param>
    public ServingModelHost(IModelBundleProvider bundles, ServingModelBuilder builder, Func<ModelBundle, string?>? directoryOf = null, ILogger<ServingModelHost>? logger = null)
    {
        _bundles = bundles ?? throw new ArgumentNullException(nameof(bundles));
        _builder = builder ?? throw new ArgumentNullException(nameof(builder));
        _directoryOf = directoryOf ?? (b => b.SourceDirectory);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Raised after a new version replaced the served one (argument: the new model).</summary>
    public event Action<ServingModel>? Swapped;

    /// <summary>The version being served, or <c>null</c> before the first model is built.</summary>
    public string? ServedVersion => Volatile.Read(ref _current)?.Version;

    /// <summary>
    /// The model to serve this request with. The first call builds the first model (blocking); later calls return the
    /// served model at once, starting a background build when the provider offers a newer version.
    /// </summary>
    /// <exception cref="InvalidDataException">The very first model cannot be built.</exception>
    /// <exception cref="ObjectDisposedException">The host was disposed.</exception>
    public ServingModel Current
    {
        get
        {
            var current = Volatile.Read(ref _current);
            if (current is null)
            {
                ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
                return EnsureCurrentAsync(CancellationToken.None).GetAwaiter().GetResult();
            }

            var offered = _bundles.Current;
            if (!ReferenceEquals(offered, current.Bundle) && offered.Version != current.Version)
            {
                _ = StartBuild(offered);
            }

            return current;
        }
    }

    /// <summary>Builds (or waits for) the model of the provider's current bundle and serves it; returns it.</summary>
    /// <param name="cancellationToken">Stops waiting (the build goes on).</param>
    /// <exception cref="InvalidDataException">The model cannot be built and none is served yet.</exception>
    /// <exception cref="ObjectDisposedException">The host was disposed.</exception>
    public async Task<ServingModel> EnsureCurrentAsync(CancellationToken cancellationToken)
    {
        var offered = _bundles.Current;
        var current = Volatile.Read(ref _current);
        if (current is not null && current.Version == offered.Version)
        {
            return current;
        }

        var build = StartBuild(offered);
        try
        {
            return await build.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested && Volatile.Read(ref _current) is { } old)
        {
            return old;
        }
    }

    /// <summary>Disposes the served model; a build still running is disposed when it finishes, never served.</summary>
    public void Dispose()
    {
        ServingModel? current;
        lock (_gate)
        {
            _disposed = true;
            current = _current;
            Volatile.Write(ref _current, null);
        }

        current?.Dispose();
    }

    private Task<ServingModel> StartBuild(ModelBundle bundle)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return Task.FromException<ServingModel>(new ObjectDisposedException(nameof(ServingModelHost)));
            }

            if (_building is not null && _buildingVersion == bundle.Version)
            {
                return _building;
            }

            if (_failedVersion == bundle.Version && _current is not null)
            {
                return Task.FromResult(_current);
            }

            _buildingVersion = bundle.Version;
            _building = Task.Run(() => BuildAndSwap(bundle));
            return _building;
        }
    }

    private ServingModel BuildAndSwap(ModelBundle bundle)
    {
        ServingModel model;
        ServingModel? previous;
        try
        {
            model = _builder.Build(bundle, _directoryOf(bundle));
            // The new version starts from what the served one last read. Copied before taking the lock, since a scorer
            // may rebuild its video features from it (requests that see a new version offered take the lock).
            previous = Volatile.Read(ref _current);
            try
            {
                if (previous is not null)
                {
                    model.CopyActivityFrom(previous);
                }
            }
            catch
            {
                model.Dispose();
                throw;
            }
        }
        catch (Exception e)
        {
            lock (_gate)
            {
                _failedVersion = bundle.Version;
                EndBuild(bundle.Version);
            }

            _logger.LogError(e, "Serving model {ModelVersion} failed to build; {Served} stays served.", bundle.Version, ServedVersion ?? "nothing");
            throw new InvalidDataException($"Serving model {bundle.Version} failed to build: {e.Message}", e);
        }

        ServingModel? old;
        lock (_gate)
        {
            if (_disposed)
            {
                // The host went away while this version built: nobody will serve or retire it.
                EndBuild(bundle.Version);
                model.Dispose();
                throw new ObjectDisposedException(nameof(ServingModelHost));
            }

            old = _current;
            var offered = _bundles.Current.Version;
            if (old is not null && (_buildingVersion != bundle.Version || offered != bundle.Version))
            {
                // Another version was asked for while this one built (a newer one, or a rollback to the one served):
                // serving this one now would serve a version nobody offers any more, so it is thrown away.
                EndBuild(bundle.Version);
                model.Dispose();
                _logger.LogInformation("Serving model {ModelVersion} built after {Offered} was offered instead; discarded.", bundle.Version, offered);
                return old;
            }

            if (old is not null && !ReferenceEquals(old, previous))
            {
                model.CopyActivityFrom(old);
            }

            Volatile.Write(ref _current, model);
            EndBuild(bundle.Version);
        }

        _logger.LogInformation("Serving model {ModelVersion} (was {Previous}).", model.Version, old?.Version ?? "none");
        Swapped?.Invoke(model);
        if (old is not null)
        {
            _ = Task.Delay(RetireAfter).ContinueWith(_ => old.Dispose(), TaskScheduler.Default);
        }

        return model;
    }

    /// <summary>Forgets the build of <paramref name="version"/> unless another version's build has replaced it. Under <see cref="_gate"/>.</summary>
    private void EndBuild(string version)
    {
        if (_buildingVersion == version)
        {
            _building = null;
            _buildingVersion = null;
        }
    }
}
