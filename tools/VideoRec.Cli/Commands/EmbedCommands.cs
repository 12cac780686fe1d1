using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Spectre.Console;
using VideoRec.Cli.Infrastructure;
using VideoRec.Core.Domain;
using VideoRec.Core.Embeddings;
using VideoRec.Import;
using VideoRec.Local.Embeddings;
using VideoRec.Local.Sqlite;

namespace VideoRec.Cli.Commands;

/// <summary><c>vrec embed</c> and <c>vrec evaluate-embeddings</c>: the sentence encoder from the command line.</summary>
public static class EmbedCommands
{
    private static Option<string> Database() => new("--db")
    {
        Description = "SQLite file of the feature store whose video title embeddings are searched (the demo fills vrec.db).",
        HelpName = "FILE",
        DefaultValueFactory = _ => "vrec.db",
    };

    /// <summary><c>vrec embed "some text"</c>: the embedding of a text and the videos whose titles are nearest to it.</summary>
    public static Command Embed()
    {
        var text = new Argument<string>("text") { Description = "The text to embed (quote it). Empty text gives the zero vector." };
        var database = Database();
        var k = CommonOptions.K("Nearest videos to list.", 1000);
        var json = new Option<string?>("--json") { Description = "Write {\"dimensions\", \"vector\", \"nearest\"} to this JSON file.", HelpName = "FILE" };
        var command = new Command("embed", "Embed a text with all-MiniLM-L6-v2 and list the videos with the nearest titles.") { text, database, k, json };
        command.SetAction((parse, cancellationToken) => ErrorReporting.RunAsync(async () =>
        {
            JsonOutput.CheckWritable(parse.GetValue(json));
            var input = parse.GetValue(text) ?? "";
            using var encoder = new MiniLmEmbeddingGenerator();
            var clock = Stopwatch.StartNew();
            var vector = encoder.Embed([input], cancellationToken)[0];
            var elapsed = clock.Elapsed;
            var tokens = encoder.Tokenize(input);
            var unknown = tokens.Count(t => t == MiniLmEmbeddingGenerator.UnknownTokenId);
            AnsiConsole.MarkupLine($"[bold]{MiniLmEmbeddingGenerator.Dimensions}[/] dimensions ({MiniLmEmbeddingGenerator.DefaultModelId}, {tokens.Length} tokens, {elapsed.TotalMilliseconds:F1} ms)");
            if (unknown > 0)
            {
                AnsiConsole.MarkupLine($"[yellow]{unknown} of the {tokens.Length - 2} word pieces are unknown to the model's (English) vocabulary[/]: texts that differ only there get the same vector.");
            }
            AnsiConsole.MarkupLine($"First values: [[{string.Join(", ", vector.Take(8).Select(v => v.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)))}, …]]");

            var nearest = await NearestTitlesAsync(parse.GetValue(database)!, vector, parse.GetValue(k), cancellationToken);
            JsonOutput.Write(parse.GetValue(json), new JsonObject
            {
                ["dimensions"] = vector.Length,
                ["model"] = MiniLmEmbeddingGenerator.DefaultModelId,
                ["vector"] = new JsonArray(vector.Select(v => (JsonNode)v).ToArray()),
                ["nearest"] = new JsonArray(nearest.Select(n => (JsonNode)new JsonObject { ["videoId"] = n.VideoId, ["title"] = n.Title, ["cosine"] = Math.Round(n.Cosine, 4) }).ToArray()),
            });
            return 0;
        }, parse.GetValue(database)));
        return command;
    }

    /// <summary>The videos whose stored title embeddings are nearest to <paramref name="vector"/>, printed as a table.</summary>
    private static async Task<List<(string VideoId, string Title, float Cosine)>> NearestTitlesAsync(string databasePath, float[] vector, int k, CancellationToken cancellationToken)
    {
        if (vector.All(v => v == 0))
        {
            AnsiConsole.MarkupLine("Empty text (no word pieces): the zero (unknown) vector, which is near nothing.");
            return [];
        }

        if (Directory.Exists(databasePath))
        {
            throw new CliException($"--db {databasePath}: is a folder; give a database file.");
        }

        if (!File.Exists(databasePath))
        {
            AnsiConsole.MarkupLine($"[yellow]No database at {Markup.Escape(databasePath)}[/]: run [bold]vrec demo[/] (or serve with --db and upsert videos) to embed titles, then search them here.");
            return [];
        }

        var db = DatabaseFiles.OpenReadOnly(databasePath);
        var stored = await ReadStoredAsync(new SqliteEmbeddingStore(db), VideoTextField.Title, cancellationToken);
        var usable = stored.Values.Where(e => IsThisModel(e) && e.Vector.Length == vector.Length).OrderBy(e => e.VideoId, StringComparer.Ordinal).ToList();
        var others = stored.Values.Where(e => !IsThisModel(e) || e.Vector.Length != vector.Length).ToList();
        if (stored.Count == 0)
        {
            AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(databasePath)} holds no title embeddings yet[/]: run [bold]vrec demo[/], or a worker after upserting videos.");
            return [];
        }

