namespace VideoRec.Core.Bundles.Publishing;

/// <summary>
/// Where trained model bundles are published: a <c>CURRENT</c> entry naming the version to serve, and under
/// <c>&lt;version&gt;/</c> the bundle's files (the layout <see cref="ModelBundle.Save"/> writes). A folder on disk
/// (<see cref="FolderModelBundleSource"/>) or a blob container (<c>BlobModelBundleSource</c> in VideoRec.Azure).
/// </summary>
public interface IModelBundleSource
{
    /// <summary>Where the bundles are, for logs and errors (a folder path or a container URI).</summary>
    string Location { get; }

    /// <summary>The version <c>CURRENT</c> names, trimmed; <c>null</c> when nothing has been published yet.</summary>
    /// <exception cref="InvalidDataException"><c>CURRENT</c> exists but does not name a version (<see cref="ModelVersionName.Check"/>).</exception>
    Task<string?> GetCurrentVersionAsync(CancellationToken cancellationToken);

    /// <summary>Copies every file of <paramref name="version"/> into <paramref name="directory"/> (which exists and is empty).</summary>
    /// <exception cref="InvalidDataException">The version holds no file, or a file name would leave the directory.</exception>
    Task DownloadAsync(string version, string directory, CancellationToken cancellationToken);
}
