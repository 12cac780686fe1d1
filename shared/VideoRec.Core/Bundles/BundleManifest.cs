using VideoRec.Core.Feedback;
using VideoRec.Core.Models.Wals;

namespace VideoRec.Core.Bundles;

/// <summary>Where a bundle's training data came from.</summary>
/// <param name="Name">Dataset name, such as <c>ml-latest-small</c>.</param>
/// <param name="Layout">Importer layout, such as <c>movielens-latest</c>.</param>
/// <param name="Sha256">SHA-256 of the data files read, hex; identifies the exact input.</param>
/// <param name="Users">Users in the training data.</param>
/// <param name="Videos">Videos in the catalogue.</param>
/// <param name="Pairs">Observed (user, video) pairs trained on.</param>
public sealed record BundleData(string Name, string Layout, string Sha256, int Users, int Videos, int Pairs);

/// <summary>
/// The manifest of a model bundle (<c>manifest.json</c>): what was trained, on what, with which settings, and how
/// well it did on a held-out split.
/// </summary>
public sealed record BundleManifest
{
    /// <summary>The bundle format this code reads and writes.</summary>
    public const int CurrentFormat = 1;

    /// <summary>Bundle format version.</summary>
    public int FormatVersion { get; init; } = CurrentFormat;

    /// <summary>The model version served in responses, unique per training run, such as <c>wals-20261129T150102Z-3fa2c1d0</c>.</summary>
    public required string ModelVersion { get; init; }

    /// <summary>When training finished, UTC.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The training data.</summary>
    public required BundleData Data { get; init; }

    /// <summary>WALS hyperparameters.</summary>
    public required WalsOptions Wals { get; init; }

    /// <summary>The relevance label used to build the feedback matrix.</summary>
    public required RelevancePolicy Relevance { get; init; }

    /// <summary>Strength per interaction kind.</summary>
    public required FeedbackWeights Weights { get; init; }

    /// <summary>Held-out metrics measured before the final fit, by name (for example <c>ndcg</c>); empty when skipped.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();
}
