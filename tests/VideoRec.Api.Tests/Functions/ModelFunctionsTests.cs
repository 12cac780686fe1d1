using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using VideoRec.Api.Tests.Support;
using VideoRec.Azure.Bundles;
using VideoRec.Core.Bundles.Publishing;
using VideoRec.Core.Serving;
using VideoRec.Functions;

namespace VideoRec.Api.Tests.Functions;

/// <summary>
/// The model publish timer as Program.cs wires it: with a folder source (the local stand-in for the blob container) a
/// newly published bundle reaches the recommend handler; with none the timer does nothing; bad settings are named.
/// </summary>
public sealed class ModelFunctionsTests : FunctionAppTests
{
    private string Published => Path.Combine(Root, "published");

    private string Cache => Path.Combine(Root, "cache");

    private Dictionary<string, string?> Settings(Dictionary<string, string?> model) => new(model)
    {
        ["VideoRec:Store"] = "Sqlite",
        ["VideoRec:DatabasePath"] = Path.Combine(Root, "store", "videorec.db"),
        ["VideoRec:Queue"] = "Sqlite",
        ["VideoRec:Embeddings"] = "None",
    };

    private ServiceProvider FolderApp() => Build(Settings(new()
    {
        ["VideoRec:ModelPath"] = Cache,
        ["VideoRec:ModelSource"] = "Folder",
        ["VideoRec:ModelSourcePath"] = Published,
    }));

    [Fact]
    public async Task A_bundle_published_to_the_folder_is_served_after_the_timer_runs()
    {
        var first = TestData.Train();
        first.Save(Published);
        var provider = FolderApp();
        var handler = provider.GetRequiredService<RecommendationHandler>();
        var timer = ActivatorUtilities.CreateInstance<ModelFunctions>(provider);

        // Start-up downloaded the published bundle into the empty cache.
        Assert.Equal(first.Version, provider.GetRequiredService<IModelBundleProvider>().Current.Version);
        Assert.Equal(first.Version, File.ReadAllText(Path.Combine(Cache, "CURRENT")).Trim());
        Assert.Equal(PublishStatus.UpToDate, (await timer.CheckAsync(CancellationToken.None))!.Status);

        var second = TestData.Train(TestData.CreatedAt.AddDays(1));
        second.Save(Published);
        var outcome = await timer.CheckAsync(CancellationToken.None);

        Assert.Equal(new PublishOutcome(PublishStatus.Published, second.Version, first.Version), outcome);
        var served = await handler.RecommendAsync(TestData.Alice, 3, CancellationToken.None);
        Assert.Equal(second.Version, served.Value!.ModelVersion);
        Assert.Same(provider.GetRequiredService<SwappableModelBundleProvider>(), provider.GetRequiredService<IModelBundleProvider>());
    }

    [Fact]
    public async Task The_timer_function_itself_runs_the_check()
    {
        TestData.Train().Save(Published);
        var provider = FolderApp();
        var timer = ActivatorUtilities.CreateInstance<ModelFunctions>(provider);
        _ = provider.GetRequiredService<IModelBundleProvider>().Current;
        var second = TestData.Train(TestData.CreatedAt.AddDays(2));
        second.Save(Published);

        await timer.PublishModelBundle(new Microsoft.Azure.Functions.Worker.TimerInfo(), CancellationToken.None);

        Assert.Equal(second.Version, provider.GetRequiredService<IModelBundleProvider>().Current.Version);
    }

    [Fact]
    public async Task A_broken_published_bundle_fails_the_run_and_the_old_one_keeps_serving()
    {
        var first = TestData.Train();
        first.Save(Published);
        var provider = FolderApp();
        var timer = ActivatorUtilities.CreateInstance<ModelFunctions>(provider);
        _ = provider.GetRequiredService<IModelBundleProvider>().Current;
        var path = TestData.Train(TestData.CreatedAt.AddDays(3)).Save(Published);
        File.Delete(Path.Combine(path, "catalogue.json"));

        await Assert.ThrowsAsync<InvalidDataException>(() => timer.CheckAsync(CancellationToken.None));

        Assert.Equal(first.Version, provider.GetRequiredService<IModelBundleProvider>().Current.Version);
    }

