using System.Collections.ObjectModel;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using VideoRec.TwoTower.Towers;

namespace VideoRec.TwoTower.Onnx;

/// <summary>Options of an <see cref="OnnxTower"/>.</summary>
public sealed record OnnxTowerOptions
{
    /// <summary>ONNX Runtime threads used by one call (intra-op parallelism); 1 by default, which suits serving many concurrent calls.</summary>
    public int IntraOpThreads { get; init; } = 1;
}

/// <summary>
/// A tower exported by <see cref="TowerOnnxExporter"/>, run with ONNX Runtime on the CPU (graph optimisation level
/// "all"). The layout is read back from the model's metadata.
/// </summary>
/// <remarks>
/// <para>
/// Inputs are checked against the layout before the model runs, with the same rules and exceptions as
/// <see cref="TowerReference.Forward"/>: a missing, unknown or wrongly sized input is an
/// <see cref="ArgumentException"/> naming it, an index outside its table an <see cref="ArgumentOutOfRangeException"/>
/// naming the input (ONNX Gather would otherwise read negative indices from the end of the table).
/// </para>
/// <para>
/// Thread safety: <see cref="Embed(TowerInputs)"/> and <see cref="Embed(TowerInputs, Span{float})"/> may be called
/// concurrently (one <see cref="InferenceSession"/>, whose Run is thread-safe); each call runs on the calling thread
/// with <see cref="OnnxTowerOptions.IntraOpThreads"/> ONNX Runtime threads. Do not call <see cref="Dispose"/> while
/// calls are running.
/// </para>
/// </remarks>
public sealed class OnnxTower : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _outputNames = [TowerLayout.OutputName];
    private readonly TowerLayout _layout;
    private int _disposed;

    private OnnxTower(InferenceSession session, string source)
    {
        _session = session;
        try
        {
            var metadata = session.ModelMetadata.CustomMetadataMap;
            Metadata = new ReadOnlyDictionary<string, string>(new Dictionary<string, string>(metadata, StringComparer.Ordinal));
            if (!metadata.TryGetValue(TowerOnnxExporter.LayoutMetadataKey, out var json))
            {
                throw new InvalidDataException($"The model '{source}' has no '{TowerOnnxExporter.LayoutMetadataKey}' metadata: it was not exported by TowerOnnxExporter.");
            }

            try
            {
                // A private copy drives input checks, so changes a caller makes to the public Layout cannot affect them.
                _layout = TowerLayout.FromJson(json);
                _layout.Validate();
                Layout = TowerLayout.FromJson(json);
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or ArgumentException)
            {
                throw new InvalidDataException($"The model '{source}' has an invalid layout in its metadata: {e.Message}", e);
            }

            CheckSignature(session, _layout, source);
            InputNames = [.. _layout.InputNames];
        }
        catch
        {
            _session.Dispose();
            _runOptions.Dispose();
            throw;
        }
    }

    /// <summary>The tower's architecture, read from the model's metadata (a copy: changing it does not change the tower).</summary>
    public TowerLayout Layout { get; }

    /// <summary>All metadata_props of the model: the layout JSON under <see cref="TowerOnnxExporter.LayoutMetadataKey"/> and any extra entries given to the exporter.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The width of an embedding, <c>out</c> = <see cref="TowerLayout.OutputDimensions"/>.</summary>
    public int OutputDimensions => _layout.OutputDimensions;

    private string[] InputNames { get; }

    /// <summary>Loads the exported tower in the file <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="InvalidDataException">The model has no valid layout metadata, or its inputs and output do not match the layout.</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime cannot load the model.</exception>
    public static OnnxTower Load(string path, OnnxTowerOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The tower model '{path}' does not exist.", path);
        }

        using var sessionOptions = CreateSessionOptions(options);
        return new OnnxTower(new InferenceSession(path, sessionOptions), path);
    }

    /// <summary>Loads an exported tower from its bytes (see <see cref="TowerOnnxExporter.ExportToBytes"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="InvalidDataException">The model has no valid layout metadata, or its inputs and output do not match the layout.</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime cannot load the model.</exception>
    public static OnnxTower Load(byte[] model, OnnxTowerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var sessionOptions = CreateSessionOptions(options);
        return new OnnxTower(new InferenceSession(model, sessionOptions), "<bytes>");
    }

    /// <summary>Runs the tower on a batch.</summary>
    /// <param name="inputs">The batch; see <see cref="TowerInputs"/>.</param>
    /// <returns>The embeddings, <c>[batch, out]</c> row-major, each row of unit length or all zeros.</returns>
    /// <exception cref="ArgumentException">An input of the layout is missing, an input is unknown, or one has the wrong length; <see cref="ArgumentException.ParamName"/> is its name.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside its table; <see cref="ArgumentException.ParamName"/> is the input's name.</exception>
    /// <exception cref="ObjectDisposedException">The tower was disposed.</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime failed.</exception>
    public float[] Embed(TowerInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var output = new float[inputs.BatchSize * OutputDimensions];
        Embed(inputs, output);
        return output;
    }

    /// <summary>
    /// Runs the tower on a batch, writing the embeddings into <paramref name="destination"/>: the allocation-light
    /// path (the inputs are read in place, the output is written in place), for example for one example at a time
    /// with a reused buffer.
    /// </summary>
    /// <param name="inputs">The batch; see <see cref="TowerInputs"/>.</param>
    /// <param name="destination">At least <c>batch × out</c> floats; the first <c>batch × out</c> receive <c>[batch, out]</c> row-major.</param>
    /// <exception cref="ArgumentException">An input of the layout is missing, an input is unknown, or one has the wrong length (<see cref="ArgumentException.ParamName"/> is its name); or <paramref name="destination"/> is too short.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside its table; <see cref="ArgumentException.ParamName"/> is the input's name.</exception>
    /// <exception cref="ObjectDisposedException">The tower was disposed.</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime failed.</exception>
    public unsafe void Embed(TowerInputs inputs, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var layout = _layout;
        inputs.Validate(layout);

        var batch = inputs.BatchSize;
        var outputLength = batch * OutputDimensions;
        if (destination.Length < outputLength)
        {
            throw new ArgumentException($"The destination has {destination.Length} floats; [batch, out] needs {batch} × {OutputDimensions} = {outputLength}.", nameof(destination));
        }

        var values = new OrtValue[InputNames.Length];
        try
        {
            var k = 0;
            foreach (var categorical in layout.Categoricals)
            {
                values[k++] = OrtValue.CreateTensorValueFromMemory(inputs.Categoricals[categorical.Name], [batch]);
            }

            foreach (var bag in layout.Bags)
            {
                var input = inputs.Bags[bag.Name];
                values[k++] = input.Length > 0
                    ? OrtValue.CreateTensorValueFromMemory(input.Ids, [batch, input.Length])
                    : OrtValue.CreateTensorValueFromMemory(EmptyBag(batch), [batch, 1]); // every row empty: one padding column, same result
            }

            foreach (var dense in layout.Denses)
            {
                values[k++] = OrtValue.CreateTensorValueFromMemory(inputs.Denses[dense.Name], [batch, dense.Width]);
            }

            fixed (float* output = destination)
            {
                using var outputValue = OrtValue.CreateTensorValueWithData(
                    OrtMemoryInfo.DefaultInstance, TensorElementType.Float, [batch, OutputDimensions], (nint)output, (long)outputLength * sizeof(float));
                _session.Run(_runOptions, InputNames, values, _outputNames, [outputValue]);
            }
        }
        finally
        {
            foreach (var value in values)
            {
                value?.Dispose();
            }
        }
    }

    /// <summary>Releases the ONNX Runtime session. Do not call it while calls are running.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _session.Dispose();
        _runOptions.Dispose();
    }

    private static long[] EmptyBag(int batch)
    {
        var ids = new long[batch];
        Array.Fill(ids, TowerLayout.Padding);
        return ids;
    }

    private static SessionOptions CreateSessionOptions(OnnxTowerOptions? options)
    {
        options ??= new OnnxTowerOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.IntraOpThreads, nameof(options.IntraOpThreads));
        return new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = 1,
        };
    }

    private static void CheckSignature(InferenceSession session, TowerLayout layout, string source)
    {
        var expected = new Dictionary<string, (TensorElementType Type, int Rank)>(StringComparer.Ordinal);
        foreach (var categorical in layout.Categoricals)
        {
            expected[categorical.Name] = (TensorElementType.Int64, 1);
        }

        foreach (var bag in layout.Bags)
        {
            expected[bag.Name] = (TensorElementType.Int64, 2);
        }

        foreach (var dense in layout.Denses)
        {
            expected[dense.Name] = (TensorElementType.Float, 2);
        }

        foreach (var (name, meta) in session.InputMetadata)
        {
            if (!expected.Remove(name, out var want) || !meta.IsTensor || meta.ElementDataType != want.Type || meta.Dimensions.Length != want.Rank)
            {
                throw new InvalidDataException($"The model '{source}' has the input '{name}' that its layout does not describe (or not with that type and rank).");
            }
        }

        if (expected.Count > 0)
        {
            throw new InvalidDataException($"The model '{source}' lacks the input(s) {string.Join(", ", expected.Keys.Select(k => $"'{k}'"))} of its layout.");
        }

        if (!session.OutputMetadata.TryGetValue(TowerLayout.OutputName, out var output) || output.ElementDataType != TensorElementType.Float
            || output.Dimensions.Length != 2 || output.Dimensions[1] != layout.OutputDimensions)
        {
            throw new InvalidDataException($"The model '{source}' has no float output '{TowerLayout.OutputName}' of shape [batch, {layout.OutputDimensions}].");
        }
    }
}
