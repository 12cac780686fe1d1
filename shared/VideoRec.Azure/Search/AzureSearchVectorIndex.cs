using System.Numerics.Tensors;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Search.Documents;
using Azure.Search.Documents.Indexes;
using Azure.Search.Documents.Models;
using Polly;
using Polly.Retry;
using VideoRec.Core.CandidateGeneration.Index;
using VideoRec.Core.Ingestion;

namespace VideoRec.Azure.Search;

/// <summary>
/// <see cref="IVideoVectorIndex"/> on Azure AI Search (<c>Azure.Search.Documents</c>): one document per video in an
/// index whose schema <see cref="AzureSearchIndexSchema"/> builds from code (<see cref="EnsureIndexAsync"/>), an HNSW
/// vector field with the metric of <see cref="AzureSearchOptions.Metric"/>, and filterable attributes.
/// </summary>
/// <remarks>
/// <para><b>Writes.</b> Upserts are <c>mergeOrUpload</c> actions in batches of at most <see cref="AzureSearchOptions.BatchSize"/>
/// documents and <see cref="AzureSearchOptions.MaxRequestBytes"/> bytes. Documents the service answers with a retryable
/// status (409, 422, 429, 5xx) are sent again, alone, with exponential back-off; documents it rejects, or that still fail
/// when the retries are spent, end the call with <see cref="AzureSearchIndexingException"/> naming their video ids (the
/// other documents are written). Under cosine a zero vector never matches, so it is not stored: its id is deleted.
/// Deletes first look up which of the keys exist (to return how many were removed), then delete those.</para>
/// <para><b>Search.</b> One vector query with <c>k</c> nearest neighbours, <c>top = k</c>, pre-filtering
/// (<see cref="VectorFilterMode.PreFilter"/>) with the OData filter of <see cref="AzureSearchFilter"/>, so that a
/// filter leaves k results whenever k videos pass it; only the video id (and, under inner product, the vector) is
/// selected. Scores: see <see cref="AzureSearchScores"/>.</para>
/// <para><b>Failures.</b> Requests that fail transiently (408, 429, 5xx, network, timeout) are retried by this class
/// alone (the SDK's own retries are off); when the retries are spent the caller sees <see cref="StoreUnavailableException"/>.
/// Other service errors surface as <see cref="RequestFailedException"/>. Thread-safe.</para>
/// </remarks>
public sealed class AzureSearchVectorIndex : IVideoVectorIndex
{
    /// <summary>The engine name reported by <see cref="Engine"/>.</summary>
    public const string EngineName = "azure-ai-search";

    /// <summary>Bytes of an action beyond its document: <c>"@search.action":"mergeOrUpload",</c> and the separators.</summary>
    private const int ActionOverheadBytes = 40;

    /// <summary>Bytes of the request envelope <c>{"value":[]}</c>, with room to spare.</summary>
    private const int EnvelopeBytes = 64;

    private readonly AzureSearchOptions _options;
    private readonly SearchClient _search;
    private readonly SearchIndexClient _indexes;
    private readonly ResiliencePipeline _retry;

    /// <summary>Authenticates with Microsoft Entra ID: a managed identity, <c>DefaultAzureCredential</c> or any other token credential.</summary>
    /// <param name="options">Endpoint, index, schema, batching and retries.</param>
    /// <param name="credential">The identity; it needs <c>Search Index Data Contributor</c> on the index (and <c>Search Service Contributor</c> for <see cref="EnsureIndexAsync"/>).</param>
    /// <param name="time">The clock of the retry waits; <c>null</c> for the system clock.</param>
    /// <param name="transport">The HTTP transport; <c>null</c> for the SDK's own (tests give a fake one).</param>
    /// <exception cref="ArgumentException">A setting is missing or out of range.</exception>
    public AzureSearchVectorIndex(AzureSearchOptions options, TokenCredential credential, TimeProvider? time = null, HttpPipelineTransport? transport = null)
        : this(Validated(options), time, transport, (endpoint, index, clientOptions) =>
        {
            ArgumentNullException.ThrowIfNull(credential);
            return (new SearchClient(endpoint, index, credential, clientOptions), new SearchIndexClient(endpoint, credential, clientOptions));
        })
    {
    }

