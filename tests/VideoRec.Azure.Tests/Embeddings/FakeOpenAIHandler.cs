using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VideoRec.Azure.Tests.Embeddings;

/// <summary>One request the fake service saw.</summary>
public sealed record CapturedRequest(HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, JsonObject Body)
{
    public string[] Inputs => Body["input"]!.AsArray().Select(n => n!.GetValue<string>()).ToArray();

    public int? Dimensions => Body["dimensions"]?.GetValue<int>();
}

/// <summary>
/// A fake Azure OpenAI embeddings endpoint behind an <see cref="HttpMessageHandler"/>: it records each request and
/// answers from a script of responders (the first in line each time; when the script is empty, a success). A success
/// gives each input the vector <see cref="VectorOf"/>, in the encoding the request asked for (the SDK asks for
/// Base64), listed in reverse order with their indices, as the service is free to.
/// </summary>
public sealed class FakeOpenAIHandler : HttpMessageHandler
{
    /// <summary>As the service writes JSON: '+' and '/' of Base64 unescaped (the SDK reads the Base64 text as it stands).</summary>
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Queue<Func<CapturedRequest, CancellationToken, Task<HttpResponseMessage>>> _script = new();
    private readonly List<CapturedRequest> _requests = [];
    private readonly object _gate = new();

    public IReadOnlyList<CapturedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return _requests.ToArray();
            }
        }
    }

    /// <summary>Raised (on the request's thread) when a request arrives, before it is answered.</summary>
    public event Action<CapturedRequest>? RequestReceived;

    public FakeOpenAIHandler Then(Func<CapturedRequest, CancellationToken, Task<HttpResponseMessage>> responder)
    {
        lock (_gate)
        {
            _script.Enqueue(responder);
        }

        return this;
    }

    public FakeOpenAIHandler ThenStatus(int status, params (string Name, string Value)[] headers) => Then((_, _) => Task.FromResult(Error(status, headers)));

    public FakeOpenAIHandler ThenThrow(Exception e) => Then((_, _) => Task.FromException<HttpResponseMessage>(e));

    /// <summary>A deterministic vector for a text, so tests can check every output landed at its input's place.</summary>
    public static float[] VectorOf(string text, int dimensions)
    {
        var seed = 17;
        foreach (var c in text)
        {
            seed = unchecked(seed * 31 + c);
        }

        var vector = new float[dimensions];
        for (var i = 0; i < dimensions; i++)
        {
            vector[i] = ((seed + i * 7919) & 0xFFFF) / 65536f;
        }

        return vector;
    }

    public static HttpResponseMessage Error(int status, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage((HttpStatusCode)status)
        {
            Content = new StringContent($$$"""{"error":{"code":"{{{status}}}","message":"Fake failure {{{status}}}."}}""", Encoding.UTF8, "application/json"),
        };
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }

    /// <summary>The service's success answer to <paramref name="request"/>, with <paramref name="vector"/> choosing each input's vector.</summary>
    public static HttpResponseMessage Success(CapturedRequest request, Func<string, int, float[]>? vector = null)
    {
        vector ??= VectorOf;
        var inputs = request.Inputs;
        var dimensions = request.Dimensions ?? 1536;
        var base64 = request.Body["encoding_format"]?.GetValue<string>() == "base64";
        var data = new JsonArray();
        for (var i = inputs.Length - 1; i >= 0; i--)
        {
            var v = vector(inputs[i], dimensions);
            JsonNode embedding = base64
                ? JsonValue.Create(Convert.ToBase64String(MemoryMarshal.AsBytes(v.AsSpan())))
                : new JsonArray(v.Select(x => (JsonNode?)JsonValue.Create(x)).ToArray());
            data.Add(new JsonObject { ["object"] = "embedding", ["index"] = i, ["embedding"] = embedding });
        }

        var tokens = inputs.Sum(s => s.Length);
        var body = new JsonObject
        {
            ["object"] = "list",
            ["data"] = data,
            ["model"] = "text-embedding-3-small",
            ["usage"] = new JsonObject { ["prompt_tokens"] = tokens, ["total_tokens"] = tokens },
        };
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body.ToJsonString(Json), Encoding.UTF8, "application/json") };
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "{}" : await request.Content.ReadAsStringAsync(cancellationToken);
        var headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        var captured = new CapturedRequest(request.Method, request.RequestUri!, headers, JsonNode.Parse(body)!.AsObject());
        Func<CapturedRequest, CancellationToken, Task<HttpResponseMessage>>? responder;
        lock (_gate)
        {
            _requests.Add(captured);
            _script.TryDequeue(out responder);
        }

        RequestReceived?.Invoke(captured);
        return responder is null ? Success(captured) : await responder(captured, cancellationToken);
    }
}