    [Fact]
    public async Task Without_a_source_the_timer_does_nothing_and_the_model_path_is_served()
    {
        var provider = Build(Settings(new() { ["VideoRec:ModelPath"] = Models() }));
        var timer = ActivatorUtilities.CreateInstance<ModelFunctions>(provider);

        Assert.Null(await timer.CheckAsync(CancellationToken.None));
        Assert.Equal(TestData.Train().Version, provider.GetRequiredService<IModelBundleProvider>().Current.Version);
        Assert.Null(provider.GetService<ModelBundlePublisher>());
        Assert.DoesNotContain(provider.GetServices<IHostedService>(), s => s is ModelBundleRefreshService);
    }

    [Fact]
    public void A_source_registers_the_refresh_service_that_runs_the_check_on_every_instance()
    {
        TestData.Train().Save(Published);
        var provider = FolderApp();

        Assert.Contains(provider.GetServices<IHostedService>(), s => s is ModelBundleRefreshService);
        Assert.IsType<FolderModelBundleSource>(provider.GetRequiredService<IModelBundleSource>());
        Assert.Equal(Path.GetFullPath(Cache), provider.GetRequiredService<ModelBundlePublisher>().CacheRoot);
    }

    [Fact]
    public void A_blob_source_reads_the_container_named_by_the_setting_without_connecting()
    {
        var provider = Build(Settings(new()
        {
            ["VideoRec:ModelPath"] = Cache,
            ["VideoRec:ModelSource"] = "Blob",
            ["VideoRec:ModelContainerUri"] = "https://account.blob.core.windows.net/models",
        }));

        var source = Assert.IsType<BlobModelBundleSource>(provider.GetRequiredService<IModelBundleSource>());
        Assert.Equal("https://account.blob.core.windows.net/models", source.Location);
        Assert.Equal("Blob", provider.GetRequiredService<IOptions<FunctionSettings>>().Value.ModelSource);
    }

    [Fact]
    public void A_folder_source_with_nothing_published_and_an_empty_cache_fails_naming_both()
    {
        var provider = FolderApp();

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IModelBundleProvider>());

        Assert.Contains(Path.GetFullPath(Published), error.Message, StringComparison.Ordinal);
        Assert.Contains("has no CURRENT", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Ftp", null, null, "VideoRec:ModelSource (app setting VideoRec__ModelSource) must be None, Folder or Blob, found 'Ftp'.")]
    [InlineData("Folder", null, null, "VideoRec:ModelSourcePath (app setting VideoRec__ModelSourcePath) is required when VideoRec:ModelSource is Folder")]
    [InlineData("Blob", null, "models", "VideoRec:ModelContainerUri (app setting VideoRec__ModelContainerUri) must be an absolute URI such as https://account.blob.core.windows.net/models when VideoRec:ModelSource is Blob, found 'models'.")]
    public void Bad_model_source_settings_are_named_at_start_up(string source, string? path, string? uri, string message)
    {
        var provider = Build(Settings(new()
        {
            ["VideoRec:ModelPath"] = Cache,
            ["VideoRec:ModelSource"] = source,
            ["VideoRec:ModelSourcePath"] = path,
            ["VideoRec:ModelContainerUri"] = uri,
        }));

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<FunctionSettings>>().Value);

        Assert.Contains(message, Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_refresh_service_stops_cleanly()
    {
        TestData.Train().Save(Published);
        var provider = FolderApp();
        var service = new ModelBundleRefreshService(provider, NullLogger<ModelBundleRefreshService>.Instance);

        await service.StartAsync(CancellationToken.None);
        await service.StopAsync(CancellationToken.None);

        Assert.True(service.ExecuteTask!.IsCompleted);
    }
}