    /// <summary>Authenticates with an admin API key of the service (local development; prefer a managed identity in Azure).</summary>
    /// <param name="options">Endpoint, index, schema, batching and retries.</param>
    /// <param name="apiKey">An admin key (queries alone would do with a query key, but writes need an admin key).</param>
    /// <param name="time">The clock of the retry waits; <c>null</c> for the system clock.</param>
    /// <param name="transport">The HTTP transport; <c>null</c> for the SDK's own (tests give a fake one).</param>
    /// <exception cref="ArgumentException">A setting is missing or out of range.</exception>
    public AzureSearchVectorIndex(AzureSearchOptions options, AzureKeyCredential apiKey, TimeProvider? time = null, HttpPipelineTransport? transport = null)
        : this(Validated(options), time, transport, (endpoint, index, clientOptions) =>
        {
            ArgumentNullException.ThrowIfNull(apiKey);
            return (new SearchClient(endpoint, index, apiKey, clientOptions), new SearchIndexClient(endpoint, apiKey, clientOptions));
        })
    {
    }

    private AzureSearchVectorIndex(AzureSearchOptions options, TimeProvider? time, HttpPipelineTransport? transport,
        Func<Uri, string, SearchClientOptions, (SearchClient, SearchIndexClient)> clients)
    {
        _options = options;
        var clientOptions = new SearchClientOptions();
        // One retry layer: ours (bounded, per document for partial failures, ending in clear exceptions).
        clientOptions.Retry.MaxRetries = 0;
        clientOptions.Retry.NetworkTimeout = options.RequestTimeout;
        if (transport is not null)
        {
            clientOptions.Transport = transport;
        }

        (_search, _indexes) = clients(options.Endpoint!, options.IndexName, clientOptions);
        _retry = BuildRetry(options, time ?? TimeProvider.System);
    }

    /// <summary>The settings in use.</summary>
    public AzureSearchOptions Options => _options;

    /// <inheritdoc />
    public string Engine => EngineName;

    /// <inheritdoc />
    public int Dimensions => _options.Dimensions;

    /// <inheritdoc />
    public VectorMetric Metric => _options.Metric;

    /// <summary>Creates the index, or updates it to <see cref="AzureSearchIndexSchema.Build"/> of the options (fields can be added, not changed).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="RequestFailedException">The service refused the definition (such as another vector size in an existing index).</exception>
    /// <exception cref="StoreUnavailableException">The service kept failing transiently.</exception>
    public async Task EnsureIndexAsync(CancellationToken cancellationToken = default)
    {
        var index = AzureSearchIndexSchema.Build(_options);
        await RunAsync("create or update", async ct => (await _indexes.CreateOrUpdateIndexAsync(index, cancellationToken: ct)).Value, cancellationToken);
    }

    /// <inheritdoc />
    /// <exception cref="StoreUnavailableException">The service kept failing transiently.</exception>
    public async ValueTask<long> CountAsync(CancellationToken cancellationToken = default) =>
        await RunAsync("count", async ct => (await _search.GetDocumentCountAsync(ct)).Value, cancellationToken);

