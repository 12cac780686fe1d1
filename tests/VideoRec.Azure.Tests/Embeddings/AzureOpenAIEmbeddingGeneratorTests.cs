using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using Azure.Core;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using VideoRec.Azure.Embeddings;

namespace VideoRec.Azure.Tests.Embeddings;

/// <summary>The Azure OpenAI embedding generator against a fake HTTP transport: batching, empty texts, retries, errors, cancellation.</summary>
public sealed class AzureOpenAIEmbeddingGeneratorTests
{
    private const string Deployment = "emb-small";
    private const int Dimensions = 8;
    private static readonly Uri Endpoint = new("https://videorec-test.openai.azure.com/");

    private static readonly AzureOpenAIEmbeddingOptions Defaults = new()
    {
        Endpoint = Endpoint,
        Deployment = Deployment,
        Dimensions = Dimensions,
        MaxRetryAttempts = 3,
        BaseDelay = TimeSpan.FromMilliseconds(100),
        MaxDelay = TimeSpan.FromSeconds(10),
    };

    private sealed record Harness(AzureOpenAIEmbeddingGenerator Generator, FakeOpenAIHandler Service, RecordingTimeProvider Time);

    private static Harness Create(AzureOpenAIEmbeddingOptions? options = null, bool instant = true, FakeOpenAIHandler? service = null)
    {
        service ??= new FakeOpenAIHandler();
        var time = new RecordingTimeProvider { Instant = instant };
        var transport = new HttpClientPipelineTransport(new HttpClient(service));
        var generator = new AzureOpenAIEmbeddingGenerator(options ?? Defaults, new ApiKeyCredential("test-key"), time, transport);
        return new Harness(generator, service, time);
    }

    private static string[] Texts(int count) => Enumerable.Range(0, count).Select(i => $"video title number {i}").ToArray();

    private static void AssertVectors(IReadOnlyList<string> texts, GeneratedEmbeddings<Embedding<float>> result, int dimensions = Dimensions)
    {
        Assert.Equal(texts.Count, result.Count);
        for (var i = 0; i < texts.Count; i++)
        {
            var expected = string.IsNullOrWhiteSpace(texts[i]) ? new float[dimensions] : FakeOpenAIHandler.VectorOf(texts[i], dimensions);
            Assert.Equal(expected, result[i].Vector.ToArray());
        }
    }

    [Fact]
    public async Task LargeInput_IsSentInBatches_AndComesBackInOrder()
    {
        var h = Create(Defaults with { BatchSize = 64 });
        var texts = Texts(150);

        var result = await h.Generator.GenerateAsync(texts);

        var requests = h.Service.Requests;
        Assert.Equal([64, 64, 22], requests.Select(r => r.Inputs.Length));
        Assert.Equal(texts, requests.SelectMany(r => r.Inputs));
        Assert.All(requests, r =>
        {
            Assert.Equal(HttpMethod.Post, r.Method);
            Assert.Equal(Endpoint.Host, r.Uri.Host);
            Assert.StartsWith($"/openai/deployments/{Deployment}/embeddings", r.Uri.AbsolutePath, StringComparison.Ordinal);
            Assert.Equal(Dimensions, r.Dimensions);
            Assert.Equal(Deployment, r.Body["model"]?.GetValue<string>());
            Assert.Equal("base64", r.Body["encoding_format"]?.GetValue<string>()); // the SDK's choice; the fake answers in kind
            Assert.Equal("test-key", r.Headers["api-key"]);
        });
        AssertVectors(texts, result); // the fake lists each batch's vectors in reverse: order comes from the indices
        Assert.All(result, e => Assert.Equal("text-embedding-3-small", e.ModelId));
        Assert.All(result, e => Assert.Equal(RecordingTimeProvider.Now, e.CreatedAt));
        var tokens = texts.Sum(t => t.Length);
        Assert.Equal(tokens, result.Usage?.InputTokenCount);
        Assert.Equal(tokens, result.Usage?.TotalTokenCount);
        Assert.Empty(h.Time.Delays);
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(5, 1)]
    [InlineData(2048, 1)]
    public async Task BatchSize_DecidesTheRequests(int batchSize, int requests)
    {
        var h = Create(Defaults with { BatchSize = batchSize });
        var texts = Texts(5);

        var result = await h.Generator.GenerateAsync(texts);

        Assert.Equal(requests, h.Service.Requests.Count);
        AssertVectors(texts, result);
    }

