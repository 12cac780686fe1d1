using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using VideoRec.Azure.Search;
using VideoRec.Core.CandidateGeneration.Index;
using VideoRec.Core.Ingestion;

namespace VideoRec.Azure.Tests.Search;

/// <summary>
/// The Azure AI Search vector index against a fake HTTP transport: the index definition, the documents and batches
/// sent, the search request, score conversion, partial failures and retries, deletes, count and registration.
/// </summary>
public sealed class AzureSearchVectorIndexTests
{
    private const int Dimensions = 4;
    private static readonly Uri Endpoint = new("https://videorec-test.search.windows.net");

    private static readonly AzureSearchOptions Defaults = new()
    {
        Endpoint = Endpoint,
        IndexName = "videos-test",
        Dimensions = Dimensions,
        Metric = VectorMetric.InnerProduct,
        MaxRetryAttempts = 3,
        BaseDelay = TimeSpan.Zero,
        MaxDelay = TimeSpan.Zero,
    };

    private static (AzureSearchVectorIndex Index, FakeSearchService Service) Create(AzureSearchOptions? options = null)
    {
        var service = new FakeSearchService();
        var index = new AzureSearchVectorIndex(options ?? Defaults, new AzureKeyCredential("test-admin-key"), transport: new HttpClientTransport(new HttpClient(service)));
        return (index, service);
    }

    private static IndexedVideo Video(string id, float[]? vector = null, VideoIndexAttributes? attributes = null) =>
        new(id, vector ?? [1, 2, 3, 4], attributes ?? VideoIndexAttributes.Unrestricted);

    private static IndexedVideo[] Videos(int count) =>
        Enumerable.Range(0, count).Select(i => Video($"video-{i}", [i, 1, 0, -1])).ToArray();

    private static JsonObject Field(JsonObject index, string name) =>
        index["fields"]!.AsArray().Single(f => f!["name"]!.GetValue<string>() == name)!.AsObject();

    [Fact]
    public async Task EnsureIndex_SendsTheSchema_WithHnswProfileMetricAndDimensions()
    {
        var (index, service) = Create(Defaults with { Dimensions = 64, Metric = VectorMetric.Cosine, HnswM = 8, HnswEfConstruction = 600, HnswEfSearch = 700 });

        await index.EnsureIndexAsync();

        var request = Assert.Single(service.Requests);
        Assert.Equal(HttpMethod.Put, request.Method);
        Assert.Equal("/indexes('videos-test')", request.Uri.AbsolutePath);
        Assert.Equal("test-admin-key", request.Headers["api-key"]);
        var json = request.Json;
        Assert.Equal("videos-test", json["name"]!.GetValue<string>());
        Assert.Equal(["id", "videoId", "vector", "language", "regions", "allowedEverywhere", "hidden", "uploadedAt", "uploadedAtTicks"],
            json["fields"]!.AsArray().Select(f => f!["name"]!.GetValue<string>()));

        var key = Field(json, "id");
        Assert.Equal("Edm.String", key["type"]!.GetValue<string>());
        Assert.True(key["key"]!.GetValue<bool>());
        Assert.True(key["filterable"]!.GetValue<bool>());
        Assert.True(key["retrievable"]!.GetValue<bool>());

        var vector = Field(json, "vector");
        Assert.Equal("Collection(Edm.Single)", vector["type"]!.GetValue<string>());
        Assert.Equal(64, vector["dimensions"]!.GetValue<int>());
        Assert.Equal("videorec-vector-profile", vector["vectorSearchProfile"]!.GetValue<string>());
        Assert.True(vector["searchable"]!.GetValue<bool>());
        Assert.False(vector["retrievable"]!.GetValue<bool>()); // cosine scores come from @search.score

        foreach (var (name, type) in new[]
                 {
                     ("videoId", "Edm.String"), ("language", "Edm.String"), ("regions", "Collection(Edm.String)"), ("allowedEverywhere", "Edm.Boolean"),
                     ("hidden", "Edm.Boolean"), ("uploadedAt", "Edm.DateTimeOffset"), ("uploadedAtTicks", "Edm.Int64"),
                 })
        {
            var field = Field(json, name);
            Assert.Equal(type, field["type"]!.GetValue<string>());
            Assert.True(field["filterable"]!.GetValue<bool>(), name);
            Assert.False(field["key"]?.GetValue<bool>() ?? false, name);
        }

        var profile = Assert.Single(json["vectorSearch"]!["profiles"]!.AsArray())!;
        Assert.Equal("videorec-vector-profile", profile["name"]!.GetValue<string>());
        Assert.Equal("videorec-hnsw", profile["algorithm"]!.GetValue<string>());
        var algorithm = Assert.Single(json["vectorSearch"]!["algorithms"]!.AsArray())!;
        Assert.Equal("videorec-hnsw", algorithm["name"]!.GetValue<string>());
        Assert.Equal("hnsw", algorithm["kind"]!.GetValue<string>());
        var parameters = algorithm["hnswParameters"]!;
        Assert.Equal(8, parameters["m"]!.GetValue<int>());
        Assert.Equal(600, parameters["efConstruction"]!.GetValue<int>());
        Assert.Equal(700, parameters["efSearch"]!.GetValue<int>());
        Assert.Equal("cosine", parameters["metric"]!.GetValue<string>());
    }

