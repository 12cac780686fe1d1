using System.CommandLine;
using System.Diagnostics;
using System.Numerics.Tensors;
using System.Text.Json.Nodes;
using Spectre.Console;
using VideoRec.Cli.Infrastructure;
using VideoRec.Core.Domain;
using VideoRec.Core.Embeddings.Tags;
using VideoRec.Core.Feedback;
using VideoRec.Local.Embeddings;

namespace VideoRec.Cli.Commands;

/// <summary><c>vrec tags</c>: train tag embeddings on co-occurrence and show the nearest tags of a few tags.</summary>
public static class TagsCommand
{
    /// <summary>Tags shown when none is asked for, where the data has them.</summary>
    private static readonly string[] Showcase = ["pixar", "time travel", "dark comedy", "sci-fi", "romance", "atmospheric", "war", "horror"];

    public static Command Create()
    {
        var data = new DataOptions();
        var tags = new Option<string[]>("--tag") { Description = "A tag to show neighbours of (repeatable). Default: a few well-known tags of the data.", HelpName = "TAG", AllowMultipleArgumentsPerToken = false };
        var k = CommonOptions.K("Neighbours per tag.", 100, 6);
        var dimensions = CommonOptions.Range(new Option<int>("--dimensions") { Description = "Tag vector length.", DefaultValueFactory = _ => new TagEmbeddingOptions().Dimensions }, 2, 512);
        var epochs = CommonOptions.Range(new Option<int>("--epochs") { Description = "Passes over the co-occurrence pairs.", DefaultValueFactory = _ => new TagEmbeddingOptions().Epochs }, 1, 1000);
        var minCount = CommonOptions.Range(new Option<int>("--min-count") { Description = "Leave out tags on fewer videos than this.", DefaultValueFactory = _ => new TagEmbeddingOptions().MinCount }, 1, 1_000_000);
        var window = CommonOptions.Range(new Option<int>("--liked-window") { Description = "Pair a liked video's tags with those of the user's next N liked videos (0: same-video context only).", DefaultValueFactory = _ => new TagEmbeddingOptions().LikedWindow }, 0, 100);
        var subsample = CommonOptions.Range(new Option<double>("--subsample") { Description = "Frequent-tag subsampling threshold (0 turns it off).", DefaultValueFactory = _ => new TagEmbeddingOptions().Subsample }, 0.0, 0.999);
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 42 };
        var sentence = new Option<bool>("--sentence") { Description = "Also show the nearest tags by the sentence encoder (all-MiniLM-L6-v2) on the tag text." };
        var output = new Option<string?>("--output") { Description = "Save the tag model to this JSON file.", HelpName = "FILE" };
        var json = CommonOptions.Json();
        var command = new Command("tags", "Train tag embeddings on tag co-occurrence (same video, videos the same user liked) and show nearest tags.")
        {
            tags, k, dimensions, epochs, minCount, window, subsample, seed, sentence, output, json,
        };
        data.AddTo(command);
        command.Validators.Add(result =>
        {
            if (result.GetValue(output) is { } model && result.GetValue(json) is { } figures && JsonOutput.SameFile(model, figures) && !VideoRec.Core.Common.AtomicFile.WritesInPlace(model))
            {
                result.AddError($"--output and --json name the same file ({model}): the figures would overwrite the tag model; give two files.");
            }
        });
        command.SetAction((parse, cancellationToken) => Task.FromResult(ErrorReporting.Run(() =>
        {
            var options = new TagEmbeddingOptions
            {
                Dimensions = parse.GetValue(dimensions),
                Epochs = parse.GetValue(epochs),
                MinCount = parse.GetValue(minCount),
                LikedWindow = parse.GetValue(window),
                Subsample = parse.GetValue(subsample),
                Seed = parse.GetValue(seed),
            };
            JsonOutput.CheckWritable(parse.GetValue(json));
            JsonOutput.CheckWritable(parse.GetValue(output), "--output");
            var request = data.Read(parse);
            var import = DataLoading.Load(request);
            var model = Train(import.Dataset, request.Relevance, options, cancellationToken);
            var shown = Show(model, parse.GetValue(tags) ?? [], parse.GetValue(k), parse.GetValue(sentence), cancellationToken);
            if (parse.GetValue(output) is { } path)
            {
                try
                {
                    model.Save(path);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw JsonOutput.CannotWrite("--output", path, e);
                }

                AnsiConsole.MarkupLine($"Tag model written to {Markup.Escape(Path.GetFullPath(path))}.");
            }

            JsonOutput.Write(parse.GetValue(json), new JsonObject
            {
                ["tags"] = model.Tags.Count,
                ["dimensions"] = model.Dimensions,
                ["nearest"] = shown,
            });
            return 0;
        })));
        return command;
    }

    /// <summary>Builds the corpus and trains, with a progress bar over epochs.</summary>
    public static TagEmbeddingModel Train(Dataset dataset, RelevancePolicy relevance, TagEmbeddingOptions options, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var corpus = TagCorpus.Build(dataset, relevance, options);
        var model = ConsoleProgress.Run(scope =>
        {
            var line = scope.Add("Training tag embeddings", options.Epochs);
            return TagEmbeddingTrainer.Train(corpus, options, new Progress<int>(e => line.Value = e), cancellationToken);
        });
        if (corpus.Tags.Count < 50)
        {
            AnsiConsole.MarkupLine($"[yellow]Only {corpus.Tags.Count} tags[/]: with so small a vocabulary most tags co-occur with most others, and the neighbours say little (genre-only data such as MovieLens 100K).");
        }

        AnsiConsole.MarkupLine(
            $"Tag embeddings: {corpus.Tags.Count:N0} tags (used on ≥ {options.MinCount} videos), {corpus.Pairs.Count:N0} co-occurrence pairs " +
            $"({corpus.VideoPairs:N0} from the same video, {corpus.Pairs.Count - corpus.VideoPairs:N0} from liked videos), {options.Dimensions}-d, " +
            $"{options.Epochs} epochs in {clock.Elapsed.TotalSeconds:F1} s.");
        return model;
    }

    /// <summary>Prints the nearest tags of <paramref name="asked"/> (or the showcase) and returns them as JSON.</summary>
    public static JsonObject Show(TagEmbeddingModel model, IReadOnlyList<string> asked, int k, bool sentence, CancellationToken cancellationToken)
    {
        var chosen = asked.Count > 0 ? asked.ToList() : Showcase.Where(model.Contains).Take(5).ToList();
        if (chosen.Count == 0)
        {
            chosen = model.Tags.Take(5).ToList();
        }

        var unknown = chosen.Where(t => !model.Contains(t)).ToList();
        if (unknown.Count > 0)
        {
            throw new CliException($"--tag: {string.Join(", ", unknown.Select(t => $"'{t}'"))} {(unknown.Count == 1 ? "is" : "are")} not in the tag vocabulary ({model.Tags.Count:N0} tags; a tag must be on at least --min-count videos).");
        }

        var bySentence = sentence ? SentenceNeighbours(model, chosen, k, cancellationToken) : null;
        var table = new Table().AddColumn("Tag").AddColumn("Nearest by co-occurrence (cosine)");
        if (bySentence is not null)
        {
            table.AddColumn("Nearest by sentence encoder on the tag text");
        }

        var json = new JsonObject();
        foreach (var tag in chosen)
        {
            var near = model.Nearest(tag, k);
            var cells = new List<string> { Markup.Escape(TagCorpus.Normalize(tag)), Markup.Escape(string.Join(", ", near.Select(n => $"{n.Tag} ({n.Cosine:F2})"))) };
            var entry = new JsonObject { ["cooccurrence"] = new JsonArray(near.Select(n => (JsonNode)new JsonObject { ["tag"] = n.Tag, ["cosine"] = Math.Round(n.Cosine, 4) }).ToArray()) };
            if (bySentence is not null)
            {
                cells.Add(Markup.Escape(string.Join(", ", bySentence[tag].Select(n => $"{n.Tag} ({n.Cosine:F2})"))));
                entry["sentence"] = new JsonArray(bySentence[tag].Select(n => (JsonNode)new JsonObject { ["tag"] = n.Tag, ["cosine"] = Math.Round(n.Cosine, 4) }).ToArray());
            }

            table.AddRow(cells.ToArray());
            json[TagCorpus.Normalize(tag)] = entry;
        }

        AnsiConsole.Write(table);
        return json;
    }

    /// <summary>Nearest tags by cosine of the sentence encoder's embeddings of the tag texts (same vocabulary).</summary>
    private static Dictionary<string, List<TagNeighbour>> SentenceNeighbours(TagEmbeddingModel model, List<string> chosen, int k, CancellationToken cancellationToken)
    {
        using var encoder = new MiniLmEmbeddingGenerator();
        var vectors = ConsoleProgress.Status("Embedding the tag texts with all-MiniLM-L6-v2…", () => encoder.Embed(model.Tags.ToArray(), cancellationToken));
        var result = new Dictionary<string, List<TagNeighbour>>(StringComparer.Ordinal);
        foreach (var tag in chosen)
        {
            var i = model.Tags.ToList().IndexOf(TagCorpus.Normalize(tag));
            var scores = new float[model.Tags.Count];
            for (var t = 0; t < scores.Length; t++)
            {
                scores[t] = TensorPrimitives.Dot(vectors[i], vectors[t]);
            }

            result[tag] = Core.Ranking.TopK.Select(scores, k, t => t == i).Select(s => new TagNeighbour(model.Tags[s.Index], s.Score)).ToList();
        }

        return result;
    }
}
