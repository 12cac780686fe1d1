namespace VideoRec.Import;

/// <summary>The outcome of an import: the dataset and what was read.</summary>
/// <param name="Dataset">Catalogue, profiles and interactions.</param>
/// <param name="Summary">Counts per file, including every skipped line by reason.</param>
public sealed record ImportResult(VideoRec.Core.Domain.Dataset Dataset, ImportSummary Summary);

/// <summary>Reads one on-disk dataset layout.</summary>
public interface IDatasetImporter
{
    /// <summary>Layout name, such as <c>movielens-100k</c>.</summary>
    string Layout { get; }

    /// <summary>Whether <paramref name="directory"/> holds this layout (decided by file names only).</summary>
    bool Recognizes(string directory);

    /// <summary>Imports the dataset in <paramref name="directory"/>.</summary>
    /// <exception cref="DataFormatException">A line is malformed; the message names file and line.</exception>
    /// <exception cref="FileNotFoundException">A required file is missing.</exception>
    ImportResult Import(string directory, RatingConversion ratings);
}
