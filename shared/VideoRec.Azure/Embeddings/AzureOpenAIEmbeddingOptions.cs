namespace VideoRec.Azure.Embeddings;

/// <summary>
/// Settings of <see cref="AzureOpenAIEmbeddingGenerator"/> (section <c>VideoRec:Embeddings:AzureOpenAI</c> in
/// configuration). The credential (a managed identity or an API key) is given apart from these settings.
/// </summary>
public sealed record AzureOpenAIEmbeddingOptions
{
    /// <summary>Most inputs the service takes in one embeddings request.</summary>
    public const int MaxBatchSize = 2048;

    /// <summary>The Azure OpenAI resource endpoint, such as <c>https://my-resource.openai.azure.com/</c>. Required.</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>The name of the embedding deployment (a <c>text-embedding-3-small</c>-class model). Required.</summary>
    public string Deployment { get; init; } = "";

    /// <summary>
    /// Length of the vectors, sent to the service as its <c>dimensions</c> parameter (<c>text-embedding-3</c> models
    /// shorten their vectors to it), and the length of the all-zero vectors of empty texts. Default 1536, the native
    /// size of <c>text-embedding-3-small</c>; 384 matches the embedded encoder's size.
    /// </summary>
    public int Dimensions { get; init; } = 1536;

    /// <summary>Inputs per request, 1 to <see cref="MaxBatchSize"/>. Default 64.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Retries of a request that failed transiently (408, 429, 5xx, network, timeout). Default 6; 0 never retries.</summary>
    public int MaxRetryAttempts { get; init; } = 6;

    /// <summary>Base delay of the exponential, jittered back-off used when the service gives no retry-after header. Default 500 ms.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest wait before a retry, also the cap of the service's retry-after headers. Default 60 s.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long one request may take before it is abandoned (and retried as a transient failure). Default 100 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">A setting is missing or out of range.</exception>
    public void Validate()
    {
        if (Endpoint is null || !Endpoint.IsAbsoluteUri)
        {
            throw new ArgumentException("AzureOpenAIEmbeddingOptions.Endpoint must be the absolute URI of the Azure OpenAI resource.", nameof(Endpoint));
        }

        if (string.IsNullOrWhiteSpace(Deployment))
        {
            throw new ArgumentException("AzureOpenAIEmbeddingOptions.Deployment must name the embedding deployment.", nameof(Deployment));
        }

        Check(Dimensions >= 1, nameof(Dimensions), Dimensions, "must be positive");
        Check(BatchSize is >= 1 and <= MaxBatchSize, nameof(BatchSize), BatchSize, $"must be between 1 and {MaxBatchSize}");
        Check(MaxRetryAttempts >= 0, nameof(MaxRetryAttempts), MaxRetryAttempts, "must not be negative");
        Check(BaseDelay >= TimeSpan.Zero && BaseDelay <= TimeSpan.FromDays(1), nameof(BaseDelay), BaseDelay, "must be between zero and one day");
        Check(MaxDelay >= BaseDelay && MaxDelay <= TimeSpan.FromDays(1), nameof(MaxDelay), MaxDelay, "must be between BaseDelay and one day");
        Check(RequestTimeout > TimeSpan.Zero, nameof(RequestTimeout), RequestTimeout, "must be positive");
    }

    private static void Check(bool ok, string name, object value, string rule)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(name, value, $"AzureOpenAIEmbeddingOptions.{name} {rule}.");
        }
    }
}
