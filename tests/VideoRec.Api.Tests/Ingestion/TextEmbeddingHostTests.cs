using System.Diagnostics;
using System.Net;
using VideoRec.Core.Embeddings;
using VideoRec.Local.Embeddings;
using VideoRec.Local.Sqlite;
using static VideoRec.Api.Tests.Ingestion.Events;

namespace VideoRec.Api.Tests.Ingestion;

/// <summary>The local host keeps text embeddings current: upserts and searches over HTTP, the refresh worker in the background.</summary>
[Collection(IngestionCollection.Name)]
public sealed class TextEmbeddingHostTests(IngestionFixture fixture)
{
    private SqliteEmbeddingStore Store => new(new SqliteDatabase(fixture.DatabasePath));

    /// <summary>Polls <paramref name="read"/> until it returns a value (the refresh worker got to it), at most 30 s.</summary>
    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> read, Func<T, bool>? until = null) where T : class
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await read() is { } value && (until is null || until(value)))
            {
                return value;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the embedding refresh did not happen within 30 s");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task A_put_video_gets_title_and_tag_embeddings_and_a_title_change_replaces_them()
    {
        var id = Unique("emb");
        var (created, _) = await fixture.PutAsync($"/api/videos/{id}", """{"title":"ロボットの宇宙冒険 🚀","tags":["sci-fi","anime"]}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var encoder = new MiniLmEmbeddingGenerator();

        var title = await EventuallyAsync(() => Store.GetVideoEmbeddingAsync(id, VideoTextField.Title, CancellationToken.None));
        Assert.Equal(encoder.Embed(["ロボットの宇宙冒険 🚀"])[0], title.Vector);
        var tags = await EventuallyAsync(() => Store.GetVideoEmbeddingAsync(id, VideoTextField.Tags, CancellationToken.None));
        Assert.Equal(encoder.Embed(["sci-fi, anime"])[0], tags.Vector);

        var (updated, _) = await fixture.PutAsync($"/api/videos/{id}", """{"title":"A robot's space adventure","tags":[]}""");
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var renamed = await EventuallyAsync(() => Store.GetVideoEmbeddingAsync(id, VideoTextField.Title, CancellationToken.None), e => e.TextHash != title.TextHash);
        Assert.Equal(encoder.Embed(["A robot's space adventure"])[0], renamed.Vector);
        var untagged = await EventuallyAsync(() => Store.GetVideoEmbeddingAsync(id, VideoTextField.Tags, CancellationToken.None), e => e.TextHash != tags.TextHash);
        Assert.Equal(new float[384], untagged.Vector); // no tags: the defined zero (unknown) vector
    }

    [Fact]
    public async Task Searches_build_the_search_history_embedding_and_deleting_the_user_removes_it()
    {
        var u = Unique("searcher");
        var (accepted, _) = await fixture.PostEventsAsync(
            Of($"{u}-1", u, "search", value: "jazz piano", minute: 1),
            Of($"{u}-2", u, "search", value: "ピアノ ジャズ", minute: 2));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        using var encoder = new MiniLmEmbeddingGenerator();
        var vectors = encoder.Embed(["jazz piano", "ピアノ ジャズ"]);

        var history = await EventuallyAsync(() => Store.GetUserSearchEmbeddingAsync(u, CancellationToken.None));
        Assert.Equal(2, history.QueryCount);
        for (var d = 0; d < 384; d++)
        {
            Assert.Equal((vectors[0][d] + vectors[1][d]) / 2, history.Vector[d], 5);
        }

        var aggregates = await fixture.WaitForAggregatesAsync(u);
        var shown = aggregates.GetProperty("searchEmbedding");
        Assert.Equal(("all-MiniLM-L6-v2", 2, 384), (shown.GetProperty("model").GetString(), shown.GetProperty("queryCount").GetInt32(), shown.GetProperty("vector").GetArrayLength()));

        var deleted = await fixture.Client.DeleteAsync($"/api/users/{u}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Null(await Store.GetUserSearchEmbeddingAsync(u, CancellationToken.None));
    }
}
