namespace VideoRec.Import;

/// <summary>Recognises a data folder by its files and imports it with the matching importer.</summary>
public static class DatasetLoader
{
    /// <summary>The layouts tried, in order.</summary>
    public static IReadOnlyList<IDatasetImporter> Importers { get; } = [new MovieLens100KImporter(), new MovieLensLatestImporter()];

    /// <summary>Imports the dataset in <paramref name="directory"/>.</summary>
    /// <param name="directory">A MovieLens 100K folder (u.data, u.item, u.user) or a MovieLens "latest" folder (ratings.csv, movies.csv, tags.csv).</param>
    /// <param name="ratings">Rating thresholds; <see cref="RatingConversion.Default"/> when <c>null</c>.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">No known layout matches; the message lists the files expected.</exception>
    /// <exception cref="DataFormatException">A line is malformed.</exception>
    /// <exception cref="ArgumentException">The rating thresholds are inconsistent.</exception>
    public static ImportResult Load(string directory, RatingConversion? ratings = null)
    {
        if (File.Exists(directory))
        {
            throw new DirectoryNotFoundException($"{directory}: is a file, not a data folder (give the folder that holds the data files).");
        }

        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"{directory}: data folder not found.");
        }

        (ratings ?? RatingConversion.Default).Validate();

        var matching = Importers.Where(i => i.Recognizes(directory)).ToArray();
        if (matching.Length > 1)
        {
            throw new InvalidDataException(
                $"{directory}: holds files of several layouts ({string.Join(", ", matching.Select(i => i.Layout))}); put each dataset in its own folder.");
        }

        var importer = matching.FirstOrDefault()
            ?? throw new InvalidDataException(
                $"{directory}: not a recognised data folder. Expected MovieLens 100K files (u.data and u.item; u.user and u.genre optional) or MovieLens 'latest' files (ratings.csv and movies.csv; tags.csv optional).");
        var result = importer.Import(directory, ratings ?? RatingConversion.Default);
        return result with { Summary = result.Summary with { Sha256 = Fingerprint(directory, result.Summary.Files) } };
    }

    /// <summary>
    /// SHA-256 over each file's name, length and bytes, in the order given, so that moving bytes between files or
    /// renaming one changes the hash.
    /// </summary>
    private static string Fingerprint(string directory, IEnumerable<FileSummary> files)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        foreach (var file in files)
        {
            using var stream = File.OpenRead(Path.Combine(directory, file.File));
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"{file.File}\n{stream.Length}\n"));
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
