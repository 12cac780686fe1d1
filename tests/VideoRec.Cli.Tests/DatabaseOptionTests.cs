using Microsoft.Data.Sqlite;
using VideoRec.Cli.Tests.Support;
using VideoRec.Core.Domain;
using VideoRec.Core.Embeddings;
using VideoRec.Import;
using VideoRec.Local.Embeddings;
using VideoRec.Local.Sqlite;

namespace VideoRec.Cli.Tests;

/// <summary>
/// --db of embed, evaluate-embeddings, worker and serve: stored vectors reused only when they match the text and the
/// model, read-only commands that write nothing, and bad files reported as one line with exit code 2.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class DatabaseOptionTests : IDisposable
{
    private const string Model = MiniLmEmbeddingGenerator.DefaultModelId;

    private readonly TempDirectory _temp = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    private static void Execute(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string[] Tables(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master ORDER BY name;";
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        return [.. names];
    }

    [Fact]
    public async Task Evaluate_embeddings_reuses_only_vectors_of_the_same_text_and_model()
    {
        var data = TinyData.WriteLatest(_temp.Folder("tiny"));
        var videos = DatasetLoader.Load(data).Dataset.Videos.Values.OrderBy(v => v.Id, StringComparer.Ordinal).ToList();
        var path = _temp["store.db"];
        var db = new SqliteDatabase(path);
        var features = new SqliteFeatureStore(db);
        var store = new SqliteEmbeddingStore(db);
        features.UpsertVideos(videos);
        using var encoder = new MiniLmEmbeddingGenerator();
        await new EmbeddingRefreshHandler(features, store, encoder).RefreshVideosAsync(videos, null, CancellationToken.None);
        // Video 1's title vector is of another text (a db filled from other data); video 2's of its title under another model.
        var other = encoder.Embed(["Robots fighting in outer space"])[0];
        var title2 = EmbeddingText.Of(videos[1], VideoTextField.Title);
        var tags3 = EmbeddingText.Of(videos[2], VideoTextField.Tags);
        await store.UpsertVideoEmbeddingsAsync(
        [
            new VideoTextEmbedding("1", VideoTextField.Title, Model, EmbeddingText.Hash(Model, "Robots fighting in outer space"), other),
            new VideoTextEmbedding("2", VideoTextField.Title, "other-model", EmbeddingText.Hash("other-model", title2), other),
            new VideoTextEmbedding("3", VideoTextField.Tags, Model, EmbeddingText.Hash(Model, tags3 + ", extra"), other),
        ], CancellationToken.None);
        SqliteConnection.ClearAllPools();

        var withStore = await Vrec.SucceedsAsync("evaluate-embeddings", "--data", data, "--k", "2", "--db", path, "--json", _temp["with.json"]);
        await Vrec.SucceedsAsync("evaluate-embeddings", "--data", data, "--k", "2", "--json", _temp["without.json"]);

        Assert.Contains("2 titles embedded now, 6 read from the store;", withStore.Out, StringComparison.Ordinal);
        Assert.Contains("(1 tag texts embedded now, 7 read from the store).", withStore.Out, StringComparison.Ordinal);
        Assert.Equal(Vrec.ReadJson(_temp["without.json"]).ToJsonString(), Vrec.ReadJson(_temp["with.json"]).ToJsonString());
    }

    [Fact]
    public async Task Embed_skips_title_vectors_of_another_model_and_refuses_a_store_of_only_those()
    {
        var path = _temp["store.db"];
        var db = new SqliteDatabase(path);
        new SqliteFeatureStore(db).UpsertVideos([new Video("robots", "Robots fighting in outer space"), new Video("bread", "Baking bread at home")]);
        using var encoder = new MiniLmEmbeddingGenerator();
        var robots = encoder.Embed(["Robots fighting in outer space"])[0];
        var store = new SqliteEmbeddingStore(db);
        // The other model's vector of "bread" is the robots vector: were it used, "bread" would be the nearest title.
        await store.UpsertVideoEmbeddingsAsync(
        [
            new VideoTextEmbedding("bread", VideoTextField.Title, "other-model", EmbeddingText.Hash("other-model", "Baking bread at home"), robots),
            new VideoTextEmbedding("robots", VideoTextField.Title, Model, EmbeddingText.Hash(Model, "Robots fighting in outer space"), robots),
        ], CancellationToken.None);
        SqliteConnection.ClearAllPools();

        var result = await Vrec.SucceedsAsync("embed", "space robots", "--db", path, "--json", _temp["embed.json"]);

        Assert.Contains("1 title embeddings of another model (1 of other-model, 384-d) skipped", result.Out, StringComparison.Ordinal);
        var nearest = Vrec.ReadJson(_temp["embed.json"])["nearest"]!.AsArray();
        Assert.Equal(["robots"], nearest.Select(n => (string)n!["videoId"]!).ToArray());

        Execute(path, "DELETE FROM video_embeddings WHERE model = 'all-MiniLM-L6-v2';");
        var message = await Vrec.FailsWithBadInputAsync("embed", "space robots", "--db", path);
        Assert.Equal($"--db: {path} holds title embeddings of another model only (1 of other-model, 384-d); this encoder is all-MiniLM-L6-v2 (384 dimensions).", message);
    }

    [Fact]
    public async Task Read_only_commands_refuse_a_foreign_sqlite_file_and_leave_it_unchanged()
    {
        var data = TinyData.WriteLatest(_temp.Folder("tiny"));
        var path = _temp["other.db"];
        Execute(path, "CREATE TABLE notes(text TEXT);");
        var before = File.ReadAllBytes(path);

        var embed = await Vrec.FailsWithBadInputAsync("embed", "space robots", "--db", path);
        var evaluate = await Vrec.FailsWithBadInputAsync("evaluate-embeddings", "--data", data, "--db", path);

        Assert.Equal($"--db: {path} is not a VideoRec database.", embed);
        Assert.Equal(embed, evaluate);
        Assert.Equal(["notes"], Tables(path));
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public async Task A_refused_schema_version_gets_no_tables_from_any_command()
    {
        var path = _temp["v2.db"];
        Execute(path, "CREATE TABLE schema_version(version INTEGER NOT NULL); INSERT INTO schema_version VALUES (2);");

        var embed = await Vrec.FailsWithBadInputAsync("embed", "space robots", "--db", path);
        var worker = await Vrec.FailsWithBadInputAsync("worker", "--db", path, "--until-empty", "--no-embeddings");

        Assert.Equal($"--db {path}: database schema version 2 is not supported (expected 1).", embed);
        Assert.Equal(embed, worker);
        Assert.Equal(["schema_version"], Tables(path));
    }

    [Fact]
    public async Task Bad_database_files_are_one_line_errors_with_exit_code_2()
    {
        var data = TinyData.WriteLatest(_temp.Folder("tiny"));
        var garbage = _temp["garbage.db"];
        File.WriteAllText(garbage, new string('x', 4096));
        var folder = _temp.Folder("folder.db");
        var noColumn = _temp["nocolumn.db"];
        Execute(noColumn, "CREATE TABLE schema_version(version INTEGER NOT NULL); INSERT INTO schema_version VALUES (1); CREATE TABLE video_embeddings(video_id TEXT);");

        Assert.Equal($"--db {garbage}: file is not a database", await Vrec.FailsWithBadInputAsync("embed", "space robots", "--db", garbage));
        Assert.Equal($"--db {garbage}: file is not a database", await Vrec.FailsWithBadInputAsync("evaluate-embeddings", "--data", data, "--db", garbage));
        Assert.Equal($"--db {garbage}: file is not a database", await Vrec.FailsWithBadInputAsync("worker", "--db", garbage, "--until-empty", "--no-embeddings"));
        Assert.Equal($"--db {garbage}: file is not a database", await Vrec.FailsWithBadInputAsync("serve", "--db", garbage, "--port", "0"));
        Assert.Equal($"--db {folder}: is a folder; give a database file.", await Vrec.FailsWithBadInputAsync("worker", "--db", folder, "--until-empty"));
        Assert.Equal($"--db {folder}: is a folder; give a database file.", await Vrec.FailsWithBadInputAsync("embed", "space robots", "--db", folder));
        Assert.Equal($"--db {noColumn}: no such column: model", await Vrec.FailsWithBadInputAsync("embed", "space robots", "--db", noColumn));
        Assert.Equal($"--db {noColumn}: no such column: model", await Vrec.FailsWithBadInputAsync("evaluate-embeddings", "--data", data, "--db", noColumn));
    }
}