    [Fact]
    public async Task EmptyAndWhitespaceTexts_AreNotSent_AndComeBackAsZeros()
    {
        var h = Create(Defaults with { BatchSize = 2 });
        string[] texts = ["first", "", "   ", "second", "\t\n", "third"];

        var result = await h.Generator.GenerateAsync(texts);

        Assert.Equal(["first", "second", "third"], h.Service.Requests.SelectMany(r => r.Inputs));
        Assert.Equal(2, h.Service.Requests.Count); // 3 texts sent in batches of 2
        AssertVectors(texts, result);
        Assert.All(new[] { 1, 2, 4 }, i => Assert.Equal(new float[Dimensions], result[i].Vector.ToArray()));
    }

    [Fact]
    public async Task OnlyEmptyTexts_SendNothing()
    {
        var h = Create();

        var result = await h.Generator.GenerateAsync(["", " ", "\n"]);

        Assert.Empty(h.Service.Requests);
        Assert.Equal(3, result.Count);
        Assert.All(result, e => Assert.Equal(new float[Dimensions], e.Vector.ToArray()));
        Assert.Null(result.Usage);
    }

    [Fact]
    public async Task NoTexts_GiveNoEmbeddings()
    {
        var h = Create();

        var result = await h.Generator.GenerateAsync([]);

        Assert.Empty(result);
        Assert.Empty(h.Service.Requests);
    }

    [Fact]
    public async Task DimensionsOfTheCall_ReplaceTheConfiguredOnes()
    {
        var h = Create();

        var result = await h.Generator.GenerateAsync(["a", ""], new EmbeddingGenerationOptions { Dimensions = 4 });

        Assert.Equal(4, Assert.Single(h.Service.Requests).Dimensions);
        AssertVectors(["a", ""], result, dimensions: 4);
    }

    [Fact]
    public async Task Throttled_WithRetryAfter_WaitsExactlyThatLong()
    {
        var service = new FakeOpenAIHandler().ThenStatus(429, ("Retry-After", "2"));
        var h = Create(service: service);

        var result = await h.Generator.GenerateAsync(["a", "b"]);

        Assert.Equal(2, h.Service.Requests.Count);
        Assert.Equal([TimeSpan.FromSeconds(2)], h.Time.Delays);
        AssertVectors(["a", "b"], result);
    }

    [Theory]
    [InlineData("retry-after-ms", "1500", 1500)]
    [InlineData("x-ms-retry-after-ms", "250", 250)]
    [InlineData("Retry-After", "0", 0)]
    [InlineData("Retry-After", "3600", 10_000)] // capped at MaxDelay
    [InlineData("Retry-After", "Thu, 01 Jan 2026 12:00:05 GMT", 5000)] // an HTTP date, 5 s after the fake clock's now
    public async Task RetryAfterHeaders_AreHonoured_UpToMaxDelay(string header, string value, int expectedMs)
    {
        var service = new FakeOpenAIHandler().ThenStatus(429, (header, value));
        var h = Create(service: service);

        await h.Generator.GenerateAsync(["a"]);

        Assert.Equal(2, h.Service.Requests.Count);
        // Polly skips the timer for a zero wait.
        Assert.Equal(expectedMs == 0 ? [] : new[] { TimeSpan.FromMilliseconds(expectedMs) }, h.Time.Delays);
    }

    [Fact]
    public async Task RetryAfterMs_TakesPrecedenceOverRetryAfter()
    {
        var service = new FakeOpenAIHandler().ThenStatus(429, ("Retry-After", "7"), ("retry-after-ms", "300"));
        var h = Create(service: service);

        await h.Generator.GenerateAsync(["a"]);

        Assert.Equal([TimeSpan.FromMilliseconds(300)], h.Time.Delays);
    }

