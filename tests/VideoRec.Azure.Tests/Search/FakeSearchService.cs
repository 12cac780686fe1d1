using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace VideoRec.Azure.Tests.Search;

/// <summary>One request the fake search service saw.</summary>
public sealed record SearchRequest(HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public JsonObject Json => JsonNode.Parse(Body)!.AsObject();

    public bool IsIndexing => Method == HttpMethod.Post && Uri.AbsolutePath.EndsWith("/docs/search.index", StringComparison.Ordinal);

    public bool IsSearch => Method == HttpMethod.Post && Uri.AbsolutePath.EndsWith("/docs/search.post.search", StringComparison.Ordinal);

    public bool IsCount => Method == HttpMethod.Get && Uri.AbsolutePath.EndsWith("/docs/$count", StringComparison.Ordinal);

    public bool IsIndexDefinition => Method == HttpMethod.Put && Uri.AbsolutePath.Contains("/indexes(", StringComparison.Ordinal);

    /// <summary>The documents of an indexing request.</summary>
    public JsonObject[] Documents => Json["value"]!.AsArray().Select(n => n!.AsObject()).ToArray();

    public string[] Keys => Documents.Select(d => d["id"]!.GetValue<string>()).ToArray();
}

/// <summary>
/// A fake Azure AI Search service behind an <see cref="HttpMessageHandler"/> (given to the SDK as an
/// <c>HttpClientTransport</c>): it records every request and answers from a script of responders, the first in line
/// each time; with an empty script an index definition is echoed with 201, every indexing action succeeds, a search
/// finds nothing and the count is <see cref="Count"/>.
/// </summary>
public sealed class FakeSearchService : HttpMessageHandler
{
    private readonly Queue<Func<SearchRequest, HttpResponseMessage>> _script = new();
    private readonly List<SearchRequest> _requests = [];

    public long Count { get; set; }

    public IReadOnlyList<SearchRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return _requests.ToArray();
            }
        }
    }

    public FakeSearchService Then(Func<SearchRequest, HttpResponseMessage> responder)
    {
        lock (_script)
        {
            _script.Enqueue(responder);
        }

        return this;
    }

    public FakeSearchService ThenStatus(int status) => Then(_ => Json(status, """{"error":{"code":"Busy","message":"Try later."}}"""));

    /// <summary>An indexing answer giving each listed key its status (others succeed with 200).</summary>
    public FakeSearchService ThenIndexStatuses(params (string Key, int Status)[] statuses) => Then(r => IndexingResponse(r, statuses));

    /// <summary>A search answer with these hits (each a JSON object of fields) and scores, in this order.</summary>
    public FakeSearchService ThenHits(params (double Score, JsonObject Fields)[] hits) => Then(_ => SearchResponse(hits));

    public static HttpResponseMessage IndexingResponse(SearchRequest request, params (string Key, int Status)[] statuses)
    {
        var byKey = statuses.ToDictionary(s => s.Key, s => s.Status);
        var value = new JsonArray();
        foreach (var key in request.Keys)
        {
            var status = byKey.GetValueOrDefault(key, 200);
            value.Add(new JsonObject
            {
                ["key"] = key,
                ["status"] = status is 200 or 201,
                ["errorMessage"] = status is 200 or 201 ? null : $"failed with {status}",
                ["statusCode"] = status,
            });
        }

        return Json(statuses.Any(s => s.Status is not (200 or 201)) ? 207 : 200, new JsonObject { ["value"] = value }.ToJsonString());
    }

    public static HttpResponseMessage SearchResponse(params (double Score, JsonObject Fields)[] hits)
    {
        var value = new JsonArray();
        foreach (var (score, fields) in hits)
        {
            var hit = new JsonObject { ["@search.score"] = score };
            foreach (var (name, node) in fields)
            {
                hit[name] = node?.DeepClone();
            }

            value.Add(hit);
        }

        return Json(200, new JsonObject { ["value"] = value }.ToJsonString());
    }

    public static HttpResponseMessage Json(int status, string body) => new((HttpStatusCode)status)
    {
        Content = new StringContent(body, Encoding.UTF8, "application/json"),
    };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        var captured = new SearchRequest(request.Method, request.RequestUri!, headers, body);
        lock (_requests)
        {
            _requests.Add(captured);
        }

        Func<SearchRequest, HttpResponseMessage>? responder = null;
        lock (_script)
        {
            _script.TryDequeue(out responder);
        }

        return responder is not null ? responder(captured) : Default(captured);
    }

    private HttpResponseMessage Default(SearchRequest request) =>
        request.IsIndexDefinition ? Json(201, request.Body)
        : request.IsIndexing ? IndexingResponse(request)
        : request.IsSearch ? SearchResponse()
        : request.IsCount ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(Count.ToString(System.Globalization.CultureInfo.InvariantCulture), Encoding.UTF8, "text/plain") }
        : Json(404, """{"error":{"code":"NotFound","message":"No such route in the fake."}}""");
}
