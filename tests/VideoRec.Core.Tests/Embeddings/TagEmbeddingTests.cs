using VideoRec.Core.Domain;
using VideoRec.Core.Embeddings.Tags;
using VideoRec.Core.Feedback;

namespace VideoRec.Core.Tests.Embeddings;

/// <summary>Skip-gram tag embeddings must recover planted co-occurrence structure.</summary>
public sealed class TagEmbeddingTests
{
    private static readonly DateTimeOffset T0 = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Two worlds of tags: space videos carry 2–3 of {rocket, alien, planet, orbit, astronaut}, kitchen videos 2–3 of
    /// {recipe, baking, spice, oven, chef}. No video mixes them, and users like videos of one world only.
    /// </summary>
    private static Dataset TwoWorlds(int seed = 1)
    {
        string[] space = ["rocket", "alien", "planet", "orbit", "astronaut"];
        string[] kitchen = ["recipe", "baking", "spice", "oven", "chef"];
        var random = new Random(seed);
        var videos = new Dictionary<string, Video>();
        for (var i = 0; i < 120; i++)
        {
            var world = i % 2 == 0 ? space : kitchen;
            var tags = world.OrderBy(_ => random.Next()).Take(2 + random.Next(2)).ToArray();
            videos[$"v{i}"] = new Video($"v{i}", $"Video {i}") { Tags = tags };
        }

        var interactions = new List<Interaction>();
        for (var u = 0; u < 40; u++)
        {
            for (var j = 0; j < 10; j++)
            {
                var video = $"v{(random.Next(60) * 2) + (u % 2)}";
                interactions.Add(new Interaction($"u{u}", video, InteractionType.Like, T0.AddMinutes(u * 100 + j)));
            }
        }

        return new Dataset("two-worlds", videos, new Dictionary<string, UserProfile>(), interactions);
    }

    [Fact]
    public void Training_RecoversTheTwoWorlds()
    {
        var model = TagEmbeddingTrainer.Train(TagCorpus.Build(TwoWorlds(), RelevancePolicy.Default, new TagEmbeddingOptions()), new TagEmbeddingOptions { Seed = 7 });

        Assert.Equal(10, model.Tags.Count);
        foreach (var (tag, world) in new[] { ("rocket", "space"), ("alien", "space"), ("recipe", "kitchen"), ("oven", "kitchen") })
        {
            var members = world == "space" ? new[] { "rocket", "alien", "planet", "orbit", "astronaut" } : ["recipe", "baking", "spice", "oven", "chef"];
            var nearest = model.Nearest(tag, 4).Select(n => n.Tag).ToArray();
            Assert.All(nearest, n => Assert.Contains(n, members));
        }

        var within = Cosine(model.Vector("rocket")!, model.Vector("planet")!);
        var across = Cosine(model.Vector("rocket")!, model.Vector("oven")!);
        Assert.True(within > across + 0.5, $"within {within:F3}, across {across:F3}");
    }

    [Fact]
    public void TheLikedContext_LinksTagsThatNeverShareAVideo()
    {
        // "jazz" and "saxophone" never share a video, but every user who likes a jazz video next likes a saxophone
        // video; "metal" and "drums" likewise in another group of users. Only the liked-video context can link them.
        var videos = new Dictionary<string, Video>();
        var interactions = new List<Interaction>();
        string[][] pairs = [["jazz", "saxophone"], ["metal", "drums"]];
        for (var i = 0; i < 20; i++)
        {
            foreach (var (pair, p) in pairs.Select((pair, p) => (pair, p)))
            {
                videos[$"a{p}-{i}"] = new Video($"a{p}-{i}", "A") { Tags = [pair[0]] };
                videos[$"b{p}-{i}"] = new Video($"b{p}-{i}", "B") { Tags = [pair[1]] };
            }
        }

        for (var u = 0; u < 60; u++)
        {
            var p = u % 2;
            for (var j = 0; j < 6; j++)
            {
                interactions.Add(new Interaction($"u{u}", $"{(j % 2 == 0 ? "a" : "b")}{p}-{(u + j) % 20}", InteractionType.Like, T0.AddMinutes(u * 10 + j)));
            }
        }

        var dataset = new Dataset("liked", videos, new Dictionary<string, UserProfile>(), interactions);
        var withUsers = TagEmbeddingTrainer.Train(TagCorpus.Build(dataset, RelevancePolicy.Default, new TagEmbeddingOptions { LikedWindow = 1 }), new TagEmbeddingOptions { Subsample = 0 });

        Assert.Equal("saxophone", withUsers.Nearest("jazz", 1)[0].Tag);
        Assert.Equal("drums", withUsers.Nearest("metal", 1)[0].Tag);
        var corpus = TagCorpus.Build(dataset, RelevancePolicy.Default, new TagEmbeddingOptions { LikedWindow = 0 });
        Assert.Empty(corpus.Pairs); // without the user context there is nothing to learn from
        Assert.Throws<InvalidOperationException>(() => TagEmbeddingTrainer.Train(corpus));
    }

