using VideoRec.Core.Bundles;
using VideoRec.Core.Bundles.Publishing;
using VideoRec.Core.Serving;
using VideoRec.Core.Tests.Support;

namespace VideoRec.Core.Tests.Bundles.Publishing;

/// <summary>The publish step with the folder source: new versions are downloaded, checked and swapped in; broken ones never are.</summary>
public sealed class ModelBundlePublisherTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly ModelBundle _first = PublishingTestBundles.Train(PublishingTestBundles.T0);
    private readonly ModelBundle _second = PublishingTestBundles.Train(PublishingTestBundles.T0.AddHours(1));

    public void Dispose() => _dir.Dispose();

    private string Published => Path.Combine(_dir.Path, "published");

    private string Cache => Path.Combine(_dir.Path, "cache");

    private ModelBundlePublisher Publisher() => new(new FolderModelBundleSource(Published), Cache);

    [Fact]
    public async Task Load_downloads_the_published_version_into_the_cache_when_the_cache_is_empty()
    {
        _first.Save(Published);

        var bundle = await Publisher().LoadAsync(CancellationToken.None);

        Assert.Equal(_first.Version, bundle.Version);
        Assert.Equal(_first.Wals.VideoFactors, bundle.Wals.VideoFactors);
        Assert.Equal(_first.Version + Environment.NewLine, File.ReadAllText(Path.Combine(Cache, "CURRENT")));
        Assert.True(File.Exists(Path.Combine(Cache, _first.Version, "manifest.json")));
        Assert.Equal([_first.Version], Directory.GetDirectories(Cache).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Load_prefers_the_cache_over_the_source()
    {
        _first.Save(Cache);
        _second.Save(Published);

        Assert.Equal(_first.Version, (await Publisher().LoadAsync(CancellationToken.None)).Version);
    }

    [Fact]
    public async Task Load_with_nothing_anywhere_names_both_places()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Publisher().LoadAsync(CancellationToken.None));

        Assert.Contains(Path.GetFullPath(Cache), error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.GetFullPath(Published), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_swaps_in_a_newer_version_and_keeps_the_previous_one_in_the_cache()
    {
        _first.Save(Published);
        var publisher = Publisher();
        var provider = new SwappableModelBundleProvider(await publisher.LoadAsync(CancellationToken.None));

        Assert.Equal(new PublishOutcome(PublishStatus.UpToDate, _first.Version), await publisher.CheckAsync(provider, CancellationToken.None));
        _second.Save(Published);
        var outcome = await publisher.CheckAsync(provider, CancellationToken.None);

        Assert.Equal(new PublishOutcome(PublishStatus.Published, _second.Version, _first.Version), outcome);
        Assert.Equal(_second.Version, provider.Current.Version);
        Assert.Equal(_second.Version, File.ReadAllText(Path.Combine(Cache, "CURRENT")).Trim());
        Assert.Equal(new[] { _first.Version, _second.Version }.Order(), Directory.GetDirectories(Cache).Select(Path.GetFileName).Order());
        Assert.Equal(new PublishOutcome(PublishStatus.UpToDate, _second.Version), await publisher.CheckAsync(provider, CancellationToken.None));
    }

    [Fact]
    public async Task Check_drops_versions_older_than_the_previous_one()
    {
        var third = PublishingTestBundles.Train(PublishingTestBundles.T0.AddHours(2));
        _first.Save(Published);
        var publisher = Publisher();
        var provider = new SwappableModelBundleProvider(await publisher.LoadAsync(CancellationToken.None));
        _second.Save(Published);
        await publisher.CheckAsync(provider, CancellationToken.None);
        third.Save(Published);

        await publisher.CheckAsync(provider, CancellationToken.None);

        Assert.Equal(new[] { _second.Version, third.Version }.Order(), Directory.GetDirectories(Cache).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task Check_with_nothing_published_keeps_serving()
    {
        var provider = new SwappableModelBundleProvider(_first);

        var outcome = await Publisher().CheckAsync(provider, CancellationToken.None);

        Assert.Equal(new PublishOutcome(PublishStatus.NothingPublished, _first.Version), outcome);
        Assert.Same(_first, provider.Current);
    }

    [Fact]
    public async Task A_broken_bundle_is_not_swapped_in_and_leaves_no_download_behind()
    {
        var publisher = Publisher();
        _first.Save(Published);
        var provider = new SwappableModelBundleProvider(await publisher.LoadAsync(CancellationToken.None));
        var path = _second.Save(Published);
        File.WriteAllBytes(Path.Combine(path, "video_factors.f32"), [1, 2, 3]); // truncated

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => publisher.CheckAsync(provider, CancellationToken.None));

        Assert.Contains("video_factors.f32", error.Message, StringComparison.Ordinal);
        Assert.Equal(_first.Version, provider.Current.Version);
        Assert.Equal(_first.Version, File.ReadAllText(Path.Combine(Cache, "CURRENT")).Trim());
        Assert.Equal([_first.Version], Directory.GetDirectories(Cache).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_current_that_names_a_version_whose_manifest_says_another_is_refused()
    {
        var publisher = Publisher();
        var provider = new SwappableModelBundleProvider(_first);
        var path = _second.Save(Published);
        Directory.Move(path, Path.Combine(Published, "renamed-version"));
        File.WriteAllText(Path.Combine(Published, "CURRENT"), "renamed-version\n");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => publisher.CheckAsync(provider, CancellationToken.None));

        Assert.Contains($"CURRENT names version 'renamed-version' but its manifest says '{_second.Version}'", error.Message, StringComparison.Ordinal);
        Assert.Same(_first, provider.Current);
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData(".hidden")]
    [InlineData("a/b")]
    [InlineData("")]
    public async Task A_current_that_is_not_a_version_name_is_refused(string content)
    {
        Directory.CreateDirectory(Published);
        File.WriteAllText(Path.Combine(Published, "CURRENT"), content);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => new FolderModelBundleSource(Published).GetCurrentVersionAsync(CancellationToken.None));

        Assert.Contains("CURRENT must name a model version", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_current_naming_a_missing_version_says_so()
    {
        Directory.CreateDirectory(Published);
        File.WriteAllText(Path.Combine(Published, "CURRENT"), "wals-missing\n");
        var provider = new SwappableModelBundleProvider(_first);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => Publisher().CheckAsync(provider, CancellationToken.None));

        Assert.Contains("CURRENT names version 'wals-missing', but no file of it is there", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetDirectories(Cache));
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("/etc/passwd")]
    [InlineData("a//b")]
    [InlineData("")]
    public void Local_paths_stay_inside_the_bundle(string relative)
    {
        var error = Assert.Throws<InvalidDataException>(() => ModelVersionName.LocalPath(_dir.Path, relative, "source"));

        Assert.Contains("is not a file name inside the bundle", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Local_paths_of_nested_files_are_under_the_directory()
    {
        Assert.Equal(Path.Combine(_dir.Path, "towers", "user.onnx"), ModelVersionName.LocalPath(_dir.Path, "towers/user.onnx", "source"));
    }

    [Fact]
    public void Swap_returns_the_replaced_bundle()
    {
        var provider = new SwappableModelBundleProvider(_first);

        Assert.Same(_first, provider.Swap(_second));
        Assert.Same(_second, provider.Current);
    }
}
