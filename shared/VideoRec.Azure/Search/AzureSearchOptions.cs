using System.Text.RegularExpressions;
using VideoRec.Core.CandidateGeneration.Index;

namespace VideoRec.Azure.Search;

/// <summary>
/// Settings of <see cref="AzureSearchVectorIndex"/> (section <c>VideoRec:Search</c> in configuration). The credential
/// (a managed identity by default, or an admin API key for local use) is given apart from these settings.
/// </summary>
/// <remarks>
/// The index schema derives from <see cref="Dimensions"/>, <see cref="Metric"/> and the HNSW parameters; the service
/// cannot change a vector field's dimensions or metric in place, so changing those needs a new <see cref="IndexName"/>.
/// </remarks>
public sealed partial record AzureSearchOptions
{
    /// <summary>Most documents the service takes in one indexing request.</summary>
    public const int MaxBatchSize = 1000;

    /// <summary>The service's limit on one indexing request's body, 16 MB.</summary>
    public const int MaxRequestBodyBytes = 16 * 1000 * 1000;

    /// <summary>Fewest vector dimensions a vector field accepts.</summary>
    public const int MinDimensions = 2;

    /// <summary>Most vector dimensions a vector field accepts (REST API 2023-11-01, the version of Azure.Search.Documents 11.5).</summary>
    public const int MaxDimensions = 3072;

    /// <summary>The search service endpoint, such as <c>https://my-search.search.windows.net</c>. Required.</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>
    /// The index name: 2 to 128 lower-case letters, digits or dashes, starting and ending with a letter or digit, no
    /// two dashes in a row (the service's naming rules). Default <c>videos</c>.
    /// </summary>
    public string IndexName { get; init; } = "videos";

    /// <summary>Vector length, 2 to <see cref="MaxDimensions"/>; must equal the embedding model's. Default 64 (the two-tower and WALS size).</summary>
    public int Dimensions { get; init; } = 64;

    /// <summary>
    /// The similarity the index ranks by: <see cref="VectorMetric.Cosine"/> becomes the service's <c>cosine</c>,
    /// <see cref="VectorMetric.InnerProduct"/> its <c>dotProduct</c>. Default inner product.
    /// </summary>
    public VectorMetric Metric { get; init; } = VectorMetric.InnerProduct;

    /// <summary>HNSW <c>m</c>: bi-directional links per node, 4 to 10 (the service's range). Default 4 (the service's default).</summary>
    public int HnswM { get; init; } = 4;

    /// <summary>HNSW <c>efConstruction</c>: candidate list size while building, 100 to 1000. Default 400 (the service's default).</summary>
    public int HnswEfConstruction { get; init; } = 400;

    /// <summary>HNSW <c>efSearch</c>: candidate list size while searching, 100 to 1000. Default 500 (the service's default).</summary>
    public int HnswEfSearch { get; init; } = 500;

    /// <summary>Documents per indexing request, 1 to <see cref="MaxBatchSize"/>. Default 1000.</summary>
    public int BatchSize { get; init; } = MaxBatchSize;

    /// <summary>
    /// Largest indexing request body, in bytes, 1,024 to <see cref="MaxRequestBodyBytes"/>; a batch whose documents
    /// would exceed it is split further (large vectors). Default 12,000,000, a margin under the service's 16 MB.
    /// </summary>
    public int MaxRequestBytes { get; init; } = 12_000_000;

    /// <summary>
    /// Retries of a request that failed transiently (408, 429, 5xx, network, timeout) and of documents the service
    /// answered with a retryable status (409, 422, 429, 5xx). Default 5; 0 never retries.
    /// </summary>
    public int MaxRetryAttempts { get; init; } = 5;

    /// <summary>Base delay of the exponential, jittered back-off. Default 500 ms.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest wait before a retry. Default 30 s.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one HTTP request may take before it is abandoned (and retried as transient). Default 100 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>Checks the settings, naming every one that is wrong.</summary>
    /// <exception cref="ArgumentException">One or more settings are missing or out of range; the message names each.</exception>
    public void Validate()
    {
        var errors = new List<(string Name, string Message)>();
        void Check(bool ok, string name, string rule)
        {
            if (!ok)
            {
                errors.Add((name, $"AzureSearchOptions.{name} {rule}"));
            }
        }

        Check(Endpoint is { IsAbsoluteUri: true } e && (e.Scheme == Uri.UriSchemeHttps || e.Scheme == Uri.UriSchemeHttp), nameof(Endpoint),
            "must be the absolute http(s) URI of the search service, such as https://my-search.search.windows.net.");
        Check(IndexName is not null && IndexNamePattern().IsMatch(IndexName) && !IndexName.Contains("--", StringComparison.Ordinal), nameof(IndexName),
            $"must be 2 to 128 lower-case letters, digits or dashes, starting and ending with a letter or digit, without '--' (was '{IndexName}').");
        Check(Dimensions is >= MinDimensions and <= MaxDimensions, nameof(Dimensions), $"must be between {MinDimensions} and {MaxDimensions} (was {Dimensions}).");
        Check(Enum.IsDefined(Metric), nameof(Metric), $"must be Cosine or InnerProduct (was {Metric}).");
        Check(HnswM is >= 4 and <= 10, nameof(HnswM), $"must be between 4 and 10 (was {HnswM}).");
        Check(HnswEfConstruction is >= 100 and <= 1000, nameof(HnswEfConstruction), $"must be between 100 and 1000 (was {HnswEfConstruction}).");
        Check(HnswEfSearch is >= 100 and <= 1000, nameof(HnswEfSearch), $"must be between 100 and 1000 (was {HnswEfSearch}).");
        Check(BatchSize is >= 1 and <= MaxBatchSize, nameof(BatchSize), $"must be between 1 and {MaxBatchSize} (was {BatchSize}).");
        Check(MaxRequestBytes is >= 1024 and <= MaxRequestBodyBytes, nameof(MaxRequestBytes), $"must be between 1024 and {MaxRequestBodyBytes} (was {MaxRequestBytes}).");
        Check(MaxRetryAttempts >= 0, nameof(MaxRetryAttempts), $"must not be negative (was {MaxRetryAttempts}).");
        Check(BaseDelay >= TimeSpan.Zero && BaseDelay <= TimeSpan.FromHours(1), nameof(BaseDelay), $"must be between zero and one hour (was {BaseDelay}).");
        Check(MaxDelay >= BaseDelay && MaxDelay <= TimeSpan.FromHours(1), nameof(MaxDelay), $"must be between BaseDelay and one hour (was {MaxDelay}).");
        Check(RequestTimeout > TimeSpan.Zero, nameof(RequestTimeout), $"must be positive (was {RequestTimeout}).");
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors.Select(x => x.Message)), errors[0].Name);
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,126}[a-z0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex IndexNamePattern();
}