        if (usable.Count == 0)
        {
            throw new CliException($"--db: {databasePath} holds title embeddings of another model only ({Models(others)}); this encoder is {MiniLmEmbeddingGenerator.DefaultModelId} ({vector.Length} dimensions).");
        }

        if (others.Count > 0)
        {
            AnsiConsole.MarkupLine($"[yellow]{others.Count:N0} title embeddings of another model ({Markup.Escape(Models(others))}) skipped[/]: only {MiniLmEmbeddingGenerator.DefaultModelId} vectors compare with this one.");
        }

        var index = new VideoVectorIndex(usable.Select(e => e.VideoId).ToList(), usable.SelectMany(e => e.Vector).ToArray(), vector.Length);
        var titles = new SqliteFeatureStore(db).VideoTitles();
        var nearest = index.Nearest(vector, k).Select(n => (n.VideoId, titles.GetValueOrDefault(n.VideoId, ""), n.Cosine)).ToList();
        var table = new Table().AddColumn("#").AddColumn("Video").AddColumn("Title").AddColumn(new TableColumn("Cosine").RightAligned());
        for (var i = 0; i < nearest.Count; i++)
        {
            table.AddRow((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(nearest[i].VideoId), Markup.Escape(nearest[i].Item2), nearest[i].Cosine.ToString("F3", System.Globalization.CultureInfo.InvariantCulture));
        }

        table.Title = new TableTitle($"Nearest titles among {index.Count:N0} videos");
        AnsiConsole.Write(table);
        return nearest;
    }

    /// <summary><c>vrec evaluate-embeddings</c>: do a video's nearest neighbours by title and tag embedding share its genres?</summary>
    public static Command Evaluate()
    {
        var data = new DataOptions();
        var k = CommonOptions.K("Neighbours per video.", 100);
        var database = new Option<string?>("--db") { Description = "Reuse the title and tag embeddings stored in this SQLite file (the demo's vrec.db) instead of embedding every title again.", HelpName = "FILE" };
        var json = CommonOptions.Json();
        var command = new Command("evaluate-embeddings",
            "Quality check of the text embeddings: how often a video's k nearest neighbours by title + free-text-tag embedding share a genre with it, against random.")
        {
            k, database, json,
        };
        data.AddTo(command);
        command.SetAction((parse, cancellationToken) => ErrorReporting.RunAsync(async () =>
        {
            JsonOutput.CheckWritable(parse.GetValue(json));
            var import = DataLoading.Load(data.Read(parse));
            using var encoder = new MiniLmEmbeddingGenerator(new MiniLmOptions { IntraOpThreads = Environment.ProcessorCount });
            IReadOnlyDictionary<string, VideoTextEmbedding>? titles = null, tags = null;
            if (parse.GetValue(database) is { } path)
            {
                if (!File.Exists(path) && !Directory.Exists(path))
                {
                    throw new CliException($"--db: {path} not found.");
                }

                var store = new SqliteEmbeddingStore(DatabaseFiles.OpenReadOnly(path));
                titles = await ReadStoredAsync(store, VideoTextField.Title, cancellationToken);
                tags = await ReadStoredAsync(store, VideoTextField.Tags, cancellationToken);
            }

            var result = await EvaluateAsync(import.Dataset, encoder, titles, tags, parse.GetValue(k), cancellationToken);
            JsonOutput.Write(parse.GetValue(json), ToJson(result));
            return 0;
        }, parse.GetValue(database)));
        return command;
    }

    /// <summary>The stored embeddings of <paramref name="field"/> by video id.</summary>
    public static async Task<Dictionary<string, VideoTextEmbedding>> ReadStoredAsync(SqliteEmbeddingStore store, VideoTextField field, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, VideoTextEmbedding>(StringComparer.Ordinal);
        await foreach (var e in store.ReadVideoEmbeddingsAsync(field, cancellationToken))
        {
            result[e.VideoId] = e;
        }

        return result;
    }

    private static bool IsThisModel(VideoTextEmbedding e) => string.Equals(e.ModelId, MiniLmEmbeddingGenerator.DefaultModelId, StringComparison.Ordinal);

