using System.Text;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using VideoRec.Azure.Bundles;
using VideoRec.Azure.Tests.Support;
using VideoRec.Core.Bundles.Publishing;

namespace VideoRec.Azure.Tests.Bundles;

/// <summary>The blob model bundle source against a fake blob endpoint: the requests it makes and what it writes locally.</summary>
public sealed class BlobModelBundleSourceTests : IDisposable
{
    private static readonly Uri ContainerUri = new("https://account.blob.core.windows.net/models");
    private readonly FakeBlobService _service = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("vrec-blob-source-").FullName;

    public void Dispose()
    {
        _service.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private BlobModelBundleSource Source()
    {
        var options = new BlobClientOptions { Transport = new HttpClientTransport(new HttpClient(_service)) };
        options.Retry.MaxRetries = 0;
        return new BlobModelBundleSource(BlobModelBundleSource.CreateContainerClient(ContainerUri, new StaticTokenCredential(), options));
    }

    [Fact]
    public async Task Current_version_is_the_trimmed_current_blob_read_with_a_bearer_token()
    {
        _service.Blobs["CURRENT"] = Encoding.UTF8.GetBytes("wals-20250301T120000Z-abcdef12\n");

        var version = await Source().GetCurrentVersionAsync(CancellationToken.None);

        Assert.Equal("wals-20250301T120000Z-abcdef12", version);
        var request = Assert.Single(_service.Requests);
        Assert.Equal(("GET", "/models/CURRENT", "Bearer " + StaticTokenCredential.Token), (request.Method, request.Path, request.Authorization));
    }

    [Fact]
    public async Task No_current_blob_means_nothing_published()
    {
        Assert.Null(await Source().GetCurrentVersionAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_current_blob_that_is_not_a_version_is_refused()
    {
        _service.Blobs["CURRENT"] = Encoding.UTF8.GetBytes("../../etc");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => Source().GetCurrentVersionAsync(CancellationToken.None));

        Assert.Contains("https://account.blob.core.windows.net/models/CURRENT", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Download_lists_the_version_prefix_and_writes_each_blob_under_its_relative_name()
    {
        _service.Blobs["v1/manifest.json"] = Encoding.UTF8.GetBytes("{}");
        _service.Blobs["v1/towers/user.onnx"] = [1, 2, 3];
        _service.Blobs["v10/manifest.json"] = Encoding.UTF8.GetBytes("other version");
        _service.Blobs["CURRENT"] = Encoding.UTF8.GetBytes("v1");

        await Source().DownloadAsync("v1", _directory, CancellationToken.None);

        Assert.Equal("{}", File.ReadAllText(Path.Combine(_directory, "manifest.json")));
        Assert.Equal([1, 2, 3], File.ReadAllBytes(Path.Combine(_directory, "towers", "user.onnx")));
        Assert.Equal(2, Directory.GetFiles(_directory, "*", SearchOption.AllDirectories).Length);
        var list = _service.Requests[0];
        Assert.Equal(("GET", "/models"), (list.Method, list.Path));
        Assert.Contains("restype=container", list.Query, StringComparison.Ordinal);
        Assert.Contains("comp=list", list.Query, StringComparison.Ordinal);
        Assert.Contains("prefix=v1%2F", list.Query, StringComparison.Ordinal);
        Assert.Equal(["/models/v1/manifest.json", "/models/v1/towers/user.onnx"], _service.Requests.Skip(1).Select(r => r.Path));
        Assert.All(_service.Requests, r => Assert.Equal("Bearer " + StaticTokenCredential.Token, r.Authorization));
    }

    [Fact]
    public async Task Download_of_a_version_with_no_blobs_says_so()
    {
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => Source().DownloadAsync("v2", _directory, CancellationToken.None));

        Assert.Contains("CURRENT names version 'v2', but no blob starts with 'v2/'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_blob_name_climbing_out_of_the_bundle_is_refused()
    {
        _service.Blobs["v1/../../outside"] = [0];

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => Source().DownloadAsync("v1", _directory, CancellationToken.None));

        Assert.Contains("is not a file name inside the bundle", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_directory, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task The_publisher_swaps_in_a_bundle_published_to_the_container()
    {
        // A real bundle uploaded blob by blob, as `az storage blob upload-batch` leaves it.
        var bundle = SmallBundle.Train();
        var folder = bundle.Save(Path.Combine(_directory, "trained"));
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            _service.Blobs[$"{bundle.Version}/{Path.GetRelativePath(folder, file).Replace('\\', '/')}"] = File.ReadAllBytes(file);
        }

        _service.Blobs["CURRENT"] = Encoding.UTF8.GetBytes(bundle.Version + "\n");
        var publisher = new ModelBundlePublisher(Source(), Path.Combine(_directory, "cache"));

        var loaded = await publisher.LoadAsync(CancellationToken.None);

        Assert.Equal(bundle.Version, loaded.Version);
        Assert.Equal(bundle.Wals.UserFactors, loaded.Wals.UserFactors);
    }

    [Theory]
    [InlineData("https://account.blob.core.windows.net")]
    [InlineData("https://account.blob.core.windows.net/")]
    [InlineData("ftp://account/models")]
    public void A_uri_that_names_no_container_is_refused(string uri)
    {
        var error = Assert.Throws<ArgumentException>(() => BlobModelBundleSource.CreateContainerClient(new Uri(uri), new StaticTokenCredential()));

        Assert.Contains("must be an absolute URI naming a container", error.Message, StringComparison.Ordinal);
    }
}
