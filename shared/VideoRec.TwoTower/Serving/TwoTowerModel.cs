using VideoRec.Core.Features;
using VideoRec.TwoTower.Features;
using VideoRec.TwoTower.Onnx;
using VideoRec.TwoTower.Towers;

namespace VideoRec.TwoTower.Serving;

/// <summary>
/// A trained two-tower model as serving loads it: the feature spec and both towers as ONNX files (no TorchSharp).
/// The user tower runs at request time; the video tower runs offline to fill the vector index. Files in a model
/// folder: <c>features.json</c>, <c>user_tower.onnx</c>, <c>video_tower.onnx</c>; each tower records the spec's
/// fingerprint in its metadata and loading refuses a mismatch.
/// </summary>
public sealed class TwoTowerModel : IDisposable
{
    /// <summary>Metadata key of the feature spec fingerprint in each exported tower.</summary>
    public const string SpecFingerprintKey = "videorec.feature_spec";

    /// <summary>
    /// Metadata key of the training run in each exported tower (a hash of both towers' weights), so that towers of two
    /// different trainings are never paired.
    /// </summary>
    public const string TrainingRunKey = "videorec.training_run";

    /// <summary>File name of the feature spec.</summary>
    public const string SpecFile = "features.json";

    /// <summary>File name of the user tower.</summary>
    public const string UserTowerFile = "user_tower.onnx";

    /// <summary>File name of the video tower.</summary>
    public const string VideoTowerFile = "video_tower.onnx";

    private TwoTowerModel(FeatureSpec spec, OnnxTower user, OnnxTower video)
    {
        Encoder = new TwoTowerEncoder(spec);
        UserTower = user;
        VideoTower = video;
    }

    /// <summary>The encoder (and through it the spec).</summary>
    public TwoTowerEncoder Encoder { get; }

    /// <summary>The user tower.</summary>
    public OnnxTower UserTower { get; }

    /// <summary>The video tower.</summary>
    public OnnxTower VideoTower { get; }

    /// <summary>Width of the shared embedding space.</summary>
    public int Dimensions => UserTower.OutputDimensions;

    /// <summary>Writes the spec and both towers to <paramref name="folder"/> (created if needed).</summary>
    public static void Save(string folder, FeatureSpec spec, TowerWeights user, TowerWeights video)
    {
        Directory.CreateDirectory(folder);
        var metadata = Metadata(spec, user, video);
        spec.Save(Path.Combine(folder, SpecFile));
        TowerOnnxExporter.Export(user, Path.Combine(folder, UserTowerFile), metadata);
        TowerOnnxExporter.Export(video, Path.Combine(folder, VideoTowerFile), metadata);
    }

    /// <summary>Builds a model in memory from trained weights (export to ONNX bytes, then load).</summary>
    public static TwoTowerModel FromWeights(FeatureSpec spec, TowerWeights user, TowerWeights video, OnnxTowerOptions? options = null)
    {
        var metadata = Metadata(spec, user, video);
        return new TwoTowerModel(spec, OnnxTower.Load(TowerOnnxExporter.ExportToBytes(user, metadata), options), OnnxTower.Load(TowerOnnxExporter.ExportToBytes(video, metadata), options));
    }

    /// <summary>The metadata both towers carry: the spec fingerprint and the training run (a hash of both towers' weights).</summary>
    private static Dictionary<string, string> Metadata(FeatureSpec spec, TowerWeights user, TowerWeights video)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var weights in new[] { user, video })
        {
            foreach (var (_, values) in weights.Tables.OrderBy(t => t.Key, StringComparer.Ordinal))
            {
                hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
            }

            foreach (var layer in weights.Layers)
            {
                hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(layer.Weight.AsSpan()));
                hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(layer.Bias.AsSpan()));
            }
        }

        return new Dictionary<string, string> { [SpecFingerprintKey] = spec.Fingerprint, [TrainingRunKey] = Convert.ToHexStringLower(hash.GetHashAndReset())[..16] };
    }

    /// <summary>Loads a model folder written by <see cref="Save"/>.</summary>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="InvalidDataException">
    /// The spec is invalid, a tower was exported with another spec, a file holds the other tower, or the two towers come
    /// from different trainings.
    /// </exception>
    public static TwoTowerModel Load(string folder, OnnxTowerOptions? options = null)
    {
        var spec = FeatureSpec.Load(Path.Combine(folder, SpecFile));
        var user = OnnxTower.Load(Path.Combine(folder, UserTowerFile), options);
        var video = OnnxTower.Load(Path.Combine(folder, VideoTowerFile), options);
        string? Problem()
        {
            foreach (var (tower, file, name) in new[] { (user, UserTowerFile, TowerLayout.UserTower), (video, VideoTowerFile, TowerLayout.VideoTower) })
            {
                if (tower.Layout.Name != name)
                {
                    return $"{Path.Combine(folder, file)} holds the {tower.Layout.Name} tower, not the {name} tower.";
                }

                if (!tower.Metadata.TryGetValue(SpecFingerprintKey, out var fingerprint) || fingerprint != spec.Fingerprint)
                {
                    return $"{Path.Combine(folder, file)} was exported with feature spec {fingerprint ?? "(none)"}, but {SpecFile} is {spec.Fingerprint}.";
                }
            }

            var userRun = user.Metadata.GetValueOrDefault(TrainingRunKey);
            var videoRun = video.Metadata.GetValueOrDefault(TrainingRunKey);
            return userRun is null || userRun != videoRun
                ? $"{Path.Combine(folder, UserTowerFile)} (training run {userRun ?? "none"}) and {VideoTowerFile} (training run {videoRun ?? "none"}) come from different trainings."
                : null;
        }

        if (Problem() is { } problem)
        {
            user.Dispose();
            video.Dispose();
            throw new InvalidDataException(problem);
        }

        return new TwoTowerModel(spec, user, video);
    }

    /// <summary>Embeds users in batches. Returns <c>[users, d]</c>.</summary>
    public float[] EmbedUsers(IReadOnlyList<UserFeatures> users, int batchSize = 1024) =>
        Batched(users.Count, batchSize, Dimensions, (start, count) => UserTower.Embed(Encoder.Users([.. users.Skip(start).Take(count)])));

    /// <summary>Embeds videos in batches. Returns <c>[videos, d]</c>.</summary>
    public float[] EmbedVideos(IReadOnlyList<VideoFeatures> videos, int batchSize = 1024) =>
        Batched(videos.Count, batchSize, Dimensions, (start, count) => VideoTower.Embed(Encoder.Videos([.. videos.Skip(start).Take(count)])));

    private static float[] Batched(int total, int batchSize, int d, Func<int, int, float[]> run)
    {
        var output = new float[total * d];
        for (var start = 0; start < total; start += batchSize)
        {
            var count = Math.Min(batchSize, total - start);
            run(start, count).CopyTo(output, start * d);
        }

        return output;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        UserTower.Dispose();
        VideoTower.Dispose();
    }
}
