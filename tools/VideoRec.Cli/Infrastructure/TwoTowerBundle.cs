using System.Text.Json.Nodes;
using Spectre.Console;
using VideoRec.Core.Domain;
using VideoRec.Core.Features;
using VideoRec.Core.Feedback;
using VideoRec.Core.Models.TwoTower;
using VideoRec.Local.Embeddings;
using VideoRec.Training.TwoTower;
using VideoRec.TwoTower.Features;
using VideoRec.TwoTower.Serving;

namespace VideoRec.Cli.Infrastructure;

/// <summary>
/// <c>train --two-tower</c>: trains the two-tower network on all the data and writes what serving loads into the
/// bundle's <c>twotower/</c> folder: <c>features.json</c>, <c>user_tower.onnx</c>, <c>video_tower.onnx</c>, and the video
/// tower's output for the catalogue (<c>video_embeddings.f32</c>, little-endian float32 <c>[videos, d]</c>, rows in the
/// order of <c>video_ids.txt</c>) for the vector index.
/// </summary>
public static class TwoTowerBundle
{
    /// <summary>Trains and writes the folder; returns the JSON summary.</summary>
    /// <param name="dataset">The imported data.</param>
    /// <param name="folder">Target folder (created).</param>
    /// <param name="options">Two-tower options.</param>
    /// <param name="cancellationToken">Stops between epochs.</param>
    /// <param name="titles">Title embeddings when already computed (<c>train --ranker</c> shares them); <c>null</c> computes them.</param>
    public static JsonObject Train(Dataset dataset, string folder, TwoTowerOptions options, CancellationToken cancellationToken, IReadOnlyDictionary<string, float[]>? titles = null)
    {
        titles ??= TwoTowerEvaluation.TitleEmbeddings(dataset, cancellationToken);
        var data = DatasetPairs.From(dataset);
        var table = data.Table;
        var pairs = table.Pairs;
        var spec = FeatureSpecBuilder.Build(dataset, table, pairs as IReadOnlyCollection<PairRecord> ?? [.. pairs], MiniLmEmbeddingGenerator.DefaultModelId, MiniLmEmbeddingGenerator.Dimensions);
        var encoder = new TwoTowerEncoder(spec);
        var result = ConsoleProgress.Run(scope =>
        {
            var line = scope.Add("Two-tower", options.Epochs);
            var trained = TwoTowerTrainer.Fit(encoder, dataset, table, pairs, titles, options.Relevance, data.DurationSeconds, options,
                new InlineProgress<TwoTowerEpoch>(e =>
                {
                    line.Value = e.Epoch;
                    line.Description = $"Two-tower epoch {e.Epoch}/{e.Epochs} · loss {e.Loss:F4} · validation R@10 {e.ValidationRecall:F4}";
                }), cancellationToken: cancellationToken);
            line.Complete();
            return trained;
        });

        TwoTowerModel.Save(folder, spec, result.User, result.Video);
        using var model = TwoTowerModel.Load(folder);
        var features = new DatasetFeatures(dataset, table, UserHistories.Build(pairs, table.Users.Count, options.Relevance, data.DurationSeconds), titles);
        var vectors = model.EmbedVideos([.. Enumerable.Range(0, table.Videos.Count).Select(v => features.Video(v))]);
        var bytes = new byte[vectors.Length * sizeof(float)];
        Buffer.BlockCopy(vectors, 0, bytes, 0, bytes.Length);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("video_embeddings.f32 is written little-endian.");
        }

        File.WriteAllBytes(Path.Combine(folder, "video_embeddings.f32"), bytes);
        File.WriteAllLines(Path.Combine(folder, "video_ids.txt"), table.Videos.Ids);
        AnsiConsole.MarkupLine($"Two-tower: best epoch {result.BestEpoch} of {result.History.Count}; {table.Videos.Count:N0} video embeddings ({model.Dimensions}-d).");
        return new JsonObject
        {
            ["folder"] = Path.GetFullPath(folder),
            ["best_epoch"] = result.BestEpoch,
            ["epochs"] = result.History.Count,
            ["dimensions"] = model.Dimensions,
            ["videos"] = table.Videos.Count,
            ["feature_spec"] = spec.Fingerprint,
        };
    }
}
