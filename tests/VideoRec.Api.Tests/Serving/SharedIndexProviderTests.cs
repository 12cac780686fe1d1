using VideoRec.Api.Tests.Functions;
using VideoRec.Api.Tests.Support;
using VideoRec.Core.CandidateGeneration;
using VideoRec.Core.CandidateGeneration.Index;
using VideoRec.Core.Serving;
using VideoRec.Core.Serving.Recommend;

namespace VideoRec.Api.Tests.Serving;

/// <summary>A shared index (the Azure AI Search role) serving the WALS space, filled from the bundle and left open when a model retires.</summary>
public sealed class SharedIndexProviderTests
{
    [Fact]
    public async Task The_shared_index_is_filled_from_the_bundle_serves_wals_and_outlives_the_model()
    {
        var shared = new ExactVectorIndex(2, VectorMetric.InnerProduct);
        var options = TestServing.Generous(o => o.Rerank.DiversityLambda = 1);
        var host = new ServingModelHost(new FixedModelBundleProvider(ServingBundle.Create()),
            new ServingModelBuilder(options, new SharedIndexProvider(shared, CandidateSources.Wals, new ExactServingIndexProvider(), batchSize: 5)));
        var handler = new RecommendationHandler(host, new ServingOptions(), options, time: new FixedTimeProvider(ServingBundle.Now));

        var page = (await handler.RecommendAsync(new RecommendQuery { UserId = "u1", K = 3, Country = "US", Language = "en" })).Value!;
        host.Dispose();

        Assert.Equal(["v01", "v05", "v07"], page.Items.Select(i => i.VideoId));
        Assert.Equal(12, shared.Count);
        Assert.Equal("v12", shared.Search([1f, 0f], 1)[0].VideoId);
    }

    [Fact]
    public void A_shared_index_of_other_dimensions_fails_the_model_build_naming_both()
    {
        var shared = new ExactVectorIndex(3, VectorMetric.InnerProduct);
        var builder = new ServingModelBuilder(TestServing.Generous(), new SharedIndexProvider(shared, CandidateSources.Wals, new ExactServingIndexProvider()));

        var error = Assert.Throws<InvalidDataException>(() => builder.Build(ServingBundle.Create()));

        Assert.Equal("The shared wals index holds 3-d InnerProduct vectors; model wals-test-1 needs 2-d InnerProduct.", error.Message);
    }
}