    [Fact]
    public void Corpus_CountsVideosPerTag_NormalisesTags_AndDropsRareOnes()
    {
        var videos = new Dictionary<string, Video>
        {
            ["1"] = new("1", "x") { Tags = ["Sci-Fi", "space  opera", "rare"] },
            ["2"] = new("2", "x") { Tags = ["sci-fi", "Space Opera"] },
            ["3"] = new("3", "x") { Tags = ["SCI-FI"] },
        };
        var corpus = TagCorpus.Build(new Dataset("d", videos, new Dictionary<string, UserProfile>(), []), RelevancePolicy.Default, new TagEmbeddingOptions { MinCount = 2 });

        Assert.Equal(["sci-fi", "space opera"], corpus.Tags);
        Assert.Equal([3L, 2L], corpus.Counts);
        // Videos 1 and 2 each pair sci-fi with space opera, in both directions.
        Assert.Equal([(0, 1), (1, 0), (0, 1), (1, 0)], corpus.Pairs);
        Assert.Equal(4, corpus.VideoPairs);
    }

    [Fact]
    public void Training_IsReproducible_AndTheModelRoundTrips()
    {
        var corpus = TagCorpus.Build(TwoWorlds(), RelevancePolicy.Default, new TagEmbeddingOptions());
        var a = TagEmbeddingTrainer.Train(corpus, new TagEmbeddingOptions { Seed = 3, Epochs = 3 });
        var b = TagEmbeddingTrainer.Train(corpus, new TagEmbeddingOptions { Seed = 3, Epochs = 3 });
        var c = TagEmbeddingTrainer.Train(corpus, new TagEmbeddingOptions { Seed = 4, Epochs = 3 });

        Assert.Equal(a.Vectors, b.Vectors);
        Assert.NotEqual(a.Vectors, c.Vectors);
        var path = Path.Combine(Path.GetTempPath(), $"tags-{Guid.NewGuid():N}.json");
        try
        {
            a.Save(path);
            var loaded = TagEmbeddingModel.Load(path);
            Assert.Equal(a.Tags, loaded.Tags);
            Assert.Equal(a.Counts, loaded.Counts);
            Assert.Equal(a.Vectors, loaded.Vectors);
            File.WriteAllText(path, "{\"version\":2}");
            var error = Assert.Throws<InvalidDataException>(() => TagEmbeddingModel.Load(path));
            Assert.StartsWith($"{path}: not a tag embedding model", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void VideoVector_IsTheMeanOfKnownUnitTagVectors_AndZeroWhenNoneIsKnown()
    {
        var model = new TagEmbeddingModel(["a", "b"], [1, 1], 2, [3f, 4f, 0f, 2f]);

        Assert.Equal([0.6f, 0.8f], model.Vector("A")!);
        Assert.Equal([0.3f, 0.9f], model.VideoVector(["a", "b", "unknown", "a"]));
        Assert.Equal([0f, 0f], model.VideoVector(["unknown"]));
        Assert.Null(model.Vector("c"));
        var neighbour = Assert.Single(model.Nearest("a", 5));
        Assert.Equal(("b", 0.8f), (neighbour.Tag, neighbour.Cosine));
        Assert.Throws<KeyNotFoundException>(() => model.Nearest("zzz", 1));
        Assert.Throws<ArgumentException>(() => new TagEmbeddingModel(["a", "a"], [1, 1], 1, [1f, 1f]));
    }

    [Fact]
    public void Options_OutOfRange_AreRejectedByName()
    {
        Assert.Equal("Dimensions", Assert.Throws<ArgumentOutOfRangeException>(() => new TagEmbeddingOptions { Dimensions = 1 }.Validate()).ParamName);
        Assert.Equal("LearningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new TagEmbeddingOptions { LearningRate = 0 }.Validate()).ParamName);
        Assert.Equal("Subsample", Assert.Throws<ArgumentOutOfRangeException>(() => new TagEmbeddingOptions { Subsample = 1 }.Validate()).ParamName);
        Assert.Equal("LikedWindow", Assert.Throws<ArgumentOutOfRangeException>(() => new TagEmbeddingOptions { LikedWindow = -1 }.Validate()).ParamName);
    }

    private static float Cosine(float[] a, float[] b) => System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(a, b);
}