    [Fact]
    public async Task EnsureIndex_InnerProduct_UsesDotProduct_AndARetrievableVector()
    {
        var (index, service) = Create();

        await index.EnsureIndexAsync();

        var json = Assert.Single(service.Requests).Json;
        Assert.Equal("dotProduct", json["vectorSearch"]!["algorithms"]![0]!["hnswParameters"]!["metric"]!.GetValue<string>());
        Assert.Equal(Dimensions, Field(json, "vector")["dimensions"]!.GetValue<int>());
        Assert.True(Field(json, "vector")["retrievable"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Upsert_SendsMergeOrUpload_WithEncodedKeysAndFoldedAttributes()
    {
        var (index, service) = Create();
        var at = new DateTimeOffset(2024, 5, 6, 7, 8, 9, 123, TimeSpan.FromHours(-5)).AddTicks(4567);

        await index.UpsertAsync([
            Video("it's a|b,c", [0.5f, -1.25f, 3, 1e-7f], new VideoIndexAttributes { Language = "pt-br", AllowedRegions = ["us", "CA", "US"], Hidden = true, UploadedAt = at }),
            Video("v2", attributes: new VideoIndexAttributes()),
        ]);

        var request = Assert.Single(service.Requests);
        Assert.True(request.IsIndexing);
        var docs = request.Documents;
        Assert.Equal(2, docs.Length);
        var d = docs[0];
        Assert.Equal("mergeOrUpload", d["@search.action"]!.GetValue<string>());
        Assert.Equal(AzureSearchKeys.Encode("it's a|b,c"), d["id"]!.GetValue<string>());
        Assert.Equal("it's a|b,c", d["videoId"]!.GetValue<string>());
        Assert.Equal([0.5f, -1.25f, 3, 1e-7f], d["vector"]!.AsArray().Select(x => x!.GetValue<float>()));
        Assert.Equal("PT-BR", d["language"]!.GetValue<string>());
        Assert.Equal(["US", "CA"], d["regions"]!.AsArray().Select(x => x!.GetValue<string>()));
        Assert.False(d["allowedEverywhere"]!.GetValue<bool>());
        Assert.True(d["hidden"]!.GetValue<bool>());
        Assert.Equal(at.UtcTicks, d["uploadedAtTicks"]!.GetValue<long>());
        Assert.Equal(new DateTimeOffset(2024, 5, 6, 12, 8, 9, 123, TimeSpan.Zero), DateTimeOffset.Parse(d["uploadedAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));

        var e = docs[1];
        Assert.Null(e["language"]);
        Assert.Empty(e["regions"]!.AsArray());
        Assert.True(e["allowedEverywhere"]!.GetValue<bool>());
        Assert.False(e["hidden"]!.GetValue<bool>());
        Assert.Null(e["uploadedAt"]);
        Assert.Null(e["uploadedAtTicks"]);
    }

    [Fact]
    public async Task Upsert_OfManyVideos_IsSentInBatchesOfAtMost1000()
    {
        var (index, service) = Create();
        var videos = Videos(2500);

        await index.UpsertAsync(videos);

        var requests = service.Requests;
        Assert.All(requests, r => Assert.True(r.IsIndexing));
        Assert.Equal([1000, 1000, 500], requests.Select(r => r.Documents.Length));
        Assert.Equal(videos.Select(v => AzureSearchKeys.Encode(v.VideoId)), requests.SelectMany(r => r.Keys));
    }

    [Fact]
    public async Task Upsert_RepeatedId_KeepsItsLastVector()
    {
        var (index, service) = Create();

        await index.UpsertAsync([Video("a", [1, 1, 1, 1]), Video("b"), Video("a", [9, 9, 9, 9])]);

        var docs = Assert.Single(service.Requests).Documents;
        Assert.Equal(["b", "a"], docs.Select(d => d["videoId"]!.GetValue<string>()));
        Assert.Equal([9f, 9, 9, 9], docs[1]["vector"]!.AsArray().Select(x => x!.GetValue<float>()));
    }

    [Fact]
    public async Task Upsert_LargeVectors_AreSplitUnderTheRequestSizeLimit()
    {
        const int dims = 512;
        const int maxBytes = 64 * 1024;
        var (index, service) = Create(Defaults with { Dimensions = dims, MaxRequestBytes = maxBytes });
        var random = new Random(7);
        var videos = Enumerable.Range(0, 100)
            .Select(i => Video($"video-{i}", Enumerable.Range(0, dims).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray()))
            .ToArray();

        await index.UpsertAsync(videos);

        var requests = service.Requests;
        Assert.True(requests.Count >= 10, $"{requests.Count} requests"); // ~6.5 KB a document: at most 9 fit in 64 KB
        Assert.All(requests, r => Assert.True(System.Text.Encoding.UTF8.GetByteCount(r.Body) <= maxBytes, $"{r.Body.Length} bytes"));
        Assert.Equal(videos.Select(v => AzureSearchKeys.Encode(v.VideoId)), requests.SelectMany(r => r.Keys));
    }

    [Fact]
    public async Task Upsert_DocumentLargerThanARequest_IsRefusedBeforeAnythingIsSent()
    {
        var (index, service) = Create(Defaults with { Dimensions = 300, MaxRequestBytes = 1024 });

        var e = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await index.UpsertAsync([Video("ok", new float[300]), Video("big", Enumerable.Repeat(-0.123456789f, 300).ToArray())]));

        Assert.Contains("Video 'big' makes a", e.Message);
        Assert.Empty(service.Requests);
    }

    [Fact]
    public async Task Upsert_BadInput_IsRefusedBeforeAnythingIsSent()
    {
        var (index, service) = Create();

        await Assert.ThrowsAsync<ArgumentException>(async () => await index.UpsertAsync([Video("a"), Video("b", [1, 2, 3])]));
        await Assert.ThrowsAsync<ArgumentException>(async () => await index.UpsertAsync([Video("a"), Video("b", [1, float.NaN, 3, 4])]));
        await Assert.ThrowsAsync<ArgumentException>(async () => await index.UpsertAsync([Video("a"), Video(new string('x', 800))]));

        Assert.Empty(service.Requests);
    }

    [Fact]
    public async Task Upsert_FailedDocumentsWith429Or503_AreRetriedAlone_ThenSucceed()
    {
        var (index, service) = Create();
        var videos = Videos(5);
        var k1 = AzureSearchKeys.Encode("video-1");
        var k3 = AzureSearchKeys.Encode("video-3");
        service.ThenIndexStatuses((k1, 429), (k3, 503)).ThenIndexStatuses((k3, 503));

        await index.UpsertAsync(videos);

        var requests = service.Requests;
        Assert.Equal(3, requests.Count);
        Assert.Equal(5, requests[0].Documents.Length);
        Assert.Equal([k1, k3], requests[1].Keys);
        Assert.Equal([k3], requests[2].Keys);
    }

    [Fact]
    public async Task Upsert_DocumentsStillFailingAfterTheRetries_AreNamedInTheException()
    {
        var (index, service) = Create();
        var k2 = AzureSearchKeys.Encode("video-2");
        for (var i = 0; i < 4; i++)
        {
            service.ThenIndexStatuses((k2, 503));
        }

        var e = await Assert.ThrowsAsync<AzureSearchIndexingException>(async () => await index.UpsertAsync(Videos(3)));

        Assert.Equal(4, service.Requests.Count); // 1 + MaxRetryAttempts
        Assert.Equal(["video-2"], e.FailedVideoIds);
        Assert.Equal(503, Assert.Single(e.Failed).Status);
        Assert.Equal(4, e.Attempts);
        Assert.Contains("'video-2' (HTTP 503: failed with 503)", e.Message);
        Assert.Contains("'videos-test'", e.Message);
    }

    [Fact]
    public async Task Upsert_RejectedDocuments_AreNotRetried_ButRetryableOnesAre()
    {
        var (index, service) = Create();
        var k0 = AzureSearchKeys.Encode("video-0");
        var k1 = AzureSearchKeys.Encode("video-1");
        service.ThenIndexStatuses((k0, 400), (k1, 429));

        var e = await Assert.ThrowsAsync<AzureSearchIndexingException>(async () => await index.UpsertAsync(Videos(3)));

        Assert.Equal(2, service.Requests.Count);
        Assert.Equal([k1], service.Requests[1].Keys); // video-1 retried and then succeeded
        var failed = Assert.Single(e.Failed);
        Assert.Equal(("video-0", 400), (failed.VideoId, failed.Status));
    }

    [Fact]
    public async Task Requests_FailingWith503_AreRetried_AndSpentRetriesAreStoreUnavailable()
    {
        var (index, service) = Create();
        service.ThenStatus(503).ThenStatus(429);

        await index.UpsertAsync(Videos(2));

        Assert.Equal(3, service.Requests.Count);
        Assert.Equal(service.Requests[0].Body, service.Requests[2].Body);

        var (failing, busy) = Create();
        for (var i = 0; i < 4; i++)
        {
            busy.ThenStatus(503);
        }

        var e = await Assert.ThrowsAsync<StoreUnavailableException>(async () => await failing.CountAsync());
        Assert.Equal(4, busy.Requests.Count);
        Assert.Contains("HTTP 503", e.Message);
    }

    [Fact]
    public async Task Requests_RejectedWith400_AreNotRetried()
    {
        var (index, service) = Create();
        service.ThenStatus(400);

        var e = await Assert.ThrowsAsync<RequestFailedException>(async () => await index.SearchAsync(new float[] { 1, 0, 0, 0 }, 3));

        Assert.Equal(400, e.Status);
        Assert.Single(service.Requests);
    }

    [Fact]
    public async Task Search_SendsOneVectorQuery_WithKFieldsPreFilterAndSelect()
    {
        var (index, service) = Create();
        var filter = new VectorSearchFilter { Language = "en", Country = "us", ExcludedVideoIds = new HashSet<string> { "seen" } };

        await index.SearchAsync(new float[] { 0.25f, -0.5f, 1, 0 }, 7, filter);

        var request = Assert.Single(service.Requests);
        Assert.True(request.IsSearch);
        var json = request.Json;
        Assert.Equal(7, json["top"]!.GetValue<int>());
        Assert.Equal(AzureSearchFilter.Build(filter), json["filter"]!.GetValue<string>());
        Assert.Equal("preFilter", json["vectorFilterMode"]!.GetValue<string>());
        Assert.Equal("videoId,vector", json["select"]!.GetValue<string>());
        Assert.Null(json["search"]);
        var query = Assert.Single(json["vectorQueries"]!.AsArray())!;
        Assert.Equal("vector", query["kind"]!.GetValue<string>());
        Assert.Equal(7, query["k"]!.GetValue<int>());
        Assert.Equal("vector", query["fields"]!.GetValue<string>());
        Assert.Equal([0.25f, -0.5f, 1, 0], query["vector"]!.AsArray().Select(x => x!.GetValue<float>()));
    }

    [Fact]
    public async Task Search_Cosine_SelectsOnlyTheId_AndConvertsScoresToCosineSimilarity()
    {
        var (index, service) = Create(Defaults with { Metric = VectorMetric.Cosine });
        service.ThenHits(
            (1.0, new JsonObject { ["videoId"] = "same" }),
            (0.8, new JsonObject { ["videoId"] = "close" }),
            (0.5, new JsonObject { ["videoId"] = "orthogonal" }),
            (1.0 / 3.0, new JsonObject { ["videoId"] = "opposite" }));

        var matches = await index.SearchAsync(new float[] { 1, 0, 0, 0 }, 4, new VectorSearchFilter { IncludeHidden = true });

        Assert.Equal(["same", "close", "orthogonal", "opposite"], matches.Select(m => m.VideoId));
        Assert.Equal([1f, 0.75f, 0f, -1f], matches.Select(m => (float)Math.Round(m.Score, 6)));
        var json = Assert.Single(service.Requests).Json;
        Assert.Equal("videoId", json["select"]!.GetValue<string>());
        Assert.Null(json["filter"]);
    }

    [Fact]
    public async Task Search_InnerProduct_ComputesDotProductsFromTheReturnedVectors_BestFirst()
    {
        var (index, service) = Create();
        service.ThenHits(
            (0.9, new JsonObject { ["videoId"] = "a", ["vector"] = new JsonArray(1, 0, 0, 0) }),
            (0.8, new JsonObject { ["videoId"] = "b", ["vector"] = new JsonArray(2, 2, 0, 0) }),
            (0.7, new JsonObject { ["videoId"] = "c", ["vector"] = new JsonArray(0, 0, -1, 5) }));

        var matches = await index.SearchAsync(new float[] { 1, 3, 0, 0 }, 3);

        Assert.Equal([("b", 8f), ("a", 1f), ("c", 0f)], matches.Select(m => (m.VideoId, m.Score)));
    }

    [Fact]
    public async Task Search_NeverReturnsMoreThanK()
    {
        var (index, service) = Create(Defaults with { Metric = VectorMetric.Cosine });
        service.ThenHits(
            (0.9, new JsonObject { ["videoId"] = "a" }),
            (0.8, new JsonObject { ["videoId"] = "b" }),
            (0.7, new JsonObject { ["videoId"] = "c" }));

        Assert.Equal(["a", "b"], (await index.SearchAsync(new float[] { 1, 0, 0, 0 }, 2)).Select(m => m.VideoId));
    }

    [Fact]
    public async Task Search_AnswerOutOfShape_IsAClearError()
    {
        var (index, service) = Create();
        service.ThenHits((0.9, new JsonObject { ["videoId"] = "a" }));

        var e = await Assert.ThrowsAsync<InvalidOperationException>(async () => await index.SearchAsync(new float[] { 1, 0, 0, 0 }, 1));

        Assert.Contains("hit 'a' with no vector", e.Message);
    }

    [Fact]
    public async Task Search_BadInput_IsRefusedWithoutARequest()
    {
        var (index, service) = Create();

        await Assert.ThrowsAsync<ArgumentException>(async () => await index.SearchAsync(new float[] { 1, 0, 0 }, 1));
        await Assert.ThrowsAsync<ArgumentException>(async () => await index.SearchAsync(new float[] { 1, 0, float.PositiveInfinity, 0 }, 1));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await index.SearchAsync(new float[] { 1, 0, 0, 0 }, 0));

        Assert.Empty(service.Requests);
    }

    [Fact]
    public async Task Cosine_ZeroVectors_NeverMatch()
    {
        var (index, service) = Create(Defaults with { Metric = VectorMetric.Cosine });

        Assert.Empty(await index.SearchAsync(new float[Dimensions], 5));
        await index.UpsertAsync([Video("zero", new float[Dimensions]), Video("one")]);

        var docs = Assert.Single(service.Requests).Documents;
        Assert.Equal(["delete", "mergeOrUpload"], docs.Select(d => d["@search.action"]!.GetValue<string>()));
        Assert.Equal(AzureSearchKeys.Encode("zero"), docs[0]["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Delete_LooksUpTheKeys_ThenDeletesTheIndexedOnes_AndCountsThem()
    {
        var (index, service) = Create();
        var existing = AzureSearchKeys.Encode("b'|,");
        service.ThenHits((1.0, new JsonObject { ["id"] = existing }));

        var removed = await index.DeleteAsync(["a", "b'|,", "a", ""]);

        Assert.Equal(1, removed);
        var requests = service.Requests;
        Assert.Equal(2, requests.Count);
        var lookup = requests[0].Json;
        Assert.Equal($"search.in(id, '{AzureSearchKeys.Encode("a")},{existing}', ',')", lookup["filter"]!.GetValue<string>());
        Assert.Equal("id", lookup["select"]!.GetValue<string>());
        Assert.Equal(2, lookup["top"]!.GetValue<int>());
        var delete = Assert.Single(requests[1].Documents);
        Assert.Equal("delete", delete["@search.action"]!.GetValue<string>());
        Assert.Equal(existing, delete["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Delete_OfUnknownIds_SendsNoDelete()
    {
        var (index, service) = Create();

        Assert.Equal(0, await index.DeleteAsync(["nope"]));
        Assert.True(Assert.Single(service.Requests).IsSearch);
        Assert.Equal(0, await index.DeleteAsync([]));
        Assert.Single(service.Requests);
    }

    [Fact]
    public async Task Count_IsTheDocumentCount()
    {
        var (index, service) = Create();
        service.Count = 12345;

        Assert.Equal(12345, await index.CountAsync());
        Assert.True(Assert.Single(service.Requests).IsCount);
    }

    [Fact]
    public void Properties_ComeFromTheOptions()
    {
        var (index, _) = Create(Defaults with { Metric = VectorMetric.Cosine, Dimensions = 384 });

        Assert.Equal(("azure-ai-search", 384, VectorMetric.Cosine), (index.Engine, index.Dimensions, index.Metric));
    }

    [Fact]
    public async Task TokenCredential_SendsABearerToken()
    {
        var service = new FakeSearchService();
        var index = new AzureSearchVectorIndex(Defaults, new StaticToken("token-123"), transport: new HttpClientTransport(new HttpClient(service)));

        await index.CountAsync();

        var request = Assert.Single(service.Requests);
        Assert.Equal("Bearer token-123", request.Headers["Authorization"]);
        Assert.False(request.Headers.ContainsKey("api-key"));
    }

    [Fact]
    public void Constructor_ValidatesTheOptions()
    {
        var e = Assert.Throws<ArgumentException>(() => new AzureSearchVectorIndex(Defaults with { HnswM = 3 }, new AzureKeyCredential("k")));

        Assert.Contains("AzureSearchOptions.HnswM must be between 4 and 10 (was 3).", e.Message);
    }

    [Fact]
    public void Registration_ResolvesTheIndex_UnkeyedAndKeyed()
    {
        var services = new ServiceCollection()
            .AddAzureSearchVectorIndex(Defaults, apiKey: "local-key")
            .AddAzureSearchVectorIndex(Defaults with { IndexName = "wals-factors", Dimensions = 32 }, new StaticToken("t"), serviceKey: "wals");
        using var provider = new VideoRec.Azure.Tests.Support.DescriptorServiceProvider(services);

        var index = provider.GetRequiredService<IVideoVectorIndex>();
        Assert.Same(provider.GetRequiredService<AzureSearchVectorIndex>(), index);
        Assert.Equal("videos-test", ((AzureSearchVectorIndex)index).Options.IndexName);
        var wals = provider.GetRequiredKeyedService<IVideoVectorIndex>("wals");
        Assert.Equal(("wals-factors", 32), (((AzureSearchVectorIndex)wals).Options.IndexName, wals.Dimensions));
    }

    [Fact]
    public void Registration_WithoutKeyOrCredential_OrWithBadOptions_Throws()
    {
        Assert.Contains("API key or a token credential", Assert.Throws<ArgumentException>(() => new ServiceCollection().AddAzureSearchVectorIndex(Defaults)).Message);
        Assert.Contains("AzureSearchOptions.Endpoint", Assert.Throws<ArgumentException>(() =>
            new ServiceCollection().AddAzureSearchVectorIndex(new AzureSearchOptions(), apiKey: "k")).Message);
    }

    private sealed class StaticToken(string token) : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => new(token, DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
