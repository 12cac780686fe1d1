using VideoRec.Local.Embeddings;

namespace VideoRec.Embeddings.Tests;

[Collection(EmbeddingCollection.Name)]
public sealed class BatchingAndConcurrencyTests(GeneratorFixture fixture)
{
    private MiniLmEmbeddingGenerator Generator => fixture.Generator;

    /// <summary>40 titles of very different lengths (so batches of 32 and 8, with padding), two of them empty.</summary>
    private static string[] FortyTitles()
    {
        string[] seeds =
        [
            "The Matrix", "A man is eating food.", "東京の夜景が美しい映画", "فيلم رائع عن الحب", "🎬🍿 best movie ever 😂",
            "a|b|c", "Top 10 films of 2024: 3.5 hours, $20 tickets & 100% fun!", "", "x",
            "An epic story of love and war across three generations of a family in a small city by the sea",
        ];
        return Enumerable.Range(0, 40)
            .Select(i => seeds[i % seeds.Length] + (i % seeds.Length == 7 ? "" : string.Concat(Enumerable.Repeat(" again", i / 3))))
            .ToArray();
    }

    [Fact]
    public void FortyTextsInOneCall_EqualOneByOne()
    {
        var titles = FortyTitles();

        var together = Generator.Embed(titles);

        Assert.Equal(40, together.Length);
        for (var i = 0; i < titles.Length; i++)
        {
            var alone = Generator.Embed([titles[i]])[0];
            var difference = Vectors.MaxAbsDifference(together[i], alone);
            Assert.True(difference <= 1e-5, $"title {i} '{titles[i]}': {difference:E2}");
        }
    }

    [Fact]
    public void SmallBatchesAndWindow_FollowTheOptions()
    {
        var files = MiniLmModelFiles.Load();
        using var generator = new MiniLmEmbeddingGenerator(files, new MiniLmOptions { BatchSize = 3, MaxTokens = 16 });
        var titles = FortyTitles()[..10];

        var vectors = generator.Embed(titles);

        Assert.All(titles, t => Assert.True(generator.Tokenize(t).Length <= 16));
        Assert.Equal(16, generator.Tokenize(titles[9]).Length);
        for (var i = 0; i < titles.Length; i++)
        {
            if (generator.Tokenize(titles[i]).Length < 16)
            {
                // Short enough not to be truncated: the same as with the default options.
                var reference = Generator.Embed([titles[i]])[0];
                Assert.True(Vectors.MaxAbsDifference(vectors[i], reference) <= 1e-5, $"title {i}");
            }
        }
    }

    [Fact]
    public async Task EightConcurrentCallers_GetIdenticalResults()
    {
        var titles = FortyTitles()[..12];
        var expected = Generator.Embed(titles);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            Enumerable.Range(0, 3).Select(_ => Generator.Embed(titles)).ToArray())));

        foreach (var rounds in results)
        {
            foreach (var vectors in rounds)
            {
                for (var i = 0; i < titles.Length; i++)
                {
                    Assert.Equal(expected[i], vectors[i]);
                }
            }
        }
    }

    [Fact]
    public void CancelledToken_Throws()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => Generator.Embed(["x"], cancelled.Token));
    }

    [Fact]
    public void InvalidOptions_AreRejectedBeforeLoadingTheModel()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MiniLmEmbeddingGenerator(new MiniLmOptions { BatchSize = 0, ModelPath = "/nonexistent/model.dll" }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MiniLmEmbeddingGenerator(new MiniLmOptions { MaxTokens = 513, ModelPath = "/nonexistent/model.dll" }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MiniLmEmbeddingGenerator(new MiniLmOptions { IntraOpThreads = -1, ModelPath = "/nonexistent/model.dll" }));
    }
}
