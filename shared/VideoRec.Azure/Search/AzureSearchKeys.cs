using System.Buffers.Text;
using System.Text;

namespace VideoRec.Azure.Search;

/// <summary>
/// Reversible encoding of video ids as Azure AI Search document keys. A key may hold only letters, digits, <c>_</c>,
/// <c>-</c> and <c>=</c> and at most 1,024 characters, while a video id may hold any text; the key is <c>v</c>
/// followed by the URL-safe Base64 (RFC 4648 §5, no padding) of the id's UTF-8 bytes. The original id is also kept
/// in the retrievable <c>videoId</c> field.
/// </summary>
public static class AzureSearchKeys
{
    /// <summary>The service's longest document key.</summary>
    public const int MaxKeyLength = 1024;

    /// <summary>Longest video id in UTF-8 bytes whose key fits in <see cref="MaxKeyLength"/> (767: one prefix character and the 1,023 characters of 767 bytes in unpadded Base64).</summary>
    public const int MaxVideoIdBytes = (MaxKeyLength - 1) * 3 / 4;

    private const char Prefix = 'v';
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The document key of a video id.</summary>
    /// <param name="videoId">The video id: non-empty valid UTF-16 text of at most <see cref="MaxVideoIdBytes"/> UTF-8 bytes.</param>
    /// <exception cref="ArgumentException">The id is empty, holds an unpaired surrogate, or is too long for a key.</exception>
    public static string Encode(string videoId)
    {
        ArgumentNullException.ThrowIfNull(videoId);
        if (videoId.Length == 0)
        {
            throw new ArgumentException("A video id must not be empty.", nameof(videoId));
        }

        byte[] bytes;
        try
        {
            bytes = StrictUtf8.GetBytes(videoId);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException($"Video id '{videoId}' is not valid Unicode text (an unpaired surrogate); it cannot be stored reversibly.", nameof(videoId), e);
        }

        if (bytes.Length > MaxVideoIdBytes)
        {
            throw new ArgumentException(
                $"Video id '{videoId[..Math.Min(40, videoId.Length)]}…' has {bytes.Length} UTF-8 bytes; Azure AI Search keys fit at most {MaxVideoIdBytes}.", nameof(videoId));
        }

        return Prefix + Base64Url.EncodeToString(bytes);
    }

    /// <summary>The key of <paramref name="videoId"/>, or <c>null</c> when no video with that id can be indexed.</summary>
    internal static string? TryEncode(string? videoId)
    {
        if (string.IsNullOrEmpty(videoId))
        {
            return null;
        }

        try
        {
            return Encode(videoId);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The video id of a document key made by <see cref="Encode"/>.</summary>
    /// <param name="key">The document key.</param>
    /// <exception cref="FormatException">The key was not made by <see cref="Encode"/>.</exception>
    public static string Decode(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < 2 || key[0] != Prefix)
        {
            throw new FormatException($"'{key}' is not a video key (a 'v' followed by URL-safe Base64).");
        }

        try
        {
            return StrictUtf8.GetString(Base64Url.DecodeFromChars(key.AsSpan(1)));
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            throw new FormatException($"'{key}' is not a video key (a 'v' followed by URL-safe Base64 of UTF-8 text).", e);
        }
    }
}
