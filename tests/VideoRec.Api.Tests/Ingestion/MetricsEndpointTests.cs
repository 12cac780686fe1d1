using System.Net;
using System.Text.Json;
using VideoRec.Api.Tests.Support;

namespace VideoRec.Api.Tests.Ingestion;

/// <summary>GET /api/metrics on the real local host (mapped with the store, like ingestion).</summary>
[Collection(IngestionCollection.Name)]
public sealed class MetricsEndpointTests(IngestionFixture fixture)
{
    [Fact]
    public async Task The_route_answers_and_names_a_bad_parameter()
    {
        var (ok, body) = await fixture.GetAsync("/api/metrics?from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z&groupBy=arm");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(["from", "to", "groupBy", "attributionWindowSeconds", "groups"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(0, body.GetProperty("groups").GetArrayLength());

        var (bad, problem) = await fixture.GetAsync("/api/metrics?groupBy=model");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        Assert.Equal("The request has invalid parameters.", Json.String(problem, "title"));
        Assert.Equal(["groupBy must be a comma-separated list of modelVersion, arm, source, position, found 'model'."],
            problem.GetProperty("errors").GetProperty("groupBy").EnumerateArray().Select(e => e.GetString()));
    }
}
