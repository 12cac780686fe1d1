namespace VideoRec.Azure.Search;

/// <summary>One document the search service did not index or delete.</summary>
/// <param name="VideoId">The video.</param>
/// <param name="Status">The status the service gave the document, such as 400, 429 or 503.</param>
/// <param name="Message">The service's error message, if any.</param>
public sealed record AzureSearchFailedDocument(string VideoId, int Status, string? Message);

/// <summary>
/// Some documents of an upsert or delete failed in Azure AI Search: rejected (such as 400), or still failing with a
/// retryable status (409, 422, 429, 5xx) when the retries were spent. The other documents of the call were written.
/// </summary>
public sealed class AzureSearchIndexingException : Exception
{
    /// <summary>An exception naming the failed documents.</summary>
    /// <param name="indexName">The index.</param>
    /// <param name="failed">The documents that failed, at least one.</param>
    /// <param name="attempts">Attempts made for the last failed documents.</param>
    public AzureSearchIndexingException(string indexName, IReadOnlyList<AzureSearchFailedDocument> failed, int attempts)
        : base(Describe(indexName, failed, attempts))
    {
        IndexName = indexName;
        Failed = failed;
        Attempts = attempts;
    }

    /// <summary>The index.</summary>
    public string IndexName { get; }

    /// <summary>The documents that failed, with their statuses.</summary>
    public IReadOnlyList<AzureSearchFailedDocument> Failed { get; }

    /// <summary>The ids of the videos that failed.</summary>
    public IReadOnlyList<string> FailedVideoIds => Failed.Select(f => f.VideoId).ToArray();

    /// <summary>Attempts made for the documents that were still failing.</summary>
    public int Attempts { get; }

    private static string Describe(string indexName, IReadOnlyList<AzureSearchFailedDocument> failed, int attempts)
    {
        const int Shown = 20;
        var listed = string.Join(", ", failed.Take(Shown).Select(f => $"'{f.VideoId}' (HTTP {f.Status}{(string.IsNullOrEmpty(f.Message) ? "" : ": " + f.Message)})"));
        var more = failed.Count > Shown ? $" and {failed.Count - Shown} more" : "";
        var tries = attempts == 1 ? "1 attempt" : $"{attempts} attempts";
        return $"Azure AI Search index '{indexName}' failed {failed.Count} document(s) after {tries}: {listed}{more}.";
    }
}
