namespace VideoRec.Core.Bundles.Publishing;

/// <summary>
/// The rule for a published version name and the relative file names under it: a version becomes a folder name on
/// the serving instance, so it must not be able to point anywhere else.
/// </summary>
public static class ModelVersionName
{
    /// <summary>Longest accepted version name.</summary>
    public const int MaxLength = 128;

    /// <summary>
    /// Checks a version read from <c>CURRENT</c>: 1–128 ASCII letters, digits, '.', '_' or '-', not starting with '.'.
    /// </summary>
    /// <param name="version">The trimmed content of <c>CURRENT</c>.</param>
    /// <param name="where">Where it was read, for the message.</param>
    /// <returns>The version.</returns>
    /// <exception cref="InvalidDataException">The name breaks the rule; the message quotes it and says where it came from.</exception>
    public static string Check(string version, string where)
    {
        ArgumentNullException.ThrowIfNull(version);
        if (version.Length is 0 or > MaxLength || version[0] == '.' ||
            !version.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            var shown = version.Length > 40 ? version[..40] + "…" : version;
            throw new InvalidDataException(
                $"{where}: CURRENT must name a model version (1–{MaxLength} letters, digits, '.', '_' or '-', not starting with '.'), found '{shown}'.");
        }

        return version;
    }

    /// <summary>
    /// The local path of a bundle file given by its path relative to the version (<c>manifest.json</c>,
    /// <c>towers/user.onnx</c>), which must stay inside <paramref name="directory"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">The relative path is empty, rooted, or climbs out with '..'.</exception>
    public static string LocalPath(string directory, string relativePath, string where)
    {
        var parts = relativePath.Split('/', '\\');
        if (relativePath.Length == 0 || Path.IsPathRooted(relativePath) || parts.Any(p => p is "" or "." or ".."))
        {
            throw new InvalidDataException($"{where}: '{relativePath}' is not a file name inside the bundle.");
        }

        return Path.Combine([directory, .. parts]);
    }
}