    [Fact]
    public async Task ServerErrors_AreRetried_WithBackOff_UntilSuccess()
    {
        var service = new FakeOpenAIHandler().ThenStatus(503).ThenStatus(503);
        var h = Create(service: service);

        var result = await h.Generator.GenerateAsync(["a", "b", "c"]);

        Assert.Equal(3, h.Service.Requests.Count);
        Assert.All(h.Service.Requests, r => Assert.Equal(["a", "b", "c"], r.Inputs));
        AssertVectors(["a", "b", "c"], result);
        Assert.Equal(2, h.Time.Delays.Count);
        Assert.All(h.Time.Delays, d => Assert.InRange(d, TimeSpan.FromTicks(1), Defaults.MaxDelay));
    }

    [Theory]
    [InlineData(408)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(504)]
    public async Task TransientStatuses_AreRetried(int status)
    {
        var h = Create(service: new FakeOpenAIHandler().ThenStatus(status));

        await h.Generator.GenerateAsync(["a"]);

        Assert.Equal(2, h.Service.Requests.Count);
    }

    [Fact]
    public async Task NetworkFailures_AreRetried()
    {
        var service = new FakeOpenAIHandler().ThenThrow(new HttpRequestException("connection reset"));
        var h = Create(service: service);

        var result = await h.Generator.GenerateAsync(["a"]);

        Assert.Equal(2, h.Service.Requests.Count);
        AssertVectors(["a"], result);
    }

    [Fact]
    public async Task PersistentNetworkFailure_GivesUp_WithStatusZero()
    {
        var service = new FakeOpenAIHandler();
        for (var i = 0; i < 3; i++)
        {
            service.ThenThrow(new HttpRequestException("no route to host"));
        }

        var h = Create(Defaults with { MaxRetryAttempts = 2 }, service: service);

        var e = await Assert.ThrowsAsync<EmbeddingServiceException>(() => h.Generator.GenerateAsync(["a"]));

        Assert.Equal(3, h.Service.Requests.Count);
        Assert.Equal(0, e.Status);
        Assert.True(e.IsTransient);
        Assert.Contains($"'{Deployment}'", e.Message, StringComparison.Ordinal);
        Assert.Contains("could not be reached", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestTimeout_IsRetried_ThenReported()
    {
        var service = new FakeOpenAIHandler();
        for (var i = 0; i < 2; i++)
        {
            service.Then(async (_, ct) =>
            {
                await Task.Delay(Timeout.Infinite, ct);
                throw new InvalidOperationException("unreachable");
            });
        }

        var h = Create(Defaults with { MaxRetryAttempts = 1, RequestTimeout = TimeSpan.FromMilliseconds(200) }, service: service);

        var e = await Assert.ThrowsAsync<EmbeddingServiceException>(() => h.Generator.GenerateAsync(["a"]));

        Assert.Equal(2, h.Service.Requests.Count);
        Assert.Equal(0, e.Status);
        Assert.True(e.IsTransient);
        Assert.Contains($"'{Deployment}'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(501)]
    public async Task ClientErrors_AreNotRetried(int status)
    {
        var h = Create(service: new FakeOpenAIHandler().ThenStatus(status, ("Retry-After", "1")));

        var e = await Assert.ThrowsAsync<EmbeddingServiceException>(() => h.Generator.GenerateAsync(["a"]));

        Assert.Single(h.Service.Requests);
        Assert.Empty(h.Time.Delays);
        Assert.Equal(status, e.Status);
        Assert.False(e.IsTransient);
        Assert.Equal(1, e.Attempts);
        Assert.Equal(Deployment, e.Deployment);
        Assert.Contains($"'{Deployment}'", e.Message, StringComparison.Ordinal);
        Assert.Contains($"HTTP {status}", e.Message, StringComparison.Ordinal);
        Assert.Contains($"Fake failure {status}.", e.Message, StringComparison.Ordinal); // the service's own message
    }

    [Fact]
    public async Task PersistentThrottling_GivesUpAfterMaxRetryAttempts()
    {
        var service = new FakeOpenAIHandler();
        for (var i = 0; i < 10; i++)
        {
            service.ThenStatus(429, ("Retry-After", "1"));
        }

        var h = Create(Defaults with { MaxRetryAttempts = 3 }, service: service);

        var e = await Assert.ThrowsAsync<EmbeddingServiceException>(() => h.Generator.GenerateAsync(["a"]));

        // One layer of retries: the SDK's own policy is off, or it would multiply these.
        Assert.Equal(4, h.Service.Requests.Count);
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)], h.Time.Delays);
        Assert.Equal(429, e.Status);
        Assert.True(e.IsTransient);
        Assert.Equal(4, e.Attempts);
        Assert.Contains($"'{Deployment}'", e.Message, StringComparison.Ordinal);
        Assert.Contains("HTTP 429", e.Message, StringComparison.Ordinal);
        Assert.IsType<ClientResultException>(e.InnerException);
    }

    [Fact]
    public async Task ZeroRetries_MakeOneRequest()
    {
        var h = Create(Defaults with { MaxRetryAttempts = 0 }, service: new FakeOpenAIHandler().ThenStatus(503).ThenStatus(503));

        var e = await Assert.ThrowsAsync<EmbeddingServiceException>(() => h.Generator.GenerateAsync(["a"]));

        Assert.Single(h.Service.Requests);
        Assert.Equal(503, e.Status);
    }

    [Fact]
    public async Task FailureInALaterBatch_FailsTheCall()
    {
        var service = new FakeOpenAIHandler().Then((r, _) => Task.FromResult(FakeOpenAIHandler.Success(r))).ThenStatus(400);
        var h = Create(Defaults with { BatchSize = 2 }, service: service);

        var e = await Assert.ThrowsAsync<EmbeddingServiceException>(() => h.Generator.GenerateAsync(Texts(5)));

        Assert.Equal(2, h.Service.Requests.Count);
        Assert.Equal(400, e.Status);
    }

    [Fact]
    public async Task Cancelled_BeforeTheCall_SendsNothing()
    {
        var h = Create();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => h.Generator.GenerateAsync(["a"], cancellationToken: cts.Token));

        Assert.Empty(h.Service.Requests);
    }

