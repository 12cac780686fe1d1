namespace VideoRec.Core.Embeddings;

/// <summary>How text embeddings are refreshed.</summary>
public sealed record EmbeddingOptions
{
    /// <summary>
    /// How many of a user's most recent search queries the search-history embedding averages (design, "User features").
    /// Default 10; at most the aggregates' recent list length, which bounds what is kept.
    /// </summary>
    public int SearchHistoryLength { get; init; } = 10;

    /// <summary>Texts sent to the embedding generator per call. Default 64.</summary>
    public int GeneratorBatchSize { get; init; } = 64;

    /// <summary>Embeddings written to the store per call. Default 500.</summary>
    public int StoreBatchSize { get; init; } = 500;

    /// <summary>Fields embedded for each video. Default: title and tags.</summary>
    public IReadOnlyList<VideoTextField> VideoFields { get; init; } = [VideoTextField.Title, VideoTextField.Tags];

    /// <summary>Deliveries of a refresh message before it goes to the poison queue. Default 5.</summary>
    public int MaxDeliveryAttempts { get; init; } = 5;

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public EmbeddingOptions Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(SearchHistoryLength, 1, nameof(SearchHistoryLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(GeneratorBatchSize, 1, nameof(GeneratorBatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(StoreBatchSize, 1, nameof(StoreBatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDeliveryAttempts, 1, nameof(MaxDeliveryAttempts));
        if (VideoFields.Count == 0 || VideoFields.Distinct().Count() != VideoFields.Count || VideoFields.Any(f => !Enum.IsDefined(f)))
        {
            throw new ArgumentOutOfRangeException(nameof(VideoFields), "VideoFields must list distinct known fields, at least one.");
        }

        return this;
    }
}
