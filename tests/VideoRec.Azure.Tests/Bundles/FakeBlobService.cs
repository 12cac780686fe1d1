using System.Net;
using System.Net.Http.Headers;
using System.Security;
using System.Text;
using Azure.Core;

namespace VideoRec.Azure.Tests.Bundles;

/// <summary>
/// A blob container answering the three calls <see cref="VideoRec.Azure.Bundles.BlobModelBundleSource"/> makes (get
/// blob, list blobs by prefix) from a dictionary, recording each request: no network, no emulator.
/// </summary>
internal sealed class FakeBlobService : HttpMessageHandler
{
    public const string Container = "models";

    public Dictionary<string, byte[]> Blobs { get; } = new(StringComparer.Ordinal);

    public List<(string Method, string Path, string Query, string? Authorization)> Requests { get; } = [];

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri!;
        lock (Requests)
        {
            Requests.Add((request.Method.Method, Uri.UnescapeDataString(uri.AbsolutePath), uri.Query, request.Headers.Authorization?.ToString()));
        }

        var query = System.Web.HttpUtility.ParseQueryString(uri.Query);
        var path = Uri.UnescapeDataString(uri.AbsolutePath).TrimStart('/');
        if (request.Method == HttpMethod.Get && path == Container && query["comp"] == "list")
        {
            return Task.FromResult(List(query["prefix"] ?? ""));
        }

        var name = path.StartsWith(Container + "/", StringComparison.Ordinal) ? path[(Container.Length + 1)..] : null;
        if (request.Method == HttpMethod.Get && name is not null && Blobs.TryGetValue(name, out var content))
        {
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(content) };
            response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            response.Content.Headers.ContentLength = content.Length;
            response.Content.Headers.LastModified = DateTimeOffset.UnixEpoch;
            response.Headers.ETag = new EntityTagHeaderValue("\"0x1\"");
            response.Headers.Add("x-ms-blob-type", "BlockBlob");
            return Task.FromResult(response);
        }

        var missing = new HttpResponseMessage(HttpStatusCode.NotFound)
        {
            Content = new StringContent("<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>BlobNotFound</Code><Message>The specified blob does not exist.</Message></Error>", Encoding.UTF8, "application/xml"),
        };
        missing.Headers.Add("x-ms-error-code", "BlobNotFound");
        return Task.FromResult(missing);
    }

    private HttpResponseMessage List(string prefix)
    {
        var xml = new StringBuilder($"<?xml version=\"1.0\" encoding=\"utf-8\"?><EnumerationResults ServiceEndpoint=\"https://account.blob.core.windows.net/\" ContainerName=\"{Container}\"><Prefix>{SecurityElement.Escape(prefix)}</Prefix><Blobs>");
        foreach (var (name, content) in Blobs.Where(b => b.Key.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(b => b.Key, StringComparer.Ordinal))
        {
            xml.Append($"<Blob><Name>{SecurityElement.Escape(name)}</Name><Properties><Content-Length>{content.Length}</Content-Length><BlobType>BlockBlob</BlobType></Properties></Blob>");
        }

        xml.Append("</Blobs><NextMarker /></EnumerationResults>");
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(xml.ToString(), Encoding.UTF8, "application/xml") };
    }
}

/// <summary>A credential that hands out one fixed token.</summary>
internal sealed class StaticTokenCredential : TokenCredential
{
    public const string Token = "test-token";

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => new(Token, DateTimeOffset.UtcNow.AddHours(1));

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => new(GetToken(requestContext, cancellationToken));
}
