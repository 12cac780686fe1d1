namespace VideoRec.Cli.Infrastructure;

/// <summary>Finds the shipped sample data when no <c>--data</c> is given.</summary>
public static class DataLocator
{
    /// <summary>The sample dataset shipped in the repository.</summary>
    public const string ShippedSample = "data/ml-latest-small";

    /// <summary>
    /// <paramref name="given"/> when set; otherwise the first <c>data/ml-latest-small</c> found walking up from the
    /// current folder, then from the program's folder.
    /// </summary>
    /// <exception cref="CliException">Nothing found.</exception>
    public static string Resolve(string? given)
    {
        if (!string.IsNullOrWhiteSpace(given))
        {
            return given;
        }

        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, ShippedSample);
                if (File.Exists(Path.Combine(candidate, "ratings.csv")))
                {
                    return candidate;
                }
            }
        }

        throw new CliException($"No --data given and {ShippedSample} was not found above {Environment.CurrentDirectory}; pass --data DIR.");
    }
}
