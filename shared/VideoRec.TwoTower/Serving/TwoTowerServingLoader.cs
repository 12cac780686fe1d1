using VideoRec.Core.Bundles;
using VideoRec.Core.CandidateGeneration.Index;
using VideoRec.Core.Ingestion;
using VideoRec.Core.Matrix;
using VideoRec.Core.Serving.Recommend;
using VideoRec.TwoTower.Features;

namespace VideoRec.TwoTower.Serving;

/// <summary>
/// The two-tower part of a serving model, from the bundle's <c>twotower/</c> folder (written by <c>vrec train
/// --two-tower</c>): the video tower's embeddings of the catalogue for the ANN index, and the user tower on ONNX Runtime
/// for the query vector of each request.
/// </summary>
public static class TwoTowerServingLoader
{
    /// <summary>The folder inside a bundle.</summary>
    public const string Folder = "twotower";

    /// <summary>The catalogue's video embeddings, little-endian float32 <c>[videos, d]</c>.</summary>
    public const string EmbeddingsFile = "video_embeddings.f32";

    /// <summary>The video ids of the embeddings' rows, one per line.</summary>
    public const string IdsFile = "video_ids.txt";

    /// <summary>The two-tower part of <paramref name="bundle"/>, or <c>null</c> when it has none (or was not loaded from a folder).</summary>
    /// <exception cref="InvalidDataException">A file is missing or has the wrong size, or the towers do not belong together; the message names the file.</exception>
    public static TwoTowerServing? Load(ModelBundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        if (bundle.SourceDirectory is not { } directory || !File.Exists(Path.Combine(directory, Folder, TwoTowerModel.SpecFile)))
        {
            return null;
        }

        var folder = Path.Combine(directory, Folder);
        var model = TwoTowerModel.Load(folder);
        try
        {
            var idsPath = Path.Combine(folder, IdsFile);
            var embeddingsPath = Path.Combine(folder, EmbeddingsFile);
            if (!File.Exists(idsPath) || !File.Exists(embeddingsPath))
            {
                throw new InvalidDataException($"{folder}: {IdsFile} and {EmbeddingsFile} are both required beside the towers.");
            }

            var ids = File.ReadAllLines(idsPath);
            var bytes = File.ReadAllBytes(embeddingsPath);
            var d = model.Dimensions;
            if (bytes.LongLength != (long)ids.Length * d * sizeof(float))
            {
                throw new InvalidDataException($"{embeddingsPath}: {bytes.LongLength} bytes, expected {ids.Length} videos × {d} float32 = {(long)ids.Length * d * sizeof(float)}.");
            }

            var rows = new float[ids.Length * d];
            Buffer.BlockCopy(bytes, 0, rows, 0, bytes.Length);
            return new TwoTowerServing(new VideoVectorTable(new IdIndex(ids), rows, d), new OnnxUserEmbedder(model));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}

/// <summary>
/// The user tower at request time: the user's profile, recent watches, likes and unclicked impressions (oldest
/// first, from the feature store's aggregates), the request time and device, encoded with the bundle's feature
/// specification and run on ONNX Runtime. One request at a time per process (the run takes well under a millisecond).
/// </summary>
/// <param name="model">The loaded towers (disposed with this embedder).</param>
public sealed class OnnxUserEmbedder(TwoTowerModel model) : IUserEmbedder, IDisposable
{
    private readonly Lock _gate = new();

    /// <inheritdoc />
    public int Dimensions => model.Dimensions;

    /// <inheritdoc />
    public ValueTask<float[]?> EmbedAsync(UserEmbeddingInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        static IReadOnlyList<string> OldestFirst(IEnumerable<RecentItem>? newestFirst) =>
            newestFirst is null ? [] : [.. newestFirst.Select(i => i.VideoId).OfType<string>().Reverse()];
        var aggregates = input.Aggregates;
        var features = new UserFeatures(input.UserId, input.Profile, input.Now, input.Device,
            OldestFirst(aggregates?.Watched), OldestFirst(aggregates?.Liked), OldestFirst(aggregates?.Impressed), null);
        lock (_gate)
        {
            return ValueTask.FromResult<float[]?>(model.EmbedUsers([features]));
        }
    }

    /// <summary>Disposes the towers.</summary>
    public void Dispose() => model.Dispose();
}
