using VideoRec.Core.Domain;
using VideoRec.Core.Embeddings;
using VideoRec.Core.Ingestion;
using VideoRec.Local.Sqlite;
using VideoRec.Local.Tests.Support;

namespace VideoRec.Local.Tests.Embeddings;

/// <summary>The refresh handler over real SQLite stores and a deterministic generator that records what it embedded.</summary>
public sealed class EmbeddingRefreshHandlerTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2025, 6, 2, 10, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _directory = new();
    private readonly SqliteFeatureStore _features;
    private readonly SqliteEmbeddingStore _embeddings;
    private readonly HashingGenerator _generator = new();

    public EmbeddingRefreshHandlerTests()
    {
        var database = new SqliteDatabase(_directory.File("e.db"));
        _features = new SqliteFeatureStore(database);
        _embeddings = new SqliteEmbeddingStore(database);
    }

    private static CancellationToken None => CancellationToken.None;

    private EmbeddingRefreshHandler Handler(EmbeddingOptions? options = null) => new(_features, _embeddings, _generator, options);

    [Fact]
    public async Task Video_TitleAndTags_AreEmbeddedOnce_ThenSkippedWhileTheTextIsUnchanged()
    {
        await _features.UpsertVideoAsync(new Video("v1", "  Space   Cats ") { Tags = ["sci-fi", " cats "] }, None);

        var first = await Handler().HandleAsync(EmbeddingRefreshRequest.ForVideos("v1"), None);

        Assert.Equal(new EmbeddingRefreshResult(TextsEmbedded: 2), first);
        Assert.Equal(["Space Cats", "sci-fi, cats"], _generator.Seen);
        var title = await _embeddings.GetVideoEmbeddingAsync("v1", VideoTextField.Title, None);
        Assert.Equal(_generator.Embed("Space Cats"), title!.Vector);
        Assert.Equal(EmbeddingText.Hash("hashing-test", "Space Cats"), title.TextHash);
        Assert.Equal("hashing-test", title.ModelId);
        Assert.Equal(_generator.Embed("sci-fi, cats"), (await _embeddings.GetVideoEmbeddingAsync("v1", VideoTextField.Tags, None))!.Vector);

        var again = await Handler().HandleAsync(EmbeddingRefreshRequest.ForVideos("v1", "v1"), None);

        Assert.Equal(new EmbeddingRefreshResult(TextsUnchanged: 2), again);
        Assert.Equal(1, _generator.Calls);
    }

    [Fact]
    public async Task Video_TitleChange_ReEmbedsOnlyTheTitle()
    {
        await _features.UpsertVideoAsync(new Video("v1", "Old title") { Tags = ["a", "b"] }, None);
        await Handler().HandleAsync(EmbeddingRefreshRequest.ForVideos("v1"), None);
        await _features.UpsertVideoAsync(new Video("v1", "New title") { Tags = ["a", "b"] }, None);

        var result = await Handler().HandleAsync(EmbeddingRefreshRequest.ForVideos("v1"), None);

        Assert.Equal(new EmbeddingRefreshResult(TextsEmbedded: 1, TextsUnchanged: 1), result);
        Assert.Equal(["Old title", "a, b", "New title"], _generator.Seen);
        Assert.Equal(_generator.Embed("New title"), (await _embeddings.GetVideoEmbeddingAsync("v1", VideoTextField.Title, None))!.Vector);
    }

    [Fact]
    public async Task Video_UnderAnotherModel_IsReEmbedded()
    {
        await _features.UpsertVideoAsync(new Video("v1", "Title") { Tags = ["a"] }, None);
        await Handler().HandleAsync(EmbeddingRefreshRequest.ForVideos("v1"), None);
        var other = new HashingGenerator("another-model");

        var result = await new EmbeddingRefreshHandler(_features, _embeddings, other).HandleAsync(EmbeddingRefreshRequest.ForVideos("v1"), None);

        Assert.Equal(2, result.TextsEmbedded);
        Assert.Equal("another-model", (await _embeddings.GetVideoEmbeddingAsync("v1", VideoTextField.Title, None))!.ModelId);
    }

    [Fact]
    public async Task Video_EmptyTitleAndNoTags_GetTheZeroVector_WithoutAModelCall()
    {
        await _features.UpsertVideoAsync(new Video("v1", "") { Tags = [] }, None);
        await _features.UpsertVideoAsync(new Video("v2", "Same text") { Tags = ["Same text"] }, None);

        var result = await Handler().HandleAsync(EmbeddingRefreshRequest.ForVideos("v1", "v2", "nope"), None);

        Assert.Equal(new EmbeddingRefreshResult(TextsEmbedded: 4, VideosMissing: 1), result);
        Assert.Equal(new float[16], (await _embeddings.GetVideoEmbeddingAsync("v1", VideoTextField.Title, None))!.Vector);
        Assert.Equal(new float[16], (await _embeddings.GetVideoEmbeddingAsync("v1", VideoTextField.Tags, None))!.Vector);
        Assert.Equal(["Same text"], _generator.Seen); // equal texts are embedded once
    }

    [Fact]
    public async Task User_SearchHistory_IsTheMeanOfTheLastNNormalisedQueries()
    {
        // 12 searches, the newest last; N = 3 keeps "q11", "q10", "q9" (normalised: case and spaces).
        var searches = Enumerable.Range(0, 12).Select(i => Search($"s{i}", "u1", T0.AddMinutes(i), i == 11 ? "  Q11  Cats " : $"q{i}")).ToList();
        await Apply(searches);

        var result = await Handler(new EmbeddingOptions { SearchHistoryLength = 3 }).HandleAsync(EmbeddingRefreshRequest.ForUsers("u1"), None);

        Assert.Equal(new EmbeddingRefreshResult(UsersUpdated: 1, QueriesEmbedded: 3), result);
        Assert.Equal(["q10", "q11 cats", "q9"], _generator.Seen.Order(StringComparer.Ordinal).ToArray());
        var stored = await _embeddings.GetUserSearchEmbeddingAsync("u1", None);
        Assert.NotNull(stored);
        Assert.Equal((3, T0.AddMinutes(11), "hashing-test"), (stored.QueryCount, stored.AsOf, stored.ModelId));
        var expected = new float[16];
        foreach (var q in new[] { "q11 cats", "q10", "q9" })
        {
            var v = _generator.Embed(q);
            for (var d = 0; d < 16; d++)
            {
                expected[d] += v[d] / 3;
            }
        }

        for (var d = 0; d < 16; d++)
        {
            Assert.Equal(expected[d], stored.Vector[d], 6);
        }
    }

    [Fact]
    public async Task User_QueryCache_SharesEmbeddingsAcrossUsers_AndAnUnchangedHistoryIsSkipped()
    {
        await Apply([Search("a1", "u1", T0, "cats"), Search("a2", "u1", T0.AddMinutes(1), "dogs")]);
        await Handler().HandleAsync(EmbeddingRefreshRequest.ForUsers("u1"), None);
        await Apply([Search("b1", "u2", T0, "CATS"), Search("b2", "u2", T0.AddMinutes(1), "birds")]);

        var result = await Handler().HandleAsync(EmbeddingRefreshRequest.ForUsers("u1", "u2"), None);

        Assert.Equal(new EmbeddingRefreshResult(UsersUpdated: 1, UsersUnchanged: 1, QueriesEmbedded: 1, QueryCacheHits: 1), result);
        Assert.Equal(["birds", "cats", "dogs"], _generator.Seen.Order(StringComparer.Ordinal).ToArray()); // "CATS" came from the cache
    }

    [Fact]
    public async Task User_WithoutSearches_OrDeleted_HasNoSearchEmbedding()
    {
        await Apply([Search("a1", "u1", T0, "cats"), new IngestEvent("a2", "u2", "v1", InteractionType.Click, T0)]);
        await Handler().HandleAsync(EmbeddingRefreshRequest.ForUsers("u1", "u2"), None);
        Assert.NotNull(await _embeddings.GetUserSearchEmbeddingAsync("u1", None));
        Assert.Null(await _embeddings.GetUserSearchEmbeddingAsync("u2", None));

        await _features.DeleteUserAsync("u1", T0.AddHours(1), None);
        var result = await Handler().HandleAsync(EmbeddingRefreshRequest.ForUsers("u1"), None);

        Assert.Equal(new EmbeddingRefreshResult(UsersCleared: 1), result);
        Assert.Null(await _embeddings.GetUserSearchEmbeddingAsync("u1", None));
    }

    [Fact]
    public async Task AMisbehavingModel_IsAnError_AndNothingIsStored()
    {
        await _features.UpsertVideoAsync(new Video("v1", "Title"), None);
        _generator.WrongLength = 15;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Handler().HandleAsync(EmbeddingRefreshRequest.ForVideos("v1"), None));

        Assert.Contains("15 values", error.Message);
        Assert.Null(await _embeddings.GetVideoEmbeddingAsync("v1", VideoTextField.Title, None));
    }

    [Fact]
    public void AGeneratorWithoutMetadata_IsRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => new EmbeddingRefreshHandler(_features, _embeddings, new NoMetadataGenerator()));
        Assert.Contains("model id", error.Message);
    }

    private async Task Apply(IReadOnlyList<IngestEvent> events) =>
        await _features.ApplyAsync(events, new IngestionRules(new IngestionOptions(), null), None);

    private static IngestEvent Search(string id, string user, DateTimeOffset at, string query) =>
        new(id, user, null, InteractionType.Search, at) { Text = query };

    public void Dispose() => _directory.Dispose();

    private sealed class NoMetadataGenerator : Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>
    {
        public Task<Microsoft.Extensions.AI.GeneratedEmbeddings<Microsoft.Extensions.AI.Embedding<float>>> GenerateAsync(IEnumerable<string> values, Microsoft.Extensions.AI.EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
