using System.Globalization;
using System.Text;
using VideoRec.Cli.Tests.Support;
using VideoRec.Core.Domain;
using VideoRec.Core.Embeddings;
using VideoRec.Local.Embeddings;
using VideoRec.Local.Sqlite;

namespace VideoRec.Cli.Tests;

/// <summary><c>vrec embed</c>, <c>vrec evaluate-embeddings</c>, <c>vrec tags</c> and the worker's embedding refresh.</summary>
[Collection(CliCollection.Name)]
public sealed class EmbedCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    /// <summary>A database whose catalogue holds three videos with embedded titles and tags.</summary>
    private async Task<string> EmbeddedCatalogueAsync()
    {
        var path = _temp["store.db"];
        var db = new SqliteDatabase(path);
        var features = new SqliteFeatureStore(db);
        features.UpsertVideos(
        [
            new Video("robots", "Robots fighting in outer space") { Tags = ["sci-fi"] },
            new Video("cooking", "Baking bread at home") { Tags = ["food"] },
            new Video("garden", "Growing tomatoes in the garden") { Tags = ["plants"] },
        ]);
        using var encoder = new MiniLmEmbeddingGenerator();
        var result = await new EmbeddingRefreshHandler(features, new SqliteEmbeddingStore(db), encoder).HandleAsync(EmbeddingRefreshRequest.ForVideos("robots", "cooking", "garden"), CancellationToken.None);
        Assert.Equal(6, result.TextsEmbedded);
        return path;
    }

    [Fact]
    public async Task Embed_prints_the_dimensions_and_writes_the_vector_and_the_nearest_titles()
    {
        var db = await EmbeddedCatalogueAsync();
        var jsonPath = _temp["embed.json"];

        var result = await Vrec.SucceedsAsync("embed", "space robots battle", "--db", db, "--k", "2", "--json", jsonPath);

        Assert.Contains("384 dimensions (all-MiniLM-L6-v2", result.Out, StringComparison.Ordinal);
        var json = Vrec.ReadJson(jsonPath);
        Assert.Equal(384, (int)json["dimensions"]!);
        var vector = json["vector"]!.AsArray().Select(v => (double)v!).ToArray();
        Assert.Equal(384, vector.Length);
        Assert.Equal(1.0, Math.Sqrt(vector.Sum(v => v * v)), 4);
        using var encoder = new MiniLmEmbeddingGenerator();
        var expected = encoder.Embed(["space robots battle"])[0];
        for (var d = 0; d < 384; d++)
        {
            Assert.Equal(expected[d], vector[d], 5);
        }

        var nearest = json["nearest"]!.AsArray();
        Assert.Equal(2, nearest.Count);
        Assert.Equal("robots", (string?)nearest[0]!["videoId"]);
        Assert.Equal("Robots fighting in outer space", (string?)nearest[0]!["title"]);
        Assert.True((double)nearest[0]!["cosine"]! > (double)nearest[1]!["cosine"]!);
    }

    [Fact]
    public async Task Embed_of_empty_text_is_the_zero_vector_and_matches_nothing()
    {
        var db = await EmbeddedCatalogueAsync();
        var jsonPath = _temp["embed.json"];

        await Vrec.SucceedsAsync("embed", "", "--db", db, "--json", jsonPath);

        var json = Vrec.ReadJson(jsonPath);
        Assert.All(json["vector"]!.AsArray(), v => Assert.Equal(0.0, (double)v!));
        Assert.Empty(json["nearest"]!.AsArray());
    }

    [Fact]
    public async Task Embed_warns_when_word_pieces_are_unknown_to_the_vocabulary()
    {
        // Two emoji are each one [UNK] piece; "cat" is in the vocabulary.
        var warned = await Vrec.SucceedsAsync("embed", "cat \U0001F600 \U0001F680", "--db", _temp["missing.db"]);
        var plain = await Vrec.SucceedsAsync("embed", "cat", "--db", _temp["missing.db"]);

        Assert.Contains("2 of the 3 word pieces are unknown", warned.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("unknown to the model", plain.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Embed_without_a_database_says_how_to_fill_one()
    {
        var result = await Vrec.SucceedsAsync("embed", "hello", "--db", _temp["missing.db"]);

        Assert.Contains("No database at", result.Out, StringComparison.Ordinal);
        Assert.False(File.Exists(_temp["missing.db"]));
    }

    [Fact]
    public async Task Embed_without_text_is_a_usage_error()
    {
        var message = await Vrec.FailsWithUsageErrorAsync("embed");
        Assert.Equal("Required argument missing for command: 'embed'.", message);
    }

    [Fact]
    public async Task Embed_help_shows_the_text_argument_and_the_options()
    {
        var result = await Vrec.SucceedsAsync("embed", "--help");

        Assert.Contains("embed <text> [options]", result.Out, StringComparison.Ordinal);
        Assert.Contains("--db <FILE>", result.Out, StringComparison.Ordinal);
        Assert.Contains("[default: vrec.db]", result.Out, StringComparison.Ordinal);
        Assert.Contains("--json <FILE>", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_embeddings_reports_the_genre_share_against_random()
    {
        var data = TinyData.WriteLatest(_temp.Folder("tiny"));
        var jsonPath = _temp["quality.json"];

        await Vrec.SucceedsAsync("evaluate-embeddings", "--data", data, "--k", "2", "--json", jsonPath);

        // 7 movies have genres (Balto has none). Random baseline by hand: ordered pairs sharing a genre among the 7:
        // Toy Story–Jumanji (Adventure, Children), Toy Story–GoldenEye (Adventure), Jumanji–GoldenEye (Adventure),
        // Heat–Casino (Crime), Heat–GoldenEye (Action), Casino–Nixon (Drama): 6 pairs × 2 = 12 of 7 × 6 = 42.
        var json = Vrec.ReadJson(jsonPath);
        Assert.Equal(2, (int)json["k"]!);
        Assert.Equal(7, (int)json["videos"]!);
        Assert.Equal(Math.Round(12.0 / 42, 4), (double)json["random_genre_share_rate"]!);
        var rate = (double)json["genre_share_rate"]!;
        Assert.InRange(rate, 0, 1);
        Assert.Equal(Math.Round(rate / (12.0 / 42), 3), (double)json["lift"]!, 2);
    }

    [Fact]
    public async Task Tags_shows_nearest_tags_and_refuses_an_unknown_tag()
    {
        var data = TinyData.WriteLatest(_temp.Folder("tiny"));
        var jsonPath = _temp["tags.json"];

        var result = await Vrec.SucceedsAsync("tags", "--data", data, "--tag", "adventure", "--k", "2", "--json", jsonPath, "--output", _temp["tags-model.json"]);

        Assert.Contains("Tag embeddings:", result.Out, StringComparison.Ordinal);
        var json = Vrec.ReadJson(jsonPath);
        Assert.Equal(2, json["nearest"]!["adventure"]!["cooccurrence"]!.AsArray().Count);
        Assert.True(File.Exists(_temp["tags-model.json"]));

        var message = await Vrec.FailsWithBadInputAsync("tags", "--data", data, "--tag", "no such tag");
        Assert.StartsWith("--tag: 'no such tag' is not in the tag vocabulary", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Worker_refreshes_the_search_history_embedding_of_searchers()
    {
        var db = _temp["store.db"];
        var at = new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);
        string Search(string id, string user, string query, int minute) =>
            $"{{\"eventId\":\"{id}\",\"userId\":\"{user}\",\"type\":\"search\",\"value\":\"{query}\",\"timestamp\":\"{at.AddMinutes(minute).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}\"}}";
        var file = _temp["events.jsonl"];
        File.WriteAllText(file, string.Join("\n", Search("s1", "u1", "space robots", 1), Search("s2", "u1", "Space  Robots", 2), Search("s3", "u2", "baking bread", 3)) + "\n", new UTF8Encoding(false));
        await Vrec.SucceedsAsync("ingest", "--db", db, "--file", file);

        var result = await Vrec.SucceedsAsync("worker", "--db", db, "--until-empty");

        Assert.Contains("2 search histories updated (2 queries embedded, 0 from the cache)", result.Out, StringComparison.Ordinal);
        var store = new SqliteEmbeddingStore(new SqliteDatabase(db));
        var u1 = await store.GetUserSearchEmbeddingAsync("u1", CancellationToken.None);
        using var encoder = new MiniLmEmbeddingGenerator();
        var expected = encoder.Embed(["space robots"])[0];
        Assert.Equal(2, u1!.QueryCount);
        for (var d = 0; d < 384; d++)
        {
            Assert.Equal(expected[d], u1.Vector[d], 5); // the same normalised query twice: the mean is that query's vector
        }

        var again = await Vrec.SucceedsAsync("worker", "--db", db, "--until-empty");
        Assert.Contains("0 search histories updated", again.Out, StringComparison.Ordinal);
    }
}