    /// <inheritdoc />
    /// <exception cref="ArgumentException">A vector is invalid, or a video id is too long for a key (see <see cref="AzureSearchKeys"/>), or a document alone exceeds <see cref="AzureSearchOptions.MaxRequestBytes"/>.</exception>
    /// <exception cref="AzureSearchIndexingException">Some documents were rejected or kept failing.</exception>
    /// <exception cref="StoreUnavailableException">The service kept failing transiently.</exception>
    public async ValueTask UpsertAsync(IReadOnlyList<IndexedVideo> videos, CancellationToken cancellationToken = default)
    {
        var batch = VectorChecks.CheckBatch(videos, Dimensions);
        // Encode and check everything before the first request, so bad input writes nothing.
        var actions = new List<(IndexDocumentsAction<AzureSearchDocument> Action, int Bytes)>(batch.Count);
        foreach (var video in batch)
        {
            var document = AzureSearchDocument.From(video);
            if (Metric == VectorMetric.Cosine && TensorPrimitives.MaxMagnitude(video.Vector.Span) == 0)
            {
                var key = new AzureSearchDocument { Id = document.Id, VideoId = document.VideoId };
                actions.Add((IndexDocumentsAction.Delete(key), SizeOf(key)));
                continue;
            }

            var bytes = SizeOf(document);
            if (bytes + EnvelopeBytes > _options.MaxRequestBytes)
            {
                throw new ArgumentException(
                    $"Video '{video.VideoId}' makes a {bytes}-byte document, more than one request may carry ({_options.MaxRequestBytes} bytes).", nameof(videos));
            }

            actions.Add((IndexDocumentsAction.MergeOrUpload(document), bytes));
        }

        foreach (var chunk in Chunk(actions, _options.BatchSize, _options.MaxRequestBytes))
        {
            await IndexAsync(chunk, cancellationToken);
        }
    }

    /// <inheritdoc />
    /// <remarks>The count is of the ids found by a lookup just before the delete; ids no video can have are ignored.</remarks>
    /// <exception cref="AzureSearchIndexingException">Some deletions were rejected or kept failing.</exception>
    /// <exception cref="StoreUnavailableException">The service kept failing transiently.</exception>
    public async ValueTask<int> DeleteAsync(IReadOnlyCollection<string> videoIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(videoIds);
        var keys = videoIds.Select(AzureSearchKeys.TryEncode).OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
        var removed = 0;
        foreach (var chunk in keys.Chunk(_options.BatchSize))
        {
            var existing = await ExistingAsync(chunk, cancellationToken);
            if (existing.Count == 0)
            {
                continue;
            }

            var actions = existing.Select(key => IndexDocumentsAction.Delete(new AzureSearchDocument { Id = key, VideoId = AzureSearchKeys.Decode(key) })).ToList();
            await IndexAsync(actions, cancellationToken);
            removed += existing.Count;
        }

        return removed;
    }

    /// <inheritdoc />
    /// <exception cref="StoreUnavailableException">The service kept failing transiently.</exception>
    /// <exception cref="InvalidOperationException">The service answered out of shape (a hit without id or score, or a vector of another length).</exception>
    public async ValueTask<IReadOnlyList<VectorMatch>> SearchAsync(ReadOnlyMemory<float> query, int k, VectorSearchFilter? filter = null,
        CancellationToken cancellationToken = default)
    {
        VectorChecks.Check(query.Span, Dimensions, "query");
        VectorChecks.CheckK(k);
        if (Metric == VectorMetric.Cosine && TensorPrimitives.MaxMagnitude(query.Span) == 0)
        {
            return []; // a zero vector has no direction: it matches nothing
        }

        var options = BuildSearchOptions(query, k, filter);
        var matches = await RunAsync("search", async ct =>
        {
            var response = await _search.SearchAsync<AzureSearchDocument>(null, options, ct);
            var found = new List<VectorMatch>(Math.Min(k, 1024)); // k may be far above the hits (up to int.MaxValue)
            await foreach (var hit in response.Value.GetResultsAsync().WithCancellation(ct))
            {
                found.Add(ToMatch(hit, query.Span));
                if (found.Count == k)
                {
                    break;
                }
            }

            return found;
        }, cancellationToken);

        // The service ranks by its score, a monotonic function of the similarity; sort again (stably) on our values.
        return matches.Select((m, i) => (m, i)).OrderByDescending(x => x.m.Score).ThenBy(x => x.i).Select(x => x.m).ToArray();
    }

