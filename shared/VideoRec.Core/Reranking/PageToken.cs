using System.Buffers.Binary;
using System.Text;

namespace VideoRec.Core.Reranking;

/// <summary>
/// The continuation token of a recommendation listing: the 32-bit hashes (FNV-1a) of every video served on earlier
/// pages, so page n + 1 never repeats pages 1…n even though each request recomputes the ranking. Format: version byte
/// 1, a 4-byte checksum of the hashes, then the hashes, little-endian, Base64url without padding; at most
/// <see cref="MaxServed"/> hashes (the oldest are dropped first). A hash collision can only hide a video, never repeat one.
/// </summary>
public static class PageToken
{
    /// <summary>The most served videos a token carries.</summary>
    public const int MaxServed = 1000;

    private const byte Version = 1;

    /// <summary>The 32-bit FNV-1a hash of a video id's UTF-8 bytes.</summary>
    public static uint Hash(string videoId)
    {
        ArgumentNullException.ThrowIfNull(videoId);
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(videoId))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return hash;
    }

    /// <summary>A token carrying <paramref name="served"/> (hashes, oldest first).</summary>
    public static string Encode(IReadOnlyList<uint> served)
    {
        ArgumentNullException.ThrowIfNull(served);
        var kept = served.Count > MaxServed ? served.Skip(served.Count - MaxServed).ToArray() : served;
        var bytes = new byte[5 + 4 * kept.Count];
        bytes[0] = Version;
        for (var i = 0; i < kept.Count; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(5 + 4 * i), kept[i]);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(1), Checksum(bytes.AsSpan(5)));
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>Reads a token.</summary>
    /// <param name="token">The token; <c>null</c> or empty is the first page.</param>
    /// <param name="served">The served hashes, oldest first.</param>
    /// <param name="error">Why the token is unusable, for a 400 answer.</param>
    /// <returns>Whether the token is valid.</returns>
    public static bool TryDecode(string? token, out IReadOnlyList<uint> served, out string? error)
    {
        served = [];
        error = null;
        if (string.IsNullOrEmpty(token))
        {
            return true;
        }

        if (token.Length > 8 * MaxServed)
        {
            error = "The page token is too long.";
            return false;
        }

        var text = token.Replace('-', '+').Replace('_', '/');
        text += new string('=', (4 - text.Length % 4) % 4);
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            error = "The page token is not valid Base64url.";
            return false;
        }

        if (bytes.Length < 5 || bytes[0] != Version || (bytes.Length - 5) % 4 != 0 ||
            BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(1)) != Checksum(bytes.AsSpan(5)))
        {
            error = "The page token is damaged or from another version; start again without it.";
            return false;
        }

        if ((bytes.Length - 5) / 4 > MaxServed)
        {
            // Encode never writes more; a longer token was made by hand (the checksum guards against damage, not forgery).
            error = $"The page token carries more than {MaxServed} videos; start again without it.";
            return false;
        }

        var hashes = new uint[(bytes.Length - 5) / 4];
        for (var i = 0; i < hashes.Length; i++)
        {
            hashes[i] = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(5 + 4 * i));
        }

        served = hashes;
        return true;
    }

    private static uint Checksum(ReadOnlySpan<byte> data)
    {
        var hash = 2166136261u ^ 0x5bd1e995u;
        foreach (var b in data)
        {
            hash = (hash ^ b) * 16777619u;
        }

        return hash;
    }
}
