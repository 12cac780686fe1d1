using System.ClientModel;
using System.ClientModel.Primitives;
using System.Globalization;
using System.Net.Sockets;
using Azure.AI.OpenAI;
using Azure.Core;
using Microsoft.Extensions.AI;
using OpenAI.Embeddings;
using Polly;
using Polly.Retry;
using MeaiEmbeddingOptions = Microsoft.Extensions.AI.EmbeddingGenerationOptions;
using OpenAIEmbeddingOptions = OpenAI.Embeddings.EmbeddingGenerationOptions;

namespace VideoRec.Azure.Embeddings;

/// <summary>
/// Text embeddings from an Azure OpenAI deployment (a <c>text-embedding-3-small</c>-class model) through
/// <c>Azure.AI.OpenAI</c>. The inputs are sent in batches of <see cref="AzureOpenAIEmbeddingOptions.BatchSize"/>, one
/// request after another, and come back in their order. Empty and whitespace-only texts are not sent: they come back as
/// all-zero vectors of the configured dimension, as from the embedded encoder. Every request asks for
/// <see cref="AzureOpenAIEmbeddingOptions.Dimensions"/> (the API's <c>dimensions</c> parameter).
/// </summary>
/// <remarks>
/// Retries are this class's alone (the SDK's own retry policy is switched off): 408, 429 and 5xx answers (except 501
/// and 505), network failures and request timeouts are retried up to <see cref="AzureOpenAIEmbeddingOptions.MaxRetryAttempts"/>
/// times. The wait is what the service asks for in <c>retry-after-ms</c>, <c>x-ms-retry-after-ms</c> or
/// <c>Retry-After</c> (seconds or a date) when it sends one, else exponential back-off with jitter from
/// <see cref="AzureOpenAIEmbeddingOptions.BaseDelay"/>; never longer than <see cref="AzureOpenAIEmbeddingOptions.MaxDelay"/>.
/// Other client errors are not retried. Failures surface as <see cref="EmbeddingServiceException"/>, naming the
/// deployment and the status; cancellation as <see cref="OperationCanceledException"/>. Thread-safe.
/// </remarks>
public sealed class AzureOpenAIEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The provider name in <see cref="EmbeddingGeneratorMetadata"/>.</summary>
    public const string ProviderName = "azure.ai.openai";

    private readonly AzureOpenAIEmbeddingOptions _options;
    private readonly EmbeddingClient _client;
    private readonly TimeProvider _time;
    private readonly ResiliencePipeline _retry;
    private readonly EmbeddingGeneratorMetadata _metadata;

    /// <summary>Authenticates with Microsoft Entra ID: a managed identity, <c>DefaultAzureCredential</c> or any other token credential.</summary>
    /// <param name="options">Endpoint, deployment, dimensions, batching and retries.</param>
    /// <param name="credential">The identity; it needs the <c>Cognitive Services OpenAI User</c> role on the resource.</param>
    /// <param name="time">The clock of the retry waits; <c>null</c> for the system clock.</param>
    /// <param name="transport">The HTTP transport; <c>null</c> for the SDK's own (tests give a fake one).</param>
    /// <exception cref="ArgumentException">A setting is missing or out of range.</exception>
    public AzureOpenAIEmbeddingGenerator(AzureOpenAIEmbeddingOptions options, TokenCredential credential, TimeProvider? time = null,
        PipelineTransport? transport = null)
        : this(Validated(options), o => new AzureOpenAIClient(o.Endpoint, credential ?? throw new ArgumentNullException(nameof(credential)), ClientOptions(o, transport)), time)
    {
    }

    /// <summary>Authenticates with an API key of the resource.</summary>
    /// <param name="options">Endpoint, deployment, dimensions, batching and retries.</param>
    /// <param name="apiKey">One of the resource's keys.</param>
    /// <param name="time">The clock of the retry waits; <c>null</c> for the system clock.</param>
    /// <param name="transport">The HTTP transport; <c>null</c> for the SDK's own (tests give a fake one).</param>
    /// <exception cref="ArgumentException">A setting is missing or out of range.</exception>
    public AzureOpenAIEmbeddingGenerator(AzureOpenAIEmbeddingOptions options, ApiKeyCredential apiKey, TimeProvider? time = null,
        PipelineTransport? transport = null)
        : this(Validated(options), o => new AzureOpenAIClient(o.Endpoint, apiKey ?? throw new ArgumentNullException(nameof(apiKey)), ClientOptions(o, transport)), time)
    {
    }

    private AzureOpenAIEmbeddingGenerator(AzureOpenAIEmbeddingOptions options, Func<AzureOpenAIEmbeddingOptions, AzureOpenAIClient> client, TimeProvider? time)
    {
        _options = options;
        _client = client(options).GetEmbeddingClient(options.Deployment);
        _time = time ?? TimeProvider.System;
        _retry = BuildRetry(options, _time);
        _metadata = new EmbeddingGeneratorMetadata(ProviderName, options.Endpoint, options.Deployment, options.Dimensions);
    }

    /// <summary>The settings in use.</summary>
    public AzureOpenAIEmbeddingOptions Options => _options;

    /// <inheritdoc />
    /// <remarks>
    /// <see cref="MeaiEmbeddingOptions.Dimensions"/>, when given, replaces the configured dimension for this call;
    /// <see cref="MeaiEmbeddingOptions.ModelId"/> is ignored (the deployment decides the model). A
    /// <see cref="MeaiEmbeddingOptions.RawRepresentationFactory"/> may give the SDK's <c>EmbeddingGenerationOptions</c>
    /// (for its end-user id). <see cref="GeneratedEmbeddings{TEmbedding}.Usage"/> adds up the requests' token counts.
    /// </remarks>
    /// <exception cref="EmbeddingServiceException">The service rejected a batch, kept failing until the retries were spent, or answered out of shape.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, MeaiEmbeddingOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        cancellationToken.ThrowIfCancellationRequested();
        var dimensions = options?.Dimensions ?? _options.Dimensions;
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1, "options.Dimensions");

        var texts = values as IReadOnlyList<string> ?? values.ToArray();
        var vectors = new ReadOnlyMemory<float>[texts.Count];
        var sent = new List<int>(texts.Count);
        for (var i = 0; i < texts.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(texts[i]))
            {
                vectors[i] = new float[dimensions];
            }
            else
            {
                sent.Add(i);
            }
        }

        var requestOptions = options?.RawRepresentationFactory?.Invoke(this) as OpenAIEmbeddingOptions ?? new OpenAIEmbeddingOptions();
        requestOptions.Dimensions = dimensions;
        string? model = null;
        UsageDetails? usage = null;
        for (var start = 0; start < sent.Count; start += _options.BatchSize)
        {
            var batch = sent.GetRange(start, Math.Min(_options.BatchSize, sent.Count - start));
            var inputs = batch.Select(i => texts[i]).ToArray();
            var result = await EmbedBatchAsync(inputs, requestOptions, cancellationToken);
            Place(result, batch, dimensions, vectors);
            model = string.IsNullOrEmpty(result.Model) ? model : result.Model;
            usage ??= new UsageDetails { InputTokenCount = 0, TotalTokenCount = 0 };
            usage.InputTokenCount += result.Usage?.InputTokenCount ?? 0;
            usage.TotalTokenCount += result.Usage?.TotalTokenCount ?? 0;
        }

        var created = _time.GetUtcNow();
        var embeddings = new GeneratedEmbeddings<Embedding<float>>(vectors.Length) { Usage = usage };
        foreach (var vector in vectors)
        {
            embeddings.Add(new Embedding<float>(vector) { ModelId = model ?? _options.Deployment, CreatedAt = created });
        }

        return embeddings;
    }

    /// <inheritdoc />
    /// <remarks>Gives the <see cref="EmbeddingGeneratorMetadata"/>, the SDK's <see cref="EmbeddingClient"/>, or this generator.</remarks>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
            : serviceType == typeof(EmbeddingClient) ? _client
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Nothing to release: the SDK client holds no unmanaged resources of its own.</summary>
    public void Dispose()
    {
    }

    private async Task<OpenAIEmbeddingCollection> EmbedBatchAsync(string[] inputs, OpenAIEmbeddingOptions requestOptions, CancellationToken cancellationToken)
    {
        var attempts = 0;
        try
        {
            return await _retry.ExecuteAsync(async ct =>
            {
                Interlocked.Increment(ref attempts);
                return (await _client.GenerateEmbeddingsAsync(inputs, requestOptions, ct)).Value;
            }, cancellationToken);
        }
        catch (Exception e) when (cancellationToken.IsCancellationRequested && e is not OperationCanceledException)
        {
            // Cancelled while the answer was read: the SDK may then fail otherwise (a closed stream); it is a cancellation.
            throw new OperationCanceledException("The embedding request was cancelled.", e, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw Failure(e, attempts, inputs.Length);
        }
    }

    /// <summary>Puts a batch's vectors at their inputs' places, checking the answer fits the request.</summary>
    private void Place(OpenAIEmbeddingCollection result, List<int> batch, int dimensions, ReadOnlyMemory<float>[] vectors)
    {
        if (result.Count != batch.Count)
        {
            throw Malformed($"{result.Count} embeddings for {batch.Count} inputs");
        }

        var seen = new bool[batch.Count];
        foreach (var embedding in result)
        {
            if (embedding.Index < 0 || embedding.Index >= batch.Count || seen[embedding.Index])
            {
                throw Malformed($"an embedding with index {embedding.Index} (duplicate or outside 0..{batch.Count - 1})");
            }

            var vector = embedding.ToFloats();
            if (vector.Length != dimensions)
            {
                throw Malformed($"a vector of {vector.Length} dimensions where {dimensions} were asked for (does the model support the dimensions parameter?)");
            }

            seen[embedding.Index] = true;
            vectors[batch[embedding.Index]] = vector;
        }
    }

    private EmbeddingServiceException Malformed(string what) =>
        new($"Azure OpenAI embedding deployment '{_options.Deployment}' answered with {what}.", _options.Deployment, 200, isTransient: false, attempts: 1);

    private EmbeddingServiceException Failure(Exception e, int attempts, int inputs)
    {
        var deployment = _options.Deployment;
        var transient = IsTransient(e);
        var tries = attempts == 1 ? "1 attempt" : $"{attempts} attempts";
        if (e is ClientResultException { Status: > 0 } r)
        {
            var detail = Describe(r);
            var message = transient
                ? $"Azure OpenAI embedding deployment '{deployment}' kept failing with HTTP {r.Status} ({tries}, {inputs} inputs): {detail}"
                : $"Azure OpenAI embedding deployment '{deployment}' rejected the request with HTTP {r.Status} ({inputs} inputs): {detail}";
            return new EmbeddingServiceException(message, deployment, r.Status, transient, attempts, e);
        }

        var cause = e is OperationCanceledException
            ? $"the request timed out after {_options.RequestTimeout.TotalSeconds:0.###} s"
            : $"{(e.InnerException is { } inner && e is ClientResultException ? inner : e).GetType().Name}: {e.Message}";
        var text = transient
            ? $"Azure OpenAI embedding deployment '{deployment}' could not be reached ({tries}, {inputs} inputs, no HTTP status): {cause}"
            : $"Azure OpenAI embedding deployment '{deployment}' failed ({inputs} inputs, no HTTP status): {cause}";
        return new EmbeddingServiceException(text, deployment, 0, transient, attempts, e);
    }

    /// <summary>The service's error code and message from the body, else the SDK's message.</summary>
    private static string Describe(ClientResultException e)
    {
        try
        {
            if (e.GetRawResponse()?.Content is { } content && content.ToMemory().Length > 0)
            {
                using var json = System.Text.Json.JsonDocument.Parse(content.ToMemory());
                if (json.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object &&
                    json.RootElement.TryGetProperty("error", out var error) && error.ValueKind == System.Text.Json.JsonValueKind.Object)
                {
                    var code = error.TryGetProperty("code", out var c) ? c.ToString() : "";
                    var message = error.TryGetProperty("message", out var m) ? m.ToString() : "";
                    return string.IsNullOrEmpty(code) ? message : $"{code}: {message}";
                }
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // Not JSON: fall back to the SDK's message.
        }

        return string.Join(' ', e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    /// <summary>Whether a failed request is worth retrying: 408, 429, 5xx (not 501/505), no response (network), timeouts.</summary>
    internal static bool IsTransient(Exception e) => e switch
    {
        ClientResultException r => r.Status == 0 || IsTransientStatus(r.Status),
        OperationCanceledException => true, // only reached when the caller's token is not cancelled: the request timed out
        HttpRequestException or SocketException or TimeoutException or IOException => true,
        _ => false,
    };

    /// <summary>Whether an HTTP status is worth retrying: 408, 429 and 5xx except 501 (not implemented) and 505 (HTTP version).</summary>
    internal static bool IsTransientStatus(int status) => status is 408 or 429 || (status >= 500 && status != 501 && status != 505);

    /// <summary>
    /// The wait the service asked for: <c>retry-after-ms</c> or <c>x-ms-retry-after-ms</c> (milliseconds), else
    /// <c>Retry-After</c> (seconds or an HTTP date); <c>null</c> when there is none or it cannot be read.
    /// </summary>
    internal static TimeSpan? RetryAfter(PipelineResponse? response, DateTimeOffset now)
    {
        if (response is null)
        {
            return null;
        }

        foreach (var name in (ReadOnlySpan<string>)["retry-after-ms", "x-ms-retry-after-ms"])
        {
            if (response.Headers.TryGetValue(name, out var ms) &&
                double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var milliseconds) && milliseconds >= 0 && double.IsFinite(milliseconds))
            {
                return TimeSpan.FromMilliseconds(Math.Min(milliseconds, TimeSpan.FromDays(1).TotalMilliseconds));
            }
        }

        if (response.Headers.TryGetValue("Retry-After", out var value) && !string.IsNullOrWhiteSpace(value))
        {
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
            {
                return seconds >= 0 && double.IsFinite(seconds) ? TimeSpan.FromSeconds(Math.Min(seconds, TimeSpan.FromDays(1).TotalSeconds)) : null;
            }

            if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
            {
                return date > now ? date - now : TimeSpan.Zero;
            }
        }

        return null;
    }

    private static ResiliencePipeline BuildRetry(AzureOpenAIEmbeddingOptions options, TimeProvider time)
    {
        if (options.MaxRetryAttempts == 0)
        {
            return ResiliencePipeline.Empty;
        }

        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        return builder.AddRetry(new RetryStrategyOptions
        {
            // A timeout of the SDK's own surfaces as OperationCanceledException without our token being cancelled.
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e &&
                (e is not OperationCanceledException || !args.Context.CancellationToken.IsCancellationRequested) && IsTransient(e)),
            MaxRetryAttempts = options.MaxRetryAttempts,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.BaseDelay,
            MaxDelay = options.MaxDelay,
            DelayGenerator = args =>
            {
                var asked = args.Outcome.Exception is ClientResultException r ? RetryAfter(r.GetRawResponse(), time.GetUtcNow()) : null;
                return ValueTask.FromResult(asked is { } wait ? (TimeSpan?)(wait < options.MaxDelay ? wait : options.MaxDelay) : null);
            },
        }).Build();
    }

    private static AzureOpenAIEmbeddingOptions Validated(AzureOpenAIEmbeddingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return options;
    }

    private static AzureOpenAIClientOptions ClientOptions(AzureOpenAIEmbeddingOptions options, PipelineTransport? transport)
    {
        var client = new AzureOpenAIClientOptions
        {
            // One retry layer: ours (honouring retry-after, bounded, ending in EmbeddingServiceException). The SDK's
            // default is its own RetryWithDelaysPolicy, which would multiply the attempts.
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = options.RequestTimeout,
        };
        if (transport is not null)
        {
            client.Transport = transport;
        }

        return client;
    }
}