    /// <summary>The search request for a query: vector query (k, field), pre-filter, top k, selected fields.</summary>
    internal SearchOptions BuildSearchOptions(ReadOnlyMemory<float> query, int k, VectorSearchFilter? filter)
    {
        var options = new SearchOptions
        {
            Size = k,
            Filter = AzureSearchFilter.Build(filter),
            VectorSearch = new VectorSearchOptions
            {
                Queries = { new VectorizedQuery(query.ToArray()) { KNearestNeighborsCount = k, Fields = { AzureSearchIndexSchema.Vector } } },
                FilterMode = VectorFilterMode.PreFilter,
            },
        };
        options.Select.Add(AzureSearchIndexSchema.VideoId);
        if (Metric == VectorMetric.InnerProduct)
        {
            options.Select.Add(AzureSearchIndexSchema.Vector);
        }

        return options;
    }

    private VectorMatch ToMatch(SearchResult<AzureSearchDocument> hit, ReadOnlySpan<float> query)
    {
        var id = hit.Document?.VideoId;
        if (string.IsNullOrEmpty(id))
        {
            throw Malformed("a hit without a videoId");
        }

        if (Metric == VectorMetric.Cosine)
        {
            if (hit.Score is not { } score || !double.IsFinite(score) || score <= 0 || score > 1 + 1e-6)
            {
                throw Malformed($"hit '{id}' with the score {hit.Score?.ToString("R", System.Globalization.CultureInfo.InvariantCulture) ?? "null"}, not a cosine score in [1/3, 1]");
            }

            return new VectorMatch(id, (float)AzureSearchScores.CosineSimilarity(score));
        }

        var vector = hit.Document!.Vector;
        if (vector is null || vector.Length != Dimensions)
        {
            throw Malformed($"hit '{id}' with {(vector is null ? "no vector" : $"a vector of {vector.Length} values")} (is the vector field retrievable?)");
        }

        return new VectorMatch(id, TensorPrimitives.Dot(query, vector));
    }

    /// <summary>Which of <paramref name="keys"/> are indexed.</summary>
    private async Task<IReadOnlyCollection<string>> ExistingAsync(string[] keys, CancellationToken cancellationToken)
    {
        var options = new SearchOptions { Filter = AzureSearchFilter.In(AzureSearchIndexSchema.Key, keys), Size = keys.Length };
        options.Select.Add(AzureSearchIndexSchema.Key);
        return await RunAsync("lookup", async ct =>
        {
            var found = new HashSet<string>(StringComparer.Ordinal);
            var response = await _search.SearchAsync<AzureSearchDocument>(null, options, ct);
            await foreach (var hit in response.Value.GetResultsAsync().WithCancellation(ct))
            {
                if (hit.Document?.Id is { Length: > 0 } key)
                {
                    found.Add(key);
                }
            }

            return found;
        }, cancellationToken);
    }

    /// <summary>Sends one batch, retrying the documents that failed with a retryable status; see the class remarks.</summary>
    private async Task IndexAsync(IReadOnlyList<IndexDocumentsAction<AzureSearchDocument>> actions, CancellationToken cancellationToken)
    {
        var pending = actions;
        var rejected = new List<AzureSearchFailedDocument>();
        var attempts = 0;
        try
        {
            await _retry.ExecuteAsync(async ct =>
            {
                attempts++;
                var response = await _search.IndexDocumentsAsync(IndexDocumentsBatch.Create(pending.ToArray()),
                    new IndexDocumentsOptions { ThrowOnAnyError = false }, ct);
                var sent = pending.ToDictionary(a => a.Document.Id, StringComparer.Ordinal);
                var retry = new List<IndexDocumentsAction<AzureSearchDocument>>();
                var retryFailures = new List<AzureSearchFailedDocument>();
                foreach (var result in response.Value.Results)
                {
                    if (result.Succeeded)
                    {
                        continue;
                    }

                    if (result.Key is null || !sent.TryGetValue(result.Key, out var action))
                    {
                        throw Malformed($"an indexing result for the key '{result.Key}', which was not sent");
                    }

                    var failure = new AzureSearchFailedDocument(action.Document.VideoId, result.Status, result.ErrorMessage);
                    if (IsRetryableDocumentStatus(result.Status))
                    {
                        retry.Add(action);
                        retryFailures.Add(failure);
                    }
                    else
                    {
                        lock (rejected)
                        {
                            rejected.Add(failure);
                        }
                    }
                }

                if (retry.Count > 0)
                {
                    pending = retry;
                    throw new DocumentsFailedException(retryFailures);
                }
            }, cancellationToken);
        }
        catch (DocumentsFailedException e)
        {
            throw new AzureSearchIndexingException(_options.IndexName, [.. rejected, .. e.Failed], attempts);
        }
        catch (Exception e) when (IsTransientFailure(e, cancellationToken))
        {
            throw new StoreUnavailableException($"Azure AI Search index '{_options.IndexName}' is unavailable for indexing ({attempts} attempts): {Resilience.Describe(e)}", e);
        }

        if (rejected.Count > 0)
        {
            throw new AzureSearchIndexingException(_options.IndexName, rejected, attempts);
        }
    }

