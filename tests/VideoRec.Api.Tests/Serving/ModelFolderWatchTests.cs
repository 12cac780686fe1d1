using Microsoft.Extensions.Logging.Abstractions;
using VideoRec.Api.Tests.Support;
using VideoRec.Core.Bundles;
using VideoRec.Core.Serving;
using VideoRec.Core.Serving.Recommend;
using VideoRec.Host;

namespace VideoRec.Api.Tests.Serving;

/// <summary>The local host's hot swap by <c>CURRENT</c>, with a new version whose serving model cannot be built.</summary>
public sealed class ModelFolderWatchTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "vrec-watch-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task A_version_whose_serving_model_fails_to_build_is_not_offered_and_not_reported_as_swapped_in()
    {
        ServingBundle.Create("wals-test-1").Save(_root);
        var provider = new SwappableModelBundleProvider(ModelBundle.Load(_root));
        var indexes = new SickIndexes(new ExactServingIndexProvider()) { BrokenVersion = "wals-test-2" };
        using var models = new ServingModelHost(provider, new ServingModelBuilder(TestServing.Generous(), indexes));
        Assert.Equal("wals-test-1", (await models.EnsureCurrentAsync(CancellationToken.None)).Version);
        var watch = new ModelFolderWatchService(_root, provider, models, TimeSpan.FromMinutes(1), NullLogger<ModelFolderWatchService>.Instance);

        ServingBundle.Create("wals-test-2").Save(_root);
        var swapped = await watch.CheckAsync(CancellationToken.None);

        Assert.Null(swapped);
        Assert.Equal("wals-test-1", models.ServedVersion);
        // The provider is what the fold-in refresher and health read: it must keep naming the version actually served.
        Assert.Equal("wals-test-1", provider.Current.Version);
    }
}
