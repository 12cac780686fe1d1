using Microsoft.AspNetCore.Builder;
using VideoRec.Core.Bundles;
using VideoRec.Core.Serving;
using VideoRec.Core.Serving.Recommend;
using VideoRec.Host;

namespace VideoRec.Api.Tests.Support;

/// <summary>
/// Trains the <see cref="TestData"/> bundle once, saves it to a temporary model folder, starts the real local host on
/// a free loopback port, and tears everything down at the end.
/// </summary>
public sealed class ApiFixture : IAsyncLifetime
{
    private WebApplication? _app;

    /// <summary>The model folder (holding CURRENT).</summary>
    public string ModelRoot { get; } = Path.Combine(Path.GetTempPath(), "vrec-api-tests-" + Guid.NewGuid().ToString("N"));

    /// <summary>The bundle as trained in memory.</summary>
    public ModelBundle Trained { get; private set; } = null!;

    /// <summary>The bundle as loaded back from disk (what both hosts serve).</summary>
    public ModelBundle Loaded { get; private set; } = null!;

    /// <summary>A client whose base address is the started local host.</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <summary>The base address the host reported.</summary>
    public string Address { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Trained = TestData.Train();
        Trained.Save(ModelRoot);
        Loaded = ModelBundle.Load(ModelRoot);
        _app = LocalHost.Build(new LocalHostOptions { ModelPath = ModelRoot, Port = 0, Pipeline = TestServing.Generous() });
        await _app.StartAsync();
        Address = LocalHost.Address(_app);
        Client = new HttpClient { BaseAddress = new Uri(Address) };
    }

    /// <summary>A handler over the loaded bundle with default limits, as the Functions app registers it.</summary>
    public RecommendationHandler NewHandler()
    {
        var options = TestServing.Generous();
        return new(new ServingModelHost(new FixedModelBundleProvider(Loaded), new ServingModelBuilder(options, new ExactServingIndexProvider())), new ServingOptions(), options);
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        try
        {
            Directory.Delete(ModelRoot, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "api";
}
