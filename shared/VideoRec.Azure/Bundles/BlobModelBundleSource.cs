using Azure;
using Azure.Core;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using VideoRec.Core.Bundles.Publishing;

namespace VideoRec.Azure.Bundles;

/// <summary>
/// Model bundles published to a blob container: blob <c>CURRENT</c> holds the version to serve, blobs
/// <c>&lt;version&gt;/&lt;file&gt;</c> the bundle's files (upload a model folder with
/// <c>az storage blob upload-batch</c>, then <c>CURRENT</c> last). Reached with a managed identity (Storage Blob
/// Data Reader or above on the container).
/// </summary>
public sealed class BlobModelBundleSource : IModelBundleSource
{
    /// <summary>Name of the blob that names the current version.</summary>
    public const string CurrentBlob = "CURRENT";

    private readonly BlobContainerClient _container;

    /// <summary>Reads bundles from <paramref name="container"/>.</summary>
    public BlobModelBundleSource(BlobContainerClient container)
    {
        _container = container ?? throw new ArgumentNullException(nameof(container));
    }

    /// <summary>
    /// A client of the container at <paramref name="containerUri"/> (such as
    /// <c>https://account.blob.core.windows.net/models</c>) authenticated by <paramref name="credential"/>, with the
    /// SDK's exponential retries.
    /// </summary>
    /// <exception cref="ArgumentException">The URI is not an absolute http(s) URI naming a container.</exception>
    public static BlobContainerClient CreateContainerClient(Uri containerUri, TokenCredential credential, BlobClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(containerUri);
        ArgumentNullException.ThrowIfNull(credential);
        if (!containerUri.IsAbsoluteUri || containerUri.Scheme is not ("https" or "http") || containerUri.AbsolutePath.Trim('/').Length == 0)
        {
            throw new ArgumentException($"The model container must be an absolute URI naming a container, such as https://account.blob.core.windows.net/models, found '{containerUri}'.", nameof(containerUri));
        }

        options ??= new BlobClientOptions();
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = 4;
        return new BlobContainerClient(containerUri, credential, options);
    }

    /// <inheritdoc />
    public string Location => _container.Uri.ToString();

    /// <inheritdoc />
    public async Task<string?> GetCurrentVersionAsync(CancellationToken cancellationToken)
    {
        try
        {
            var content = await _container.GetBlobClient(CurrentBlob).DownloadContentAsync(cancellationToken);
            return ModelVersionName.Check(content.Value.Content.ToString().Trim(), $"{Location}/{CurrentBlob}");
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null; // no CURRENT (or no container) yet: nothing published
        }
    }

    /// <inheritdoc />
    public async Task DownloadAsync(string version, string directory, CancellationToken cancellationToken)
    {
        ModelVersionName.Check(version, Location);
        var prefix = version + "/";
        var files = 0;
        await foreach (var item in _container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken))
        {
            var target = ModelVersionName.LocalPath(directory, item.Name[prefix.Length..], $"{Location}/{item.Name}");
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var download = await _container.GetBlobClient(item.Name).DownloadStreamingAsync(cancellationToken: cancellationToken);
            await using (var input = download.Value.Content)
            await using (var output = File.Create(target))
            {
                await input.CopyToAsync(output, cancellationToken);
            }

            files++;
        }

        if (files == 0)
        {
            throw new InvalidDataException($"{Location}: CURRENT names version '{version}', but no blob starts with '{prefix}'.");
        }
    }
}
