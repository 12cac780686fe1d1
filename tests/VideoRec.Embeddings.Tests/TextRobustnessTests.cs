using VideoRec.Local.Embeddings;

namespace VideoRec.Embeddings.Tests;

/// <summary>Titles as they come: other scripts, emoji, separators, nothing at all, far too much.</summary>
[Collection(EmbeddingCollection.Name)]
public sealed class TextRobustnessTests(GeneratorFixture fixture)
{
    private const int UnknownId = 100; // [UNK] in bert-base-uncased's vocabulary

    private MiniLmEmbeddingGenerator Generator => fixture.Generator;

    public static TheoryData<string> OddTitles =>
    [
        "فيلم رائع عن الحب",                     // Arabic
        "東京の夜景が美しい映画",                  // Japanese
        "🎬🍿 best movie ever 😂",                // emoji (outside the vocabulary: [UNK])
        "a|b|c",
        "Café Noir — Amélie (1080p) [HD] #1 «director's cut»",
        "ＦＵＬＬＷＩＤＴＨ ｔｉｔｌｅ",
        "\ud83c broken surrogate",                  // a lone surrogate
        "tab\tnew\nline\0null",
        "<script>alert('x')</script>",
        "x",
    ];

    [Theory]
    [MemberData(nameof(OddTitles))]
    public void OddTitle_GivesAFiniteUnitVector(string title)
    {
        var vector = Generator.Embed([title])[0];

        Vectors.AssertUnitAndFinite(vector, title);
    }

    [Theory]
    [InlineData("فيلم رائع عن الحب")]
    [InlineData("東京の夜景が美しい映画")]
    public void OtherScripts_AreTokenizedNotJustUnknown(string title)
    {
        var ids = Generator.Tokenize(title);

        Assert.True(ids.Length > 4, $"{ids.Length} ids");
        Assert.Contains(ids[1..^1], id => id != UnknownId);
    }

    [Fact]
    public void Emoji_BecomeUnknownPieces_TheWordsAroundThemCount()
    {
        var ids = Generator.Tokenize("🎬🍿 best movie ever 😂");
        var vectors = Generator.Embed(["🎬🍿 best movie ever 😂", "best movie ever", "🎬🍿 😂"]);

        Assert.Contains(UnknownId, ids);
        Assert.True(Vectors.Cosine(vectors[0], vectors[1]) > 0.5, $"cosine {Vectors.Cosine(vectors[0], vectors[1])}");
    }

