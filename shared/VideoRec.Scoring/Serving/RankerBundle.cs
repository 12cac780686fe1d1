using System.Text.Json;
using VideoRec.Core.Scoring;
using VideoRec.Scoring.Model;
using VideoRec.Scoring.Onnx;

namespace VideoRec.Scoring.Serving;

/// <summary>
/// The ranker's folder inside a model bundle (<c>ranker/</c>), versioned together: <c>ranker.onnx</c> (the graph, with
/// the layout, stats and description also in its metadata), <c>features.json</c> (the feature layout's settings),
/// <c>normalization.json</c> (per-column mean and std) and <c>ranker.json</c> (version, architecture, layout fingerprint,
/// score weights). <see cref="Load"/> refuses a folder whose files disagree with the graph's metadata.
/// </summary>
public static class RankerBundle
{
    /// <summary>The folder's name inside a model bundle.</summary>
    public const string FolderName = "ranker";

    /// <summary>The graph's file name.</summary>
    public const string ModelFile = "ranker.onnx";

    /// <summary>The feature layout's file name.</summary>
    public const string FeaturesFile = "features.json";

    /// <summary>The normalization stats' file name.</summary>
    public const string NormalizationFile = "normalization.json";

    /// <summary>The description's file name.</summary>
    public const string DescriptionFile = "ranker.json";

    /// <summary>The co-watch neighbour lists' file name (present when the layout reads <c>cowatch_*</c>).</summary>
    public const string CoWatchFile = "cowatch.bin";

    /// <summary>Writes the four files of <paramref name="weights"/> into <paramref name="folder"/> (created when missing), and <see cref="CoWatchFile"/> when the layout reads co-watch features.</summary>
    /// <param name="weights">The trained ranker.</param>
    /// <param name="folder">The target folder, usually <c>&lt;bundle&gt;/ranker</c>.</param>
    /// <param name="coWatch">The co-watch lists the ranker reads; required when <c>weights.Features.Settings.CoWatch</c>.</param>
    /// <exception cref="ArgumentException">The weights are inconsistent, or the layout reads co-watch features and <paramref name="coWatch"/> is null.</exception>
    public static void Write(RankerWeights weights, string folder, CoWatchNeighbours? coWatch = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentException.ThrowIfNullOrEmpty(folder);
        weights.Validate();
        if (weights.Features.Settings.CoWatch && coWatch is null)
        {
            throw new ArgumentException("The ranker reads co-watch features: pass the co-watch lists it was trained with.", nameof(coWatch));
        }

        Directory.CreateDirectory(folder);
        if (weights.Features.Settings.CoWatch)
        {
            coWatch!.Save(Path.Combine(folder, CoWatchFile));
        }

        RankerOnnxExporter.Export(weights, Path.Combine(folder, ModelFile));
        File.WriteAllText(Path.Combine(folder, FeaturesFile), weights.Features.ToJson());
        File.WriteAllText(Path.Combine(folder, NormalizationFile), weights.Normalization.ToJson());
        using var scorer = OnnxScorer.Load(Path.Combine(folder, ModelFile));
        File.WriteAllText(Path.Combine(folder, DescriptionFile), JsonSerializer.Serialize(scorer.Description));
    }

    /// <summary>Loads the ranker in <paramref name="folder"/> for ONNX Runtime (no TorchSharp).</summary>
    /// <param name="folder">The ranker folder, usually <c>&lt;bundle&gt;/ranker</c>.</param>
    /// <param name="intraOpThreads">ONNX Runtime threads per call (1 suits serving many concurrent requests).</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">One of the four files is missing (the message names it).</exception>
    /// <exception cref="InvalidDataException">A file is unreadable, or the layout, stats or description differ from the graph's metadata (the message names the file).</exception>
    public static OnnxScorer Load(string folder, int intraOpThreads = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The ranker folder '{folder}' does not exist.");
        }

        foreach (var file in new[] { ModelFile, FeaturesFile, NormalizationFile, DescriptionFile })
        {
            if (!File.Exists(Path.Combine(folder, file)))
            {
                throw new FileNotFoundException($"The ranker folder '{folder}' lacks {file}.", Path.Combine(folder, file));
            }
        }

        var scorer = OnnxScorer.Load(Path.Combine(folder, ModelFile), intraOpThreads);
        try
        {
            var features = Read(folder, FeaturesFile, ScoringFeatures.FromJson);
            if (features.Fingerprint != scorer.Features.Fingerprint)
            {
                throw new InvalidDataException($"{Path.Combine(folder, FeaturesFile)} describes layout {features.Fingerprint}; {ModelFile} was trained on {scorer.Features.Fingerprint}.");
            }

            var stats = Read(folder, NormalizationFile, NormalizationStats.FromJson);
            if (!stats.Mean.AsSpan().SequenceEqual(scorer.Normalization.Mean) || !stats.Std.AsSpan().SequenceEqual(scorer.Normalization.Std))
            {
                throw new InvalidDataException($"{Path.Combine(folder, NormalizationFile)} differs from the stats in {ModelFile}.");
            }

            RankerDescription? description;
            try
            {
                description = JsonSerializer.Deserialize<RankerDescription>(File.ReadAllText(Path.Combine(folder, DescriptionFile)));
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{Path.Combine(folder, DescriptionFile)} is not valid JSON: {e.Message}", e);
            }

            if (description is null || description.version != scorer.Description.version || description.fingerprint != scorer.Description.fingerprint
                || description.architecture != scorer.Description.architecture)
            {
                throw new InvalidDataException($"{Path.Combine(folder, DescriptionFile)} (version, architecture, fingerprint) differs from {ModelFile}.");
            }

            if (features.Settings.CoWatch && !File.Exists(Path.Combine(folder, CoWatchFile)))
            {
                throw new FileNotFoundException($"The ranker folder '{folder}' lacks {CoWatchFile}, which its layout reads.", Path.Combine(folder, CoWatchFile));
            }

            return scorer;
        }
        catch
        {
            scorer.Dispose();
            throw;
        }
    }

    /// <summary>The co-watch lists in <paramref name="folder"/>, or <c>null</c> when the folder has none.</summary>
    /// <exception cref="InvalidDataException">The file is damaged (the message names it).</exception>
    public static CoWatchNeighbours? LoadCoWatch(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        var path = Path.Combine(folder, CoWatchFile);
        return File.Exists(path) ? CoWatchNeighbours.Load(path) : null;
    }

    /// <summary>Parses one JSON file of the folder; an unreadable one is an <see cref="InvalidDataException"/> naming it.</summary>
    private static T Read<T>(string folder, string file, Func<string, T> parse)
    {
        var path = Path.Combine(folder, file);
        try
        {
            return parse(File.ReadAllText(path));
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }
}
