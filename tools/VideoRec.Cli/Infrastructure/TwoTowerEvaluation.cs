using System.Text.Json.Nodes;
using Spectre.Console;
using VideoRec.Core.Domain;
using VideoRec.Core.Embeddings;
using VideoRec.Core.Evaluation;
using VideoRec.Core.Feedback;
using VideoRec.Core.Models.Wals;
using VideoRec.Local.Embeddings;
using VideoRec.Training.TwoTower;

namespace VideoRec.Cli.Infrastructure;

/// <summary>The model names <c>evaluate --models</c> accepts, and the two-tower pieces of <c>evaluate</c>.</summary>
public static class TwoTowerEvaluation
{
    /// <summary>Every model key, in report order.</summary>
    public static readonly string[] Models = ["wals", "popularity", "random", "twotower", "wals_twotower"];

    /// <summary>Weight of the two-tower in the WALS + two-tower blend.</summary>
    public const float HybridWeight = 0.3f;

    /// <summary>Parses <c>--models</c>: known names, no repeats, in the order given.</summary>
    public static string[] ParseModels(string text)
    {
        var names = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        foreach (var name in names)
        {
            if (!Models.Contains(name, StringComparer.Ordinal))
            {
                throw new CliException($"--models: unknown model '{name}'; choose from {string.Join(", ", Models)}.");
            }
        }

        if (names.Length == 0)
        {
            throw new CliException("--models: name at least one model.");
        }

        if (names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } repeated)
        {
            throw new CliException($"--models: '{repeated.Key}' is listed more than once.");
        }

        if (names.Contains("wals_twotower") && !(names.Contains("wals") && names.Contains("twotower")))
        {
            throw new CliException("--models: wals_twotower blends wals and twotower; list both too.");
        }

        return names;
    }

    /// <summary>The title embedding of every video with a title (all-MiniLM-L6-v2), with a progress bar.</summary>
    public static Dictionary<string, float[]> TitleEmbeddings(Dataset dataset, CancellationToken cancellationToken)
    {
        var videos = dataset.Videos.Values.Where(v => EmbeddingText.Of(v, VideoTextField.Title).Length > 0).OrderBy(v => v.Id, StringComparer.Ordinal).ToList();
        using var encoder = new MiniLmEmbeddingGenerator();
        var vectors = Commands.EmbedCommands.Embed(encoder, [.. videos.Select(v => EmbeddingText.Of(v, VideoTextField.Title))], "Embedding titles", cancellationToken);
        return videos.Select((v, i) => (v.Id, vectors[i])).ToDictionary(p => p.Id, p => p.Item2, StringComparer.Ordinal);
    }

    /// <summary>The factories for <paramref name="names"/>, WALS and two-tower remembered for the blend.</summary>
    public static List<IModelFactory> Factories(IReadOnlyList<string> names, WalsOptions wals, Func<TwoTowerFactory> twoTower)
    {
        var walsFactory = new RememberingFactory(new WalsFactory(wals));
        var twoTowerFactory = new Lazy<RememberingFactory>(() => new RememberingFactory(twoTower()));
        var factories = new List<IModelFactory>();
        foreach (var name in names.Where(n => n != "wals_twotower"))
        {
            factories.Add(name switch
            {
                "wals" => walsFactory,
                "popularity" => new PopularityFactory(),
                "random" => new RandomFactory(),
                _ => twoTowerFactory.Value,
            });
        }

        if (names.Contains("wals_twotower"))
        {
            factories.Add(new HybridFactory("wals_twotower", walsFactory, twoTowerFactory.Value, HybridWeight));
        }

        return factories;
    }

    /// <summary>
    /// Runs the cold-start measurements; on data too small for them (no held-out user with more than 5 interactions),
    /// says so and returns <c>{"new_users": null, "new_videos": null, "skipped": reason}</c> instead of failing the run.
    /// </summary>
    public static JsonObject ColdStartOrSkip(Dataset dataset, DatasetPairs data, IReadOnlyDictionary<string, float[]> titles, TwoTowerOptions options,
        WalsOptions wals, int seed, int k, CancellationToken cancellationToken)
    {
        try
        {
            return ColdStart(dataset, data, titles, options, wals, seed, k, cancellationToken);
        }
        catch (InsufficientDataException e)
        {
            AnsiConsole.MarkupLine($"[yellow]Cold start skipped[/]: {Markup.Escape(e.Message)} (the data is too small; --no-cold-start skips this step).");
            return new JsonObject { ["new_users"] = null, ["new_videos"] = null, ["skipped"] = e.Message };
        }
    }

    /// <summary>Runs the new-user and new-video cold-start measurements, prints them and returns the JSON node.</summary>
    public static JsonObject ColdStart(Dataset dataset, DatasetPairs data, IReadOnlyDictionary<string, float[]> titles, TwoTowerOptions options,
        WalsOptions wals, int seed, int k, CancellationToken cancellationToken)
    {
        var (users, videos) = ConsoleProgress.Run(scope =>
        {
            var line = scope.Add("Cold start: new users", options.Epochs * 2);
            var done = 0;
            var epochs = new InlineProgress<TwoTowerEpoch>(e =>
            {
                line.Value = ++done;
                line.Description = $"Cold start: epoch {e.Epoch}, loss {e.Loss:F3}";
            });
            var newUsers = TwoTowerColdStart.NewUsers(dataset, data, titles, MiniLmEmbeddingGenerator.DefaultModelId, MiniLmEmbeddingGenerator.Dimensions, options, wals, seed, k, epochs, cancellationToken);
            line.Description = "Cold start: new videos";
            var newVideos = TwoTowerColdStart.NewVideos(dataset, data, titles, MiniLmEmbeddingGenerator.DefaultModelId, MiniLmEmbeddingGenerator.Dimensions, options, seed, k, epochs, cancellationToken);
            line.Complete();
            return (newUsers, newVideos);
        });

        var table = new Table().Border(TableBorder.Rounded).Title($"New users ({users.Users} held out, first 5 known, seed {seed})")
            .AddColumn("Method").AddColumn(new TableColumn($"nDCG@{k}").RightAligned()).AddColumn(new TableColumn($"P@{k}").RightAligned());
        foreach (var (name, result) in users.Methods)
        {
            table.AddRow(name, result.Ndcg.ToString("F4", System.Globalization.CultureInfo.InvariantCulture), result.Precision.ToString("F4", System.Globalization.CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"New videos ({videos.Videos} held out of training, embedded from content): [bold]{videos.HitRate:P1}[/] of their {videos.Pairs:N0} relevant pairs are in the user's top {k} of the new videos, against {videos.Random:P1} at random." +
            (videos.Random >= 1 ? $" [yellow]k = {k} covers every new video, so this figure says nothing; use a smaller --k.[/]" : ""));

        var newUsers = new JsonObject();
        foreach (var (name, result) in users.Methods)
        {
            newUsers[name] = Math.Round(result.Ndcg, 6);
        }

        newUsers["precision"] = new JsonObject(users.Methods.Select(m => KeyValuePair.Create(m.Key, (JsonNode?)Math.Round(m.Value.Precision, 6))));
        newUsers["users"] = users.Users;
        newUsers["seed"] = seed;
        return new JsonObject
        {
            ["new_users"] = newUsers,
            ["new_videos"] = new JsonObject { ["hit_rate"] = Math.Round(videos.HitRate, 6), ["random"] = Math.Round(videos.Random, 6), ["videos"] = videos.Videos, ["pairs"] = videos.Pairs, ["k"] = videos.K },
        };
    }
}
