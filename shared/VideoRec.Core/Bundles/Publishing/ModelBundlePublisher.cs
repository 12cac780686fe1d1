using VideoRec.Core.Serving;

namespace VideoRec.Core.Bundles.Publishing;

/// <summary>What one <see cref="ModelBundlePublisher.CheckAsync"/> did.</summary>
public enum PublishStatus
{
    /// <summary>The source has no <c>CURRENT</c> yet; the served bundle is unchanged.</summary>
    NothingPublished,

    /// <summary><c>CURRENT</c> names the version already served.</summary>
    UpToDate,

    /// <summary>A new version was downloaded, checked and swapped in.</summary>
    Published,
}

/// <summary>The outcome of one check.</summary>
/// <param name="Status">What happened.</param>
/// <param name="Version">The version served after the check (<c>null</c> only when nothing was ever published).</param>
/// <param name="PreviousVersion">The version served before, when it changed.</param>
public sealed record PublishOutcome(PublishStatus Status, string? Version, string? PreviousVersion = null);

/// <summary>
/// Brings newly published bundles from an <see cref="IModelBundleSource"/> into the serving process. A new version is
/// downloaded into a hidden folder of the local cache, loaded (which checks every file), checked against the version
/// <c>CURRENT</c> named, renamed to <c>&lt;cache&gt;/&lt;version&gt;</c> and only then swapped in, so a half-copied
/// or broken bundle is never served and the previous one keeps serving. The cache keeps the served version and the
/// one before it; older downloads are removed.
/// </summary>
public sealed class ModelBundlePublisher
{
    private const string DownloadPrefix = ".download-";
    private readonly IModelBundleSource _source;
    private readonly string _cache;
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Creates a publisher that downloads from <paramref name="source"/> into <paramref name="cacheRoot"/>.</summary>
    /// <param name="source">Where bundles are published.</param>
    /// <param name="cacheRoot">A local folder for downloaded bundles (instance temp storage in Azure); created when missing.</param>
    /// <exception cref="ArgumentException"><paramref name="cacheRoot"/> is blank.</exception>
    public ModelBundlePublisher(IModelBundleSource source, string cacheRoot)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (string.IsNullOrWhiteSpace(cacheRoot))
        {
            throw new ArgumentException("Give a local folder to download model bundles to.", nameof(cacheRoot));
        }

        _source = source;
        _cache = Path.GetFullPath(cacheRoot);
    }

    /// <summary>The local cache folder.</summary>
    public string CacheRoot => _cache;

    /// <summary>The source bundles come from.</summary>
    public IModelBundleSource Source => _source;

    /// <summary>
    /// The bundle to start serving: the one the local cache's <c>CURRENT</c> names when there is one, otherwise the
    /// source's current version, downloaded.
    /// </summary>
    /// <exception cref="InvalidOperationException">Neither the cache nor the source has a bundle.</exception>
    /// <exception cref="InvalidDataException">The bundle is broken; the message names the file.</exception>
    public async Task<ModelBundle> LoadAsync(CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(_cache, "CURRENT")))
        {
            return ModelBundle.Load(_cache);
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            var version = await _source.GetCurrentVersionAsync(cancellationToken)
                ?? throw new InvalidOperationException(
                    $"No model bundle to serve: {_cache} has none and {_source.Location} has no CURRENT. Publish one (README, \"Deploy to Azure\").");
            return await FetchAsync(version, previous: null, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Swaps a newer published version into <paramref name="provider"/> when <c>CURRENT</c> names one other than the
    /// version it serves. Checks never overlap.
    /// </summary>
    /// <exception cref="InvalidDataException">The published bundle is broken or its manifest names another version; the served bundle is unchanged.</exception>
    public async Task<PublishOutcome> CheckAsync(SwappableModelBundleProvider provider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(provider);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var served = provider.Current.Version;
            var version = await _source.GetCurrentVersionAsync(cancellationToken);
            if (version is null)
            {
                return new PublishOutcome(PublishStatus.NothingPublished, served);
            }

            if (version == served)
            {
                return new PublishOutcome(PublishStatus.UpToDate, served);
            }

            provider.Swap(await FetchAsync(version, served, cancellationToken));
            return new PublishOutcome(PublishStatus.Published, version, served);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<ModelBundle> FetchAsync(string version, string? previous, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_cache);
        var final = Path.Combine(_cache, version);
        ModelBundle bundle;
        if (Directory.Exists(final))
        {
            bundle = Check(ModelBundle.Load(final), version);
        }
        else
        {
            var temporary = Path.Combine(_cache, $"{DownloadPrefix}{version}-{Guid.NewGuid():N}");
            Directory.CreateDirectory(temporary);
            try
            {
                await _source.DownloadAsync(version, temporary, cancellationToken);
                bundle = Check(ModelBundle.Load(temporary), version);
                Directory.Move(temporary, final);
            }
            catch
            {
                Directory.Delete(temporary, recursive: true);
                throw;
            }
        }

        var current = Path.Combine(_cache, "CURRENT");
        await File.WriteAllTextAsync(current + ".tmp", version + Environment.NewLine, cancellationToken);
        File.Move(current + ".tmp", current, overwrite: true);
        Prune(keep: [version, previous]);
        return bundle;
    }

    private ModelBundle Check(ModelBundle bundle, string version) => bundle.Version == version
        ? bundle
        : throw new InvalidDataException($"{_source.Location}: CURRENT names version '{version}' but its manifest says '{bundle.Version}'.");

    /// <summary>Removes cached versions other than <paramref name="keep"/>, and downloads a crash left behind.</summary>
    private void Prune(string?[] keep)
    {
        foreach (var directory in Directory.EnumerateDirectories(_cache))
        {
            var name = Path.GetFileName(directory);
            if (!keep.Contains(name))
            {
                try
                {
                    Directory.Delete(directory, recursive: true);
                }
                catch (IOException)
                {
                    // Best effort: a folder still open elsewhere is removed by a later check.
                }
            }
        }
    }
}