    [Fact]
    public void Pipe_IsKeptAsAToken()
    {
        // Microsoft.ML.Tokenizers' BertTokenizer was seen to drop '|': here "a|b" must not read as "ab".
        var pipe = Generator.Tokenize("a|b");
        var joined = Generator.Tokenize("ab");
        var vectors = Generator.Embed(["a|b", "ab", "a|b|c"]);

        Assert.Equal(5, pipe.Length); // [CLS] a | b [SEP]
        Assert.NotEqual(joined, pipe);
        Assert.True(Vectors.MaxAbsDifference(vectors[0], vectors[1]) > 1e-2);
        Assert.True(Vectors.Cosine(vectors[0], vectors[1]) < 0.99, $"cosine {Vectors.Cosine(vectors[0], vectors[1])}");
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\t\r\n  ")]
    [InlineData("\u00a0\u2003")] // no-break and em spaces
    public void EmptyOrWhitespace_IsTheUnknownZeroVector(string title)
    {
        var vectors = Generator.Embed([title, "The new movie is awesome", title]);

        Assert.Equal(384, vectors[0].Length);
        Assert.All(vectors[0], x => Assert.Equal(0f, x));
        Assert.All(vectors[2], x => Assert.Equal(0f, x));
        Vectors.AssertUnitAndFinite(vectors[1], "neighbour of an empty title");
        Assert.Empty(Generator.Tokenize(title));
    }

    [Theory]
    [InlineData("\u200b")]              // a zero-width space only
    [InlineData("\u200b\u200d\u2060")]  // zero-width space, joiner, word joiner
    [InlineData("\ufeff\u00ad")]        // byte-order mark, soft hyphen (format characters)
    [InlineData("\ufffd")]              // the replacement character
    [InlineData("\ud83c")]              // a lone high surrogate
    [InlineData("\udc00 \u200b")]       // a lone low surrogate and a zero-width space
    public void TextWithoutWordPieces_IsTheUnknownZeroVector(string title)
    {
        var vectors = Generator.Embed([title, "The new movie is awesome", title]);

        Assert.Equal(384, vectors[0].Length);
        Assert.All(vectors[0], x => Assert.Equal(0f, x));
        Assert.All(vectors[2], x => Assert.Equal(0f, x));
        Vectors.AssertUnitAndFinite(vectors[1], "neighbour of a text without word pieces");
        Assert.Empty(Generator.Tokenize(title));
    }

    [Fact]
    public void NullEntry_IsTheUnknownZeroVector()
    {
        var vectors = Generator.Embed([null, "x"]);

        Assert.Equal(384, vectors[0].Length);
        Assert.All(vectors[0], x => Assert.Equal(0f, x));
    }

    [Fact]
    public void OnlyEmptyTitles_DoNotRunTheModel()
    {
        var vectors = Generator.Embed(["", " ", "\n"]);

        Assert.All(vectors, v => Assert.Equal(new float[384], v));
        Assert.Empty(Generator.Embed([]));
    }

    [Fact]
    public void TenThousandCharacterTitle_IsTruncatedTo256WordPieces()
    {
        // Words that are one word piece each, so that the first 254 words are exactly the 254 pieces that fit
        // between [CLS] and [SEP] in the 256-piece window.
        string[] words = ["the", "movie", "night", "story", "love", "war", "city", "dark", "light", "life", "road", "house", "summer", "king"];
        var all = Enumerable.Range(0, 3000).Select(i => words[(i * 7 + i / words.Length) % words.Length]).ToArray();
        var title = string.Join(' ', all)[..10_000];
        var first254 = string.Join(' ', all.Take(254));
        var first200 = string.Join(' ', all.Take(200));

        var titleIds = Generator.Tokenize(title);
        var truncatedIds = Generator.Tokenize(first254);
        Assert.Equal(10_000, title.Length);
        Assert.Equal(256, titleIds.Length);
        Assert.Equal(truncatedIds, titleIds);
        Assert.Equal(202, Generator.Tokenize(first200).Length);

        var vectors = Generator.Embed([title, first254, title[..2_000], first200]);
        Vectors.AssertUnitAndFinite(vectors[0], "10,000-character title");
        Assert.True(Vectors.MaxAbsDifference(vectors[0], vectors[1]) <= 1e-5, "the title and its first 254 words");
        Assert.True(Vectors.MaxAbsDifference(vectors[0], vectors[2]) <= 1e-5, "the title and its first 2,000 characters");
        Assert.True(Vectors.MaxAbsDifference(vectors[0], vectors[3]) > 1e-4, "the window is 256 pieces, not fewer");
    }

    [Fact]
    public void TenThousandCharacterWord_IsTruncatedQuickly()
    {
        var title = string.Concat(Enumerable.Repeat("supercalifragilistic", 500));
        var started = System.Diagnostics.Stopwatch.StartNew();

        var ids = Generator.Tokenize(title);
        var vector = Generator.Embed([title])[0];

        Assert.Equal(10_000, title.Length);
        Assert.True(ids.Length <= 256);
        Vectors.AssertUnitAndFinite(vector, "one 10,000-character word");
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), $"{started.Elapsed}");
    }

    [Fact]
    public void NonEmptyTexts_HaveNormOne()
    {
        var vectors = Generator.Embed(["A man is eating food.", "x", "Top 10 films of 2024", "?!", "123456789"]);

        foreach (var v in vectors)
        {
            Vectors.AssertUnitAndFinite(v, "text");
        }
    }
}