    private static string Models(IEnumerable<VideoTextEmbedding> embeddings) =>
        string.Join(", ", embeddings.GroupBy(e => $"{e.ModelId}, {e.Vector.Length}-d", StringComparer.Ordinal).Select(g => $"{g.Count():N0} of {g.Key}"));

    /// <summary>
    /// The stored vector of <paramref name="videoId"/> when it was computed by this encoder from exactly
    /// <paramref name="text"/> (its stored hash is <see cref="EmbeddingText.Hash"/> of the model and the text); otherwise
    /// <c>null</c>, and the text is embedded again.
    /// </summary>
    private static float[]? Reusable(IReadOnlyDictionary<string, VideoTextEmbedding>? stored, string videoId, string text) =>
        stored is not null && stored.TryGetValue(videoId, out var e) && IsThisModel(e) && e.Vector.Length == MiniLmEmbeddingGenerator.Dimensions
            && string.Equals(e.TextHash, EmbeddingText.Hash(MiniLmEmbeddingGenerator.DefaultModelId, text), StringComparison.Ordinal)
            ? e.Vector
            : null;

    /// <summary>
    /// Runs the genre-agreement check: titles (stored vectors from <paramref name="titleVectors"/> where they were
    /// computed from the same title with the same model, else embedded now) plus the free-text tags (genre tags left
    /// out, since genres are the labels), combined per video.
    /// </summary>
    public static async Task<EmbeddingQuality> EvaluateAsync(Dataset dataset, MiniLmEmbeddingGenerator encoder, IReadOnlyDictionary<string, VideoTextEmbedding>? titleVectors, IReadOnlyDictionary<string, VideoTextEmbedding>? tagVectors, int k, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var videos = dataset.Videos.Values.OrderBy(v => v.Id, StringComparer.Ordinal).ToList();
        var genres = videos.SelectMany(v => v.Tags).Where(MovieLensGenres.All.Contains).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase).ToList();
        if (genres.Count == 0 || genres.Count > 64)
        {
            throw new CliException($"The data has {genres.Count} genre tags; the check needs between 1 and 64 (MovieLens genres).");
        }

        var bit = genres.Select((g, i) => (g, i)).ToDictionary(p => p.g, p => 1UL << p.i, StringComparer.OrdinalIgnoreCase);
        var labels = videos.Select(v => v.Tags.Where(bit.ContainsKey).Aggregate(0UL, (mask, g) => mask | bit[g])).ToList();
        var freeTags = videos.Select(v => string.Join(", ", v.Tags.Where(t => !MovieLensGenres.All.Contains(t)))).ToList();

        var ids = videos.Select(v => v.Id).ToList();
        var d = MiniLmEmbeddingGenerator.Dimensions;
        var titles = new float[ids.Count * d];
        var titleTexts = videos.Select(v => EmbeddingText.Of(v, VideoTextField.Title)).ToList();
        var storedTitles = Enumerable.Range(0, ids.Count).Select(i => Reusable(titleVectors, ids[i], titleTexts[i])).ToList();
        var missingTitles = Enumerable.Range(0, ids.Count).Where(i => storedTitles[i] is null).ToList();
        var embeddedTitles = Embed(encoder, missingTitles.Select(i => titleTexts[i]).ToList(), "Embedding titles", cancellationToken);
        for (var j = 0; j < missingTitles.Count; j++)
        {
            embeddedTitles[j].CopyTo(titles, missingTitles[j] * d);
        }

        for (var i = 0; i < ids.Count; i++)
        {
            storedTitles[i]?.CopyTo(titles, i * d);
        }

        var tagged = Enumerable.Range(0, ids.Count).Where(i => freeTags[i].Length > 0).ToList();
        var freeTagVectors = new float[ids.Count * d];
        var embeddedTags = Embed(encoder, tagged.Select(i => freeTags[i]).ToList(), "Embedding free-text tags", cancellationToken);
        for (var j = 0; j < tagged.Count; j++)
        {
            embeddedTags[j].CopyTo(freeTagVectors, tagged[j] * d);
        }

