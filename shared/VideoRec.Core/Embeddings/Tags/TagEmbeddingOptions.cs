namespace VideoRec.Core.Embeddings.Tags;

/// <summary>
/// Settings of the tag-embedding model: skip-gram with negative sampling (Mikolov et al. 2013, "Distributed
/// Representations of Words and Phrases and their Compositionality") over tag co-occurrence, the "light CBOW-style
/// model" of the design's video features.
/// </summary>
public sealed record TagEmbeddingOptions
{
    /// <summary>Vector length. Default 32.</summary>
    public int Dimensions { get; init; } = 32;

    /// <summary>Negative samples per positive pair, drawn from tag frequency^0.75. Default 5.</summary>
    public int Negatives { get; init; } = 5;

    /// <summary>Passes over the pairs. Default 15.</summary>
    public int Epochs { get; init; } = 15;

    /// <summary>Initial learning rate, decayed linearly to 1e-4 of it. Default 0.025 (word2vec's skip-gram default).</summary>
    public double LearningRate { get; init; } = 0.025;

    /// <summary>Tags used on fewer videos are left out of the vocabulary. Default 2.</summary>
    public int MinCount { get; init; } = 2;

    /// <summary>
    /// Liked-video window: the tags of a liked video are paired with the tags of the user's next
    /// <see cref="LikedWindow"/> liked videos in time order (0 turns the user context off). Default 1.
    /// </summary>
    public int LikedWindow { get; init; } = 1;

    /// <summary>
    /// Tag pairs drawn at random for each pair of nearby liked videos (every combination would be |tags(a)| × |tags(b)|
    /// pairs, millions on a small dataset). Default 2.
    /// </summary>
    public int LikedPairsPerStep { get; init; } = 2;

    /// <summary>
    /// Frequent-tag subsampling threshold t (Mikolov et al. 2013, section 2.3): a pair whose center tag has frequency
    /// share f is used in an epoch with probability min(1, √(t/f) + t/f), so genre-like tags on thousands of videos do
    /// not crowd out the informative ones. Default 1e-3; 0 turns it off.
    /// </summary>
    public double Subsample { get; init; } = 1e-3;

    /// <summary>Most tags of one video used as context (the first ones; keeps heavily tagged videos from dominating). Default 24.</summary>
    public int MaxTagsPerVideo { get; init; } = 24;

    /// <summary>Seed of the initialisation, the shuffling and the negative sampling.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public TagEmbeddingOptions Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Dimensions, 2, nameof(Dimensions));
        ArgumentOutOfRangeException.ThrowIfLessThan(Negatives, 1, nameof(Negatives));
        ArgumentOutOfRangeException.ThrowIfLessThan(Epochs, 1, nameof(Epochs));
        ArgumentOutOfRangeException.ThrowIfLessThan(MinCount, 1, nameof(MinCount));
        ArgumentOutOfRangeException.ThrowIfNegative(LikedWindow, nameof(LikedWindow));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTagsPerVideo, 2, nameof(MaxTagsPerVideo));
        ArgumentOutOfRangeException.ThrowIfLessThan(LikedPairsPerStep, 1, nameof(LikedPairsPerStep));
        if (!(Subsample >= 0 && Subsample < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Subsample), Subsample, "Subsample must be in [0, 1).");
        }
        if (!(LearningRate > 0 && LearningRate <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "LearningRate must be in (0, 1].");
        }

        return this;
    }
}
