using System.Security.Cryptography;
using System.Text;
using VideoRec.Core.Domain;

namespace VideoRec.Core.Embeddings;

/// <summary>
/// The texts that get embedded and the keys that make embedding idempotent: a video field's text, a search query's
/// normalised form, and a hash of (model, text) so that unchanged text under the same model is never recomputed and
/// a change of model recomputes everything.
/// </summary>
public static class EmbeddingText
{
    /// <summary>The text of <paramref name="field"/> of <paramref name="video"/>: the trimmed title, or the tags joined with ", ".</summary>
    public static string Of(Video video, VideoTextField field)
    {
        ArgumentNullException.ThrowIfNull(video);
        return field switch
        {
            VideoTextField.Title => Collapse(video.Title),
            VideoTextField.Tags => string.Join(", ", video.Tags.Select(Collapse).Where(t => t.Length > 0)),
            _ => throw new ArgumentOutOfRangeException(nameof(field), field, "Unknown video text field."),
        };
    }

    /// <summary>
    /// A search query as it is embedded and cached: whitespace collapsed, trimmed, lower-cased (invariant), so
    /// "Cat  Videos " and "cat videos" share one cache entry. The sentence encoders used here are case-insensitive
    /// (all-MiniLM-L6-v2 is uncased) or nearly so.
    /// </summary>
    public static string NormalizeQuery(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return Collapse(query).ToLowerInvariant();
    }

    /// <summary>
    /// A 128-bit hex key of <paramref name="text"/> under <paramref name="modelId"/> (SHA-256, first 16 bytes):
    /// identical for identical (model, text), different when either changes.
    /// </summary>
    public static string Hash(string modelId, string text)
    {
        ArgumentNullException.ThrowIfNull(modelId);
        ArgumentNullException.ThrowIfNull(text);
        var bytes = Encoding.UTF8.GetBytes(modelId + "\u001f" + text);
        return Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 16));
    }

    /// <summary>Runs of whitespace (including line breaks) become one space; the ends are trimmed.</summary>
    internal static string Collapse(string text)
    {
        var builder = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                space = builder.Length > 0;
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }
}