        var combined = VideoVectorIndex.Combine(new VideoVectorIndex(ids, titles, d), new VideoVectorIndex(ids, freeTagVectors, d));
        var result = NeighbourLabelAgreement.Measure(combined, labels, k, cancellationToken);
        AnsiConsole.MarkupLine(
            $"Genre agreement at k = {k}: [bold]{result.Rate:P1}[/] of the nearest neighbours by title + tag embedding share a genre with the video, " +
            $"against [bold]{result.RandomRate:P1}[/] for random videos ({result.Lift:F2}×; {result.Videos:N0} videos with a genre; " +
            $"{missingTitles.Count:N0} titles embedded now, {ids.Count - missingTitles.Count:N0} read from the store; {clock.Elapsed.TotalSeconds:F1} s).");
        var taggedOnly = NeighbourLabelAgreement.Measure(combined, labels.Select((mask, i) => freeTags[i].Length > 0 ? mask : 0UL).ToList(), k, cancellationToken);

        // As stored: the tags text includes the genres, so this variant sees the labels and only shows the ceiling.
        var allTags = videos.Select(v => EmbeddingText.Of(v, VideoTextField.Tags)).ToList();
        var storedTagRows = Enumerable.Range(0, ids.Count).Select(i => Reusable(tagVectors, ids[i], allTags[i])).ToList();
        var distinct = allTags.Where((t, i) => t.Length > 0 && storedTagRows[i] is null).Distinct(StringComparer.Ordinal).ToList();
        var distinctVectors = Embed(encoder, distinct, "Embedding tag texts as stored", cancellationToken);
        var byText = distinct.Select((t, j) => (t, j)).ToDictionary(p => p.t, p => distinctVectors[p.j], StringComparer.Ordinal);
        var storedTags = new float[ids.Count * d];
        var tagsFromStore = 0;
        for (var i = 0; i < ids.Count; i++)
        {
            if (storedTagRows[i] is { } row)
            {
                row.CopyTo(storedTags, i * d);
                tagsFromStore++;
            }
            else if (allTags[i].Length > 0)
            {
                byText[allTags[i]].CopyTo(storedTags, i * d);
            }
        }

        var asStored = NeighbourLabelAgreement.Measure(VideoVectorIndex.Combine(new VideoVectorIndex(ids, titles, d), new VideoVectorIndex(ids, storedTags, d)), labels, k, cancellationToken);
        AnsiConsole.MarkupLine(
            $"Among the {taggedOnly.Videos:N0} videos with a genre and free-text tags: [bold]{taggedOnly.Rate:P1}[/] against [bold]{taggedOnly.RandomRate:P1}[/] ({taggedOnly.Lift:F2}×). " +
            $"With the genre tags left in the embedded text (as the catalogue stores them; not a fair test, the labels leak): {asStored.Rate:P1} " +
            $"({distinct.Count:N0} tag texts embedded now, {tagsFromStore:N0} read from the store).");
        return new EmbeddingQuality(result, taggedOnly, asStored);
    }

    public static JsonObject ToJson(EmbeddingQuality quality) => new()
    {
        ["k"] = quality.All.K,
        ["videos"] = quality.All.Videos,
        ["genre_share_rate"] = Math.Round(quality.All.Rate, 4),
        ["random_genre_share_rate"] = Math.Round(quality.All.RandomRate, 4),
        ["lift"] = Math.Round(quality.All.Lift, 3),
        ["videos_with_free_tags"] = quality.FreeTagged.Videos,
        ["free_tagged_genre_share_rate"] = Math.Round(quality.FreeTagged.Rate, 4),
        ["free_tagged_random_genre_share_rate"] = Math.Round(quality.FreeTagged.RandomRate, 4),
        ["with_genre_tags_genre_share_rate"] = Math.Round(quality.WithGenreTags.Rate, 4),
    };

    /// <summary>The three views of the genre-agreement check.</summary>
    /// <param name="All">Every video with a genre: title + free-text tags.</param>
    /// <param name="FreeTagged">Only videos with free-text tags.</param>
    /// <param name="WithGenreTags">Title + all tags as stored, genres included (the labels leak: a ceiling, not a test).</param>
    public sealed record EmbeddingQuality(NeighbourLabelAgreementResult All, NeighbourLabelAgreementResult FreeTagged, NeighbourLabelAgreementResult WithGenreTags);

    /// <summary>Embeds <paramref name="texts"/> in chunks with a progress bar.</summary>
    public static float[][] Embed(MiniLmEmbeddingGenerator encoder, IReadOnlyList<string> texts, string what, CancellationToken cancellationToken) =>
        ConsoleProgress.Run(scope =>
        {
            var line = scope.Add(what, Math.Max(1, texts.Count));
            var result = new float[texts.Count][];
            for (var start = 0; start < texts.Count; start += 512)
            {
                var chunk = texts.Skip(start).Take(512).ToList();
                encoder.Embed(chunk, cancellationToken).CopyTo(result, start);
                line.Value = start + chunk.Count;
            }

            return result;
        });
}
