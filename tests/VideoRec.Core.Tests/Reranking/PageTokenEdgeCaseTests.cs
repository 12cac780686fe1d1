using System.Buffers.Binary;
using VideoRec.Core.Reranking;

namespace VideoRec.Core.Tests.Reranking;

/// <summary>Odd and forged page tokens.</summary>
public sealed class PageTokenEdgeCaseTests
{
    /// <summary>A version-1 token over <paramref name="count"/> hashes with a correct checksum (the format is public).</summary>
    private static string Forge(int count)
    {
        var bytes = new byte[5 + 4 * count];
        bytes[0] = 1;
        for (var i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(5 + 4 * i), (uint)i);
        }

        var hash = 2166136261u ^ 0x5bd1e995u;
        foreach (var b in bytes.AsSpan(5))
        {
            hash = (hash ^ b) * 16777619u;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(1), hash);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    [Fact]
    public void A_forged_token_with_more_than_MaxServed_hashes_is_refused()
    {
        // Only the character count was limited (8 · MaxServed), so a token carrying up to ~1,500 hashes decoded fine,
        // although Encode never writes more than MaxServed.
        Assert.True(PageToken.TryDecode(Forge(PageToken.MaxServed), out var served, out _));
        Assert.Equal(PageToken.MaxServed, served.Count);

        Assert.False(PageToken.TryDecode(Forge(PageToken.MaxServed + 1), out served, out var error));
        Assert.Empty(served);
        Assert.Equal("The page token carries more than 1000 videos; start again without it.", error);
    }

    [Fact]
    public void Tokens_that_are_not_tokens_are_refused_with_a_reason()
    {
        Assert.True(PageToken.TryDecode("", out var served, out var error));
        Assert.Empty(served);
        Assert.Null(error);
        Assert.False(PageToken.TryDecode("A", out _, out error));
        Assert.Equal("The page token is not valid Base64url.", error);
        Assert.False(PageToken.TryDecode(Forge(3) + "AAAA", out _, out error));
        Assert.Equal("The page token is damaged or from another version; start again without it.", error);
        Assert.False(PageToken.TryDecode(new string('A', 8001), out _, out error));
        Assert.Equal("The page token is too long.", error);
    }
}
