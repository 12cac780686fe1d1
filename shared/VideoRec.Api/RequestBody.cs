using Microsoft.AspNetCore.Http;

namespace VideoRec.Api;

/// <summary>Reads a request body into memory with a size limit, without trusting Content-Length.</summary>
public static class RequestBody
{
    /// <summary>The body, or <c>null</c> when it is longer than <paramref name="maxBytes"/>.</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>Whether the declared media type is JSON (or absent, which is taken as JSON).</summary>
    public static bool IsJson(HttpRequest request)
    {
        if (string.IsNullOrEmpty(request.ContentType))
        {
            return true;
        }

        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(request.ContentType, out var media) || media.MediaType.Value is not { } type)
        {
            return false;
        }

        return type.Equals("application/json", StringComparison.OrdinalIgnoreCase) ||
            (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }
}
