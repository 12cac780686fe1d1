using System.Text.Json.Nodes;
using Azure;
using Azure.Core.Pipeline;
using VideoRec.Azure.Search;
using VideoRec.Core.CandidateGeneration.Index;

namespace VideoRec.Azure.Tests.Search;

/// <summary>Extreme arguments to the Azure AI Search vector index, over the fake transport.</summary>
public sealed class AzureSearchEdgeCaseTests
{
    private static readonly AzureSearchOptions Options = new()
    {
        Endpoint = new Uri("https://videorec-test.search.windows.net"),
        IndexName = "videos-test",
        Dimensions = 4,
        Metric = VectorMetric.Cosine,
        MaxRetryAttempts = 3,
        BaseDelay = TimeSpan.Zero,
        MaxDelay = TimeSpan.Zero,
    };

    private static (AzureSearchVectorIndex Index, FakeSearchService Service) Create()
    {
        var service = new FakeSearchService();
        return (new AzureSearchVectorIndex(Options, new AzureKeyCredential("test-admin-key"), transport: new HttpClientTransport(new HttpClient(service))), service);
    }

    [Fact]
    public async Task A_k_of_int_max_returns_every_hit()
    {
        // The result list was allocated with capacity k: k = int.MaxValue threw OutOfMemoryException before any hit was read.
        var (index, service) = Create();
        service.ThenHits((0.9, new JsonObject { ["videoId"] = "a" }), (0.8, new JsonObject { ["videoId"] = "b" }));

        var matches = await index.SearchAsync(new float[] { 1, 0, 0, 0 }, int.MaxValue);

        Assert.Equal(["a", "b"], matches.Select(m => m.VideoId));
    }

    [Fact]
    public async Task Cosine_treats_a_subnormal_vector_as_a_direction_not_as_zero()
    {
        // |v|² of a subnormal vector underflows to 0: the video was deleted as a zero vector, and the query returned
        // nothing without asking the service.
        var (index, service) = Create();
        var tiny = new[] { 3 * float.Epsilon, 4 * float.Epsilon, 0f, 0f };

        await index.UpsertAsync([new IndexedVideo("tiny", tiny, VideoIndexAttributes.Unrestricted)]);
        service.ThenHits((1.0, new JsonObject { ["videoId"] = "tiny" }));
        var matches = await index.SearchAsync(tiny, 1);

        var docs = service.Requests[0].Documents;
        Assert.Equal(["mergeOrUpload"], docs.Select(d => d["@search.action"]!.GetValue<string>()));
        Assert.Equal([("tiny", 1f)], matches.Select(m => (m.VideoId, m.Score)));
    }
}