    /// <summary>Whether the service's status for one document is worth sending it again: 409 (conflict), 422 (index being updated), 429, 5xx (not 501/505).</summary>
    internal static bool IsRetryableDocumentStatus(int status) => status is 409 or 422 || Resilience.IsTransientStatus(status);

    /// <summary>Splits actions into batches of at most <paramref name="maxCount"/> documents and <paramref name="maxBytes"/> request bytes, in order.</summary>
    internal static IEnumerable<List<IndexDocumentsAction<AzureSearchDocument>>> Chunk(
        IReadOnlyList<(IndexDocumentsAction<AzureSearchDocument> Action, int Bytes)> actions, int maxCount, int maxBytes)
    {
        var chunk = new List<IndexDocumentsAction<AzureSearchDocument>>();
        var bytes = EnvelopeBytes;
        foreach (var (action, size) in actions)
        {
            if (chunk.Count > 0 && (chunk.Count == maxCount || bytes + size > maxBytes))
            {
                yield return chunk;
                chunk = [];
                bytes = EnvelopeBytes;
            }

            chunk.Add(action);
            bytes += size;
        }

        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }

    /// <summary>The estimated bytes of a document's action in a request: its JSON plus the action's overhead.</summary>
    internal static int SizeOf(AzureSearchDocument document) => JsonSerializer.SerializeToUtf8Bytes(document).Length + ActionOverheadBytes;

    private async Task<T> RunAsync<T>(string what, Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await _retry.ExecuteAsync(call, cancellationToken);
        }
        catch (Exception e) when (IsTransientFailure(e, cancellationToken))
        {
            throw new StoreUnavailableException($"Azure AI Search index '{_options.IndexName}' is unavailable ({what}): {Resilience.Describe(e)}", e);
        }
    }

    private static bool IsTransientFailure(Exception e, CancellationToken cancellationToken) =>
        e is not DocumentsFailedException &&
        (Resilience.IsTransient(e) || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested));

    private InvalidOperationException Malformed(string what) => new($"Azure AI Search index '{_options.IndexName}' answered with {what}.");

    private static ResiliencePipeline BuildRetry(AzureSearchOptions options, TimeProvider time) => options.MaxRetryAttempts == 0
        ? ResiliencePipeline.Empty
        : new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                // A timeout of the SDK's own surfaces as OperationCanceledException without our token being cancelled.
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e &&
                    (e is DocumentsFailedException || Resilience.IsTransient(e) ||
                     (e is OperationCanceledException && !args.Context.CancellationToken.IsCancellationRequested))),
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
            })
            .Build();

    private static AzureSearchOptions Validated(AzureSearchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return options;
    }

    /// <summary>Documents that failed with a retryable status in one attempt (internal: drives the retry, never escapes).</summary>
    private sealed class DocumentsFailedException(IReadOnlyList<AzureSearchFailedDocument> failed) : Exception("Some documents failed with a retryable status.")
    {
        public IReadOnlyList<AzureSearchFailedDocument> Failed { get; } = failed;
    }
}
