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
}
