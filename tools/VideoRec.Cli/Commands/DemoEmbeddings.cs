using System.Diagnostics;
using System.Text.Json.Nodes;
using Spectre.Console;
using VideoRec.Cli.Infrastructure;
using VideoRec.Core.Domain;
using VideoRec.Core.Embeddings;
using VideoRec.Core.Embeddings.Tags;
using VideoRec.Core.Feedback;
using VideoRec.Local.Embeddings;
using VideoRec.Local.Sqlite;

namespace VideoRec.Cli.Commands;

/// <summary>The demo's text-embedding step: catalogue into the feature store, titles and tags embedded, checked, and tag neighbours.</summary>
public static class DemoEmbeddings
{
    /// <summary>An example query searched among the embedded titles.</summary>
    public const string ExampleQuery = "a space adventure with robots";

    public static JsonObject Run(Dataset dataset, RelevancePolicy relevance, string databasePath, CancellationToken cancellationToken)
    {
        AnsiConsole.Write(new Rule("4. Text embeddings").LeftJustified());
        var clock = Stopwatch.StartNew();
        var db = new SqliteDatabase(databasePath);
        var features = new SqliteFeatureStore(db);
        var store = new SqliteEmbeddingStore(db);
        var videos = dataset.Videos.Values.OrderBy(v => v.Id, StringComparer.Ordinal).ToList();
        var created = features.UpsertVideos(videos);
        using var encoder = new MiniLmEmbeddingGenerator(new MiniLmOptions { IntraOpThreads = Environment.ProcessorCount });
        var handler = new EmbeddingRefreshHandler(features, store, encoder);
        var refresh = ConsoleProgress.Run(scope =>
        {
            var line = scope.Add("Embedding titles and tags", videos.Count);
            return handler.RefreshVideosAsync(videos, new Progress<int>(done => line.Value = done), cancellationToken).GetAwaiter().GetResult();
        });
        var seconds = clock.Elapsed.TotalSeconds;
        AnsiConsole.MarkupLine(
            $"Catalogue of {videos.Count:N0} videos in {Markup.Escape(Path.GetFullPath(databasePath))} ({created:N0} new); " +
            $"{refresh.TextsEmbedded:N0} title and tag texts embedded with {MiniLmEmbeddingGenerator.DefaultModelId} ({refresh.TextsUnchanged:N0} unchanged since the last run, skipped by their hash) in {seconds:F1} s.");

        var titles = VideoVectorIndex.LoadAsync(store, VideoTextField.Title, cancellationToken).GetAwaiter().GetResult();
        var quality = EmbedCommands.EvaluateAsync(dataset, encoder,
            EmbedCommands.ReadStoredAsync(store, VideoTextField.Title, cancellationToken).GetAwaiter().GetResult(),
            EmbedCommands.ReadStoredAsync(store, VideoTextField.Tags, cancellationToken).GetAwaiter().GetResult(), 10, cancellationToken).GetAwaiter().GetResult();

        var query = encoder.Embed([ExampleQuery], cancellationToken)[0];
        var names = dataset.Videos;
        var nearest = titles.Nearest(query, 5);
        AnsiConsole.MarkupLine($"Titles nearest to \"{ExampleQuery}\": " +
            Markup.Escape(string.Join("; ", nearest.Select(n => $"{(names.TryGetValue(n.VideoId, out var v) ? v.Title : n.VideoId)} ({n.Cosine:F2})"))));

        var tagModel = TagsCommand.Train(dataset, relevance, new TagEmbeddingOptions(), cancellationToken);
        var neighbours = TagsCommand.Show(tagModel, [], 6, sentence: false, cancellationToken);
        AnsiConsole.MarkupLine("Search the embedded titles with:");
        CopyableLine.Write($"  dotnet run --project tools/VideoRec.Cli -c Release -- embed \"{ExampleQuery}\" --db {databasePath}");

        var json = EmbedCommands.ToJson(quality);
        json["database"] = Path.GetFullPath(databasePath);
        json["model"] = MiniLmEmbeddingGenerator.DefaultModelId;
        json["dimensions"] = MiniLmEmbeddingGenerator.Dimensions;
        json["texts_embedded"] = refresh.TextsEmbedded;
        json["texts_unchanged"] = refresh.TextsUnchanged;
        json["seconds"] = Math.Round(seconds, 1);
        json["example_query"] = ExampleQuery;
        json["example_nearest"] = new JsonArray(nearest.Select(n => (JsonNode)n.VideoId).ToArray());
        json["tag_neighbours"] = neighbours;
        return json;
    }
}