    [Fact]
    public async Task Cancelled_DuringARetryWait_StopsAtOnce()
    {
        var h = Create(instant: false, service: new FakeOpenAIHandler().ThenStatus(429, ("Retry-After", "5")));
        using var cts = new CancellationTokenSource();
        h.Time.DelayStarted += _ => cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => h.Generator.GenerateAsync(["a"], cancellationToken: cts.Token));

        Assert.Single(h.Service.Requests);
        Assert.Equal([TimeSpan.FromSeconds(5)], h.Time.Delays);
    }

    [Fact]
    public async Task Cancelled_DuringARequest_StopsWithoutRetrying()
    {
        var service = new FakeOpenAIHandler().Then(async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        });
        var h = Create(service: service);
        using var cts = new CancellationTokenSource();
        service.RequestReceived += _ => cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => h.Generator.GenerateAsync(["a"], cancellationToken: cts.Token));

        Assert.Single(h.Service.Requests);
        Assert.Empty(h.Time.Delays);
    }

    [Fact]
    public async Task Cancelled_BetweenBatches_SendsNoMore()
    {
        var h = Create(Defaults with { BatchSize = 1 });
        using var cts = new CancellationTokenSource();
        h.Service.RequestReceived += r =>
        {
            if (h.Service.Requests.Count == 2)
            {
                cts.Cancel();
            }
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => h.Generator.GenerateAsync(Texts(5), cancellationToken: cts.Token));

        Assert.Equal(2, h.Service.Requests.Count);
    }

    [Fact]
    public async Task VectorsOfTheWrongLength_AreReportedAsAFailure()
    {
        var service = new FakeOpenAIHandler().Then((r, _) => Task.FromResult(FakeOpenAIHandler.Success(r, (text, _) => FakeOpenAIHandler.VectorOf(text, 3))));
        var h = Create(service: service);

        var e = await Assert.ThrowsAsync<EmbeddingServiceException>(() => h.Generator.GenerateAsync(["a"]));

        Assert.False(e.IsTransient);
        Assert.Contains("3 dimensions where 8", e.Message, StringComparison.Ordinal);
        Assert.Contains($"'{Deployment}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenCredential_IsSentAsABearerToken()
    {
        var service = new FakeOpenAIHandler();
        var credential = new StaticTokenCredential("entra-token");
        using var generator = new AzureOpenAIEmbeddingGenerator(Defaults, credential, new RecordingTimeProvider(),
            new HttpClientPipelineTransport(new HttpClient(service)));

        await generator.GenerateAsync(["a"]);

        var request = Assert.Single(service.Requests);
        Assert.Equal("Bearer entra-token", request.Headers["Authorization"]);
        Assert.False(request.Headers.ContainsKey("api-key"));
        Assert.Contains("https://cognitiveservices.azure.com/.default", credential.Scopes);
    }

    [Fact]
    public void GetService_GivesTheMetadata()
    {
        using var generator = Create().Generator;
        IEmbeddingGenerator<string, Embedding<float>> abstraction = generator;

        var metadata = abstraction.GetService<EmbeddingGeneratorMetadata>();

        Assert.NotNull(metadata);
        Assert.Equal(AzureOpenAIEmbeddingGenerator.ProviderName, metadata.ProviderName);
        Assert.Equal(Endpoint, metadata.ProviderUri);
        Assert.Equal(Deployment, metadata.DefaultModelId);
        Assert.Equal(Dimensions, metadata.DefaultModelDimensions);
        Assert.Same(generator, abstraction.GetService<IEmbeddingGenerator<string, Embedding<float>>>());
        Assert.NotNull(abstraction.GetService<OpenAI.Embeddings.EmbeddingClient>());
        Assert.Null(abstraction.GetService(typeof(EmbeddingGeneratorMetadata), serviceKey: "other"));
        Assert.Null(abstraction.GetService<string>());
    }

    public static TheoryData<AzureOpenAIEmbeddingOptions> BadOptions => new()
    {
        Defaults with { Endpoint = null },
        Defaults with { Deployment = " " },
        Defaults with { Dimensions = 0 },
        Defaults with { BatchSize = 0 },
        Defaults with { BatchSize = 2049 },
        Defaults with { MaxRetryAttempts = -1 },
        Defaults with { BaseDelay = TimeSpan.FromSeconds(-1) },
        Defaults with { MaxDelay = TimeSpan.FromMilliseconds(10) },
        Defaults with { RequestTimeout = TimeSpan.Zero },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void BadOptions_AreRejected(AzureOpenAIEmbeddingOptions options) =>
        Assert.ThrowsAny<ArgumentException>(() => new AzureOpenAIEmbeddingGenerator(options, new ApiKeyCredential("k")));

    [Fact]
    public void DefaultOptions_AreTheDocumentedOnes()
    {
        var options = new AzureOpenAIEmbeddingOptions();

        Assert.Equal(64, options.BatchSize);
        Assert.Equal(1536, options.Dimensions);
        Assert.True(options.MaxRetryAttempts > 0);
        Assert.True(options.MaxDelay >= options.BaseDelay);
    }

    [Fact]
    public void RetryAfter_ReadsTheHeadersInOrder()
    {
        var now = RecordingTimeProvider.Now;
        Assert.Null(AzureOpenAIEmbeddingGenerator.RetryAfter(null, now));
        Assert.Equal(TimeSpan.FromMilliseconds(20), AzureOpenAIEmbeddingGenerator.RetryAfter(Response(("x-ms-retry-after-ms", "20"), ("Retry-After", "3")), now));
        Assert.Equal(TimeSpan.FromSeconds(1.5), AzureOpenAIEmbeddingGenerator.RetryAfter(Response(("Retry-After", "1.5")), now));
        Assert.Equal(TimeSpan.Zero, AzureOpenAIEmbeddingGenerator.RetryAfter(Response(("Retry-After", "Thu, 01 Jan 2026 11:00:00 GMT")), now));
        Assert.Null(AzureOpenAIEmbeddingGenerator.RetryAfter(Response(("Retry-After", "soon")), now));
        Assert.Null(AzureOpenAIEmbeddingGenerator.RetryAfter(Response(("Retry-After", "-4")), now));
        Assert.Null(AzureOpenAIEmbeddingGenerator.RetryAfter(Response(), now));
    }

    [Theory]
    [InlineData(408, true)]
    [InlineData(429, true)]
    [InlineData(500, true)]
    [InlineData(503, true)]
    [InlineData(501, false)]
    [InlineData(505, false)]
    [InlineData(400, false)]
    [InlineData(404, false)]
    [InlineData(409, false)]
    public void TransientStatuses(int status, bool transient) => Assert.Equal(transient, AzureOpenAIEmbeddingGenerator.IsTransientStatus(status));

    [Fact]
    public void AddAzureOpenAIEmbeddings_RegistersTheGenerator()
    {
        var services = new ServiceCollection();

        services.AddAzureOpenAIEmbeddings(Defaults, apiKey: "k");

        var descriptor = Assert.Single(services);
        Assert.Equal(typeof(IEmbeddingGenerator<string, Embedding<float>>), descriptor.ServiceType);
        Assert.Equal(ServiceLifetime.Singleton, descriptor.Lifetime);
        var generator = descriptor.ImplementationFactory!(new OneServiceProvider(new RecordingTimeProvider()));
        Assert.IsType<AzureOpenAIEmbeddingGenerator>(generator);
        Assert.Throws<ArgumentException>(() => new ServiceCollection().AddAzureOpenAIEmbeddings(Defaults));
    }

    private static PipelineResponse Response(params (string Name, string Value)[] headers)
    {
        var message = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        foreach (var (name, value) in headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        return new CannedResponse(message);
    }

    /// <summary>A pipeline response over an <see cref="HttpResponseMessage"/>'s headers, for the header parsing tests.</summary>
    private sealed class CannedResponse(HttpResponseMessage message) : PipelineResponse
    {
        public override int Status => (int)message.StatusCode;

        public override string ReasonPhrase => message.ReasonPhrase ?? "";

        public override Stream? ContentStream { get; set; }

        public override BinaryData Content => BinaryData.Empty;

        protected override PipelineResponseHeaders HeadersCore => new ResponseHeaders(message);

        public override BinaryData BufferContent(CancellationToken cancellationToken = default) => BinaryData.Empty;

        public override ValueTask<BinaryData> BufferContentAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(BinaryData.Empty);

        public override void Dispose() => message.Dispose();

        private sealed class ResponseHeaders(HttpResponseMessage message) : PipelineResponseHeaders
        {
            public override bool TryGetValue(string name, out string? value)
            {
                value = message.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
                return value is not null;
            }

            public override bool TryGetValues(string name, out IEnumerable<string>? values) => message.Headers.TryGetValues(name, out values);

            public override IEnumerator<KeyValuePair<string, string>> GetEnumerator() =>
                message.Headers.Select(h => KeyValuePair.Create(h.Key, string.Join(",", h.Value))).GetEnumerator();
        }
    }

    private sealed class StaticTokenCredential(string token) : TokenCredential
    {
        private readonly List<string> _scopes = [];

        public IReadOnlyList<string> Scopes
        {
            get
            {
                lock (_scopes)
                {
                    return _scopes.ToArray();
                }
            }
        }

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            lock (_scopes)
            {
                _scopes.AddRange(requestContext.Scopes);
            }

            return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    private sealed class OneServiceProvider(TimeProvider time) : IServiceProvider
    {
        public object? GetService(Type serviceType) => serviceType == typeof(TimeProvider) ? time : null;
    }
}
