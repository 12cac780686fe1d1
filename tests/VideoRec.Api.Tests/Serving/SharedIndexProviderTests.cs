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

    /// <summary>The hand-made bundle retrained: the same videos, each with its two factors swapped.</summary>
    private static Core.Bundles.ModelBundle Retrained(string version)
    {
        var b = ServingBundle.Create(version);
        var videos = b.Wals.VideoFactors.ToArray();
        for (var i = 0; i < videos.Length; i += 2)
        {
            (videos[i], videos[i + 1]) = (videos[i + 1], videos[i]);
        }

        return new Core.Bundles.ModelBundle(b.Manifest, b.Users, b.Videos, new Core.Models.Wals.WalsModel(2, b.Wals.UserFactors, videos, b.Manifest.Wals),
            b.Popularity, b.Seen, b.Catalogue);
    }

    [Fact]
    public void A_retrained_version_with_as_many_videos_replaces_the_shared_vectors()
    {
        var shared = new ExactVectorIndex(2, VectorMetric.InnerProduct);
        var builder = new ServingModelBuilder(TestServing.Generous(), new SharedIndexProvider(shared, CandidateSources.Wals, new ExactServingIndexProvider()));
        using var first = builder.Build(ServingBundle.Create("wals-test-1"));
        Assert.Equal("v12", shared.Search([1f, 0f], 1)[0].VideoId);

        using var second = builder.Build(Retrained("wals-test-2"));

        // After retraining v11 ([0.10, 0.70] → [0.70, 0.10]) leads the first factor; v12 ([0.95, 0]) no longer does.
        Assert.Equal(12, shared.Count);
        Assert.Equal("v11", shared.Search([1f, 0f], 1)[0].VideoId);
        Assert.Equal(0.7f, shared.Search([1f, 0f], 1)[0].Score, 6);
    }
}
