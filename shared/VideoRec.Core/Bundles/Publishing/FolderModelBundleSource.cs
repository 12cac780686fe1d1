namespace VideoRec.Core.Bundles.Publishing;

/// <summary>
/// Bundles published to a folder, as <c>vrec train --models &lt;folder&gt;</c> leaves them: <c>&lt;folder&gt;/CURRENT</c>
/// and <c>&lt;folder&gt;/&lt;version&gt;/</c>. The local stand-in for the blob container.
/// </summary>
/// <param name="root">The model folder.</param>
public sealed class FolderModelBundleSource(string root) : IModelBundleSource
{
    private readonly string _root = string.IsNullOrWhiteSpace(root)
        ? throw new ArgumentException("Give the folder bundles are published to.", nameof(root))
        : Path.GetFullPath(root);

    /// <inheritdoc />
    public string Location => _root;

    /// <inheritdoc />
    public async Task<string?> GetCurrentVersionAsync(CancellationToken cancellationToken)
    {
        var current = Path.Combine(_root, "CURRENT");
        if (!File.Exists(current))
        {
            return null;
        }

        var version = (await File.ReadAllTextAsync(current, cancellationToken)).Trim();
        return ModelVersionName.Check(version, current);
    }

    /// <inheritdoc />
    public async Task DownloadAsync(string version, string directory, CancellationToken cancellationToken)
    {
        var source = Path.Combine(_root, ModelVersionName.Check(version, Location));
        if (!Directory.Exists(source) || Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories).FirstOrDefault() is null)
        {
            throw new InvalidDataException($"{source}: CURRENT names version '{version}', but no file of it is there.");
        }

        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file).Replace('\\', '/');
            var target = ModelVersionName.LocalPath(directory, relative, source);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            await using var input = File.OpenRead(file);
            await using var output = File.Create(target);
            await input.CopyToAsync(output, cancellationToken);
        }
    }
}
