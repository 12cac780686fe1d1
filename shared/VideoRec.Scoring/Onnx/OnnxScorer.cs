using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using VideoRec.Core.Scoring;

namespace VideoRec.Scoring.Onnx;

/// <summary>
/// A ranker exported by <see cref="RankerOnnxExporter"/>, run with ONNX Runtime on the CPU: one batch per request,
/// <c>[candidates, features]</c> in, <c>[candidates]</c> scores out, written in place. The feature layout and the
/// normalization stats are read back from the model's metadata and checked against its input.
/// </summary>
/// <remarks>Thread-safe: <see cref="Score"/> may be called concurrently (one <see cref="InferenceSession"/>).</remarks>
public sealed class OnnxScorer : IDisposable
{
    private static readonly string[] InputNames = [RankerOnnxExporter.InputName];
    private static readonly string[] OutputNames = [RankerOnnxExporter.ScoreName];
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private int _disposed;

    private OnnxScorer(InferenceSession session, string source)
    {
        _session = session;
        try
        {
            var metadata = session.ModelMetadata.CustomMetadataMap;
            if (!metadata.TryGetValue(RankerOnnxExporter.FeaturesKey, out var features) || !metadata.TryGetValue(RankerOnnxExporter.NormalizationKey, out var stats)
                || !metadata.TryGetValue(RankerOnnxExporter.RankerKey, out var ranker))
            {
                throw new InvalidDataException($"The model '{source}' lacks the ranker metadata ({RankerOnnxExporter.FeaturesKey}, {RankerOnnxExporter.NormalizationKey}, {RankerOnnxExporter.RankerKey}): it was not exported by RankerOnnxExporter.");
            }

            Features = ScoringFeatures.FromJson(features);
            Normalization = NormalizationStats.FromJson(stats);
            Description = JsonSerializer.Deserialize<RankerDescription>(ranker) ?? throw new InvalidDataException($"The model '{source}' has an empty ranker description.");
            if (Description.version != RankerOnnxExporter.Version)
            {
                throw new InvalidDataException($"The model '{source}' is ranker version {Description.version}; this build reads version {RankerOnnxExporter.Version}.");
            }

            if (Description.fingerprint != Features.Fingerprint || Normalization.Features != Features.Count)
            {
                throw new InvalidDataException($"The model '{source}' has a feature layout, normalization stats and ranker description that do not belong together.");
            }

            if (!session.InputMetadata.TryGetValue(RankerOnnxExporter.InputName, out var input) || input.Dimensions.Length != 2 || input.Dimensions[1] != Features.Count)
            {
                throw new InvalidDataException($"The model '{source}' has no input '{RankerOnnxExporter.InputName}' of shape [batch, {Features.Count}].");
            }
        }
        catch (Exception e) when (e is JsonException)
        {
            Dispose();
            throw new InvalidDataException($"The model '{source}' has an unreadable ranker description: {e.Message}", e);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The feature layout the rows must follow.</summary>
    public ScoringFeatures Features { get; }

    /// <summary>The normalization stats the graph applies.</summary>
    public NormalizationStats Normalization { get; }

    /// <summary>Architecture, version and score weights.</summary>
    public RankerDescription Description { get; }

    /// <summary>Loads the model in <paramref name="path"/>.</summary>
    /// <param name="path">The <c>.onnx</c> file.</param>
    /// <param name="intraOpThreads">ONNX Runtime threads per call (1 suits serving many concurrent requests).</param>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">The file is not an ONNX model ONNX Runtime can load, or lacks valid ranker metadata (the message names the file).</exception>
    public static OnnxScorer Load(string path, int intraOpThreads = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The ranker model '{path}' does not exist.", path);
        }

        using var options = Options(intraOpThreads);
        InferenceSession session;
        try
        {
            session = new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"The ranker model '{path}' cannot be loaded: {e.Message}", e);
        }

        return new OnnxScorer(session, path);
    }

    /// <summary>Loads a model from its bytes (see <see cref="RankerOnnxExporter.ExportToBytes"/>).</summary>
    /// <exception cref="InvalidDataException">The model lacks valid ranker metadata.</exception>
    public static OnnxScorer Load(byte[] model, int intraOpThreads = 1)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var options = Options(intraOpThreads);
        return new OnnxScorer(new InferenceSession(model, options), "<bytes>");
    }

    /// <summary>Scores <paramref name="candidates"/> rows of <paramref name="rows"/> in one batch.</summary>
    /// <param name="rows">Raw feature rows, <c>[candidates, features]</c> row-major (at least that many floats; the array is read in place).</param>
    /// <param name="candidates">Number of rows, at least 1.</param>
    /// <param name="scores">Receives <c>[candidates]</c> scores (higher is better).</param>
    /// <exception cref="ArgumentException">A buffer is too short, or <paramref name="candidates"/> is below 1.</exception>
    /// <exception cref="ObjectDisposedException">The scorer was disposed.</exception>
    public unsafe void Score(float[] rows, int candidates, Span<float> scores)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ArgumentOutOfRangeException.ThrowIfLessThan(candidates, 1);
        var f = Features.Count;
        if (rows.LongLength < (long)candidates * f || scores.Length < candidates)
        {
            throw new ArgumentException($"{candidates} candidates need {(long)candidates * f} feature values and {candidates} score slots; got {rows.LongLength} and {scores.Length}.");
        }

        fixed (float* input = rows)
        fixed (float* output = scores)
        {
            using var inputValue = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, TensorElementType.Float, [candidates, f], (nint)input, (long)candidates * f * sizeof(float));
            using var outputValue = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, TensorElementType.Float, [candidates, 1], (nint)output, (long)candidates * sizeof(float));
            _session.Run(_runOptions, InputNames, [inputValue], OutputNames, [outputValue]);
        }
    }

    /// <summary>Releases the session.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _session.Dispose();
        _runOptions.Dispose();
    }

    private static SessionOptions Options(int intraOpThreads)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(intraOpThreads);
        return new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = intraOpThreads,
            InterOpNumThreads = 1,
        };
    }
}
