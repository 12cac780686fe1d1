using System.Buffers;
using System.Numerics.Tensors;
using FastBertTokenizer;
using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace VideoRec.Local.Embeddings;

/// <summary>
/// Text embeddings from the all-MiniLM-L6-v2 sentence encoder (sentence-transformers), run in process with ONNX
/// Runtime on the CPU: 384 float32 dimensions per text, L2-normalized (unit length), so the dot product of two
/// embeddings is their cosine similarity.
/// </summary>
/// <remarks>
/// <para>
/// Pipeline per text: WordPiece tokenization with bert-base-uncased's lower-casing vocabulary (FastBertTokenizer),
/// [CLS] … [SEP], truncated to <see cref="MiniLmOptions.MaxTokens"/> word pieces (256 by default: longer text is cut,
/// not rejected); the model's first output <c>last_hidden_state</c>, shape [batch, seq, 384]; the mean of its token
/// vectors weighted by the attention mask (mean pooling); division by the L2 norm. That is the pipeline of
/// sentence-transformers' <c>SentenceTransformer("all-MiniLM-L6-v2").encode(text, normalize_embeddings=True)</c>.
/// </para>
/// <para>
/// Empty, whitespace-only and <see langword="null"/> texts, and texts with no word piece at all (only zero-width or
/// format characters, U+FFFD or lone surrogates, which the tokenizer drops), are "unknown": they get the all-zero
/// vector (384 zeros, norm 0) without running the model, so a caller can tell them apart by their norm. Any other text, in any script,
/// with emoji or characters outside the vocabulary ([UNK] pieces), gets a finite unit vector. One known difference
/// from Hugging Face's tokenizer: a single word of more than 100 characters (no space or punctuation in it) is split
/// into word pieces instead of becoming one [UNK].
/// </para>
/// <para>
/// Batching: the texts of one call are tokenized, ordered by token count and sent in groups of at most
/// <see cref="MiniLmOptions.BatchSize"/>, each padded to its longest text; results come back in input order and
/// equal the one-at-a-time results up to float rounding (well within 1e-5).
/// </para>
/// <para>
/// Thread safety: all members may be called concurrently (one <see cref="InferenceSession"/>, whose Run is
/// thread-safe; the tokenizer's span-based Encode writes no tokenizer state). Each call runs on the calling thread,
/// using <see cref="MiniLmOptions.IntraOpThreads"/> ONNX Runtime threads. Do not call <see cref="Dispose"/> while
/// calls are running.
/// </para>
/// </remarks>
public sealed class MiniLmEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The model id reported in <see cref="Embedding.ModelId"/> and the metadata.</summary>
    public const string DefaultModelId = "all-MiniLM-L6-v2";

    /// <summary>The provider name reported in the metadata.</summary>
    public const string ProviderName = "onnxruntime";

    /// <summary>Dimensions of an embedding (the model's hidden size).</summary>
    public const int Dimensions = 384;

    private readonly InferenceSession _session;
    private readonly BertTokenizer _tokenizer;
    private readonly string _inputIdsName;
    private readonly string _attentionMaskName;
    private readonly string? _tokenTypeIdsName;
    private readonly string _outputName;
    private int _disposed;

    /// <summary>Loads the model from <see cref="MiniLmOptions.ModelPath"/> (default <see cref="MiniLmModelFiles.DefaultPath"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (checked before the model is read).</exception>
    /// <exception cref="FileNotFoundException">The model file is missing.</exception>
    public MiniLmEmbeddingGenerator(MiniLmOptions? options = null)
        : this(MiniLmModelFiles.Load(Validated(options).ModelPath), options)
    {
    }

    /// <summary>Builds the generator from already loaded model files (load them once to build several generators).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="InvalidDataException">The model does not have the inputs and output of a BERT encoder with 384 hidden units.</exception>
    public MiniLmEmbeddingGenerator(MiniLmModelFiles files, MiniLmOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        Options = Validated(options);

        _tokenizer = new BertTokenizer();
        using (var vocabulary = new StringReader(files.Vocabulary))
        {
            _tokenizer.LoadVocabulary(vocabulary, convertInputToLowercase: true);
        }

        using var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = Options.IntraOpThreads,
            InterOpNumThreads = 1,
        };
        _session = new InferenceSession(files.Model, sessionOptions);
        try
        {
            var inputs = _session.InputMetadata;
            _inputIdsName = FindInput(inputs.Keys, "input_ids") ?? throw new InvalidDataException($"The model '{files.Source}' has no input_ids input.");
            _attentionMaskName = FindInput(inputs.Keys, "attention_mask") ?? throw new InvalidDataException($"The model '{files.Source}' has no attention_mask input.");
            _tokenTypeIdsName = FindInput(inputs.Keys, "token_type_ids");
            foreach (var (name, meta) in inputs)
            {
                if (name != _inputIdsName && name != _attentionMaskName && name != _tokenTypeIdsName)
                {
                    throw new InvalidDataException($"The model '{files.Source}' has an unexpected input '{name}'.");
                }

                if (meta.ElementDataType != TensorElementType.Int64)
                {
                    throw new InvalidDataException($"The model '{files.Source}' input '{name}' is {meta.ElementDataType}, not int64.");
                }
            }

            _outputName = _session.OutputNames[0];
            var outputShape = _session.OutputMetadata[_outputName].Dimensions;
            if (outputShape.Length != 3 || outputShape[2] != Dimensions)
            {
                throw new InvalidDataException(
                    $"The model '{files.Source}' first output '{_outputName}' has shape [{string.Join(", ", outputShape)}], not [batch, seq, {Dimensions}].");
            }
        }
        catch
        {
            _session.Dispose();
            throw;
        }

        Metadata = new EmbeddingGeneratorMetadata(ProviderName, providerUri: null, DefaultModelId, Dimensions);
    }

    /// <summary>The options in force (validated).</summary>
    public MiniLmOptions Options { get; }

    /// <summary>Provider "onnxruntime", model id "all-MiniLM-L6-v2", 384 dimensions.</summary>
    public EmbeddingGeneratorMetadata Metadata { get; }

    /// <summary>
    /// Embeds <paramref name="values"/>: one <see cref="Embedding{T}"/> of 384 floats per text, in input order, each
    /// of L2 norm 1, or all zeros for an empty or whitespace-only text or one without word pieces ("unknown"). <see cref="GeneratedEmbeddings{T}.Usage"/>
    /// counts the word pieces fed to the model, [CLS] and [SEP] included. The work runs synchronously on the calling
    /// thread; the returned task is already completed.
    /// </summary>
    /// <exception cref="NotSupportedException"><paramref name="options"/> asks for other dimensions or another model.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (checked between and during batches).</exception>
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (options?.Dimensions is int dimensions && dimensions != Dimensions)
        {
            throw new NotSupportedException($"{DefaultModelId} embeddings have {Dimensions} dimensions, not {dimensions}.");
        }

        if (options?.ModelId is { } modelId && !string.Equals(modelId, DefaultModelId, StringComparison.OrdinalIgnoreCase))
        {
            throw new NotSupportedException($"This generator runs {DefaultModelId}, not '{modelId}'.");
        }

        var texts = values as IReadOnlyList<string> ?? values.ToArray();
        var vectors = Embed(texts, out var tokenCount, cancellationToken);
        var created = DateTimeOffset.UtcNow;
        var result = new GeneratedEmbeddings<Embedding<float>>(vectors.Length)
        {
            Usage = new UsageDetails { InputTokenCount = tokenCount, TotalTokenCount = tokenCount },
        };
        foreach (var vector in vectors)
        {
            result.Add(new Embedding<float>(vector) { ModelId = DefaultModelId, CreatedAt = created });
        }

        return Task.FromResult(result);
    }

    /// <summary>
    /// Embeds <paramref name="texts"/> synchronously: one float[384] per text, in input order, L2 norm 1, or all
    /// zeros for a <see langword="null"/>, empty or whitespace-only text or one without word pieces.
    /// </summary>
    public float[][] Embed(IReadOnlyList<string?> texts, CancellationToken cancellationToken = default) =>
        Embed(texts, out _, cancellationToken);

    /// <summary>The id of the [UNK] piece in the model's vocabulary: words it cannot spell from its pieces (most non-Latin scripts, emoji).</summary>
    public const long UnknownTokenId = 100;

    /// <summary>
    /// The model input ids of <paramref name="text"/>: [CLS] (101), the word pieces, [SEP] (102), truncated to
    /// <see cref="MiniLmOptions.MaxTokens"/> ids; empty for a text without word pieces — empty, whitespace-only, or
    /// only characters the tokenizer drops (zero-width and format characters, U+FFFD, lone surrogates) — which is not
    /// embedded.
    /// </summary>
    public long[] Tokenize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        var ids = new long[Options.MaxTokens];
        var mask = ArrayPool<long>.Shared.Rent(Options.MaxTokens);
        try
        {
            var count = _tokenizer.Encode(text, ids, mask.AsSpan(0, Options.MaxTokens));

            // Only [CLS] [SEP]: the text had no word piece at all (zero-width and format characters, U+FFFD, lone
            // surrogates are dropped), so it is unknown like an empty text rather than one vector shared by all such texts.
            return count <= 2 ? [] : ids[..count];
        }
        finally
        {
            ArrayPool<long>.Shared.Return(mask);
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(EmbeddingGeneratorMetadata))
        {
            return Metadata;
        }

        if (serviceType == typeof(MiniLmOptions))
        {
            return Options;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>Releases the ONNX Runtime session.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _session.Dispose();
        }
    }

    private float[][] Embed(IReadOnlyList<string?> texts, out long tokenCount, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        cancellationToken.ThrowIfCancellationRequested();

        var results = new float[texts.Count][];
        var tokenized = new long[texts.Count][];
        var pending = new List<int>(texts.Count);
        tokenCount = 0;
        for (var i = 0; i < texts.Count; i++)
        {
            var ids = Tokenize(texts[i]);
            if (ids.Length == 0)
            {
                results[i] = new float[Dimensions]; // unknown: the zero vector
                continue;
            }

            tokenized[i] = ids;
            tokenCount += ids.Length;
            pending.Add(i);
        }

        // Similar lengths together: less padding, same results (padding is masked out of the pooling).
        pending.Sort((a, b) => tokenized[a].Length != tokenized[b].Length
            ? tokenized[a].Length.CompareTo(tokenized[b].Length)
            : a.CompareTo(b));

        for (var start = 0; start < pending.Count; start += Options.BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = pending.GetRange(start, Math.Min(Options.BatchSize, pending.Count - start));
            RunBatch(batch, tokenized, results, cancellationToken);
        }

        return results;
    }

    /// <summary>Runs the model on one batch: inputs [batch, seq] int64, output [batch, seq, 384] float32.</summary>
    private void RunBatch(List<int> batch, long[][] tokenized, float[][] results, CancellationToken cancellationToken)
    {
        var batchSize = batch.Count;
        var seq = 0;
        foreach (var index in batch)
        {
            seq = Math.Max(seq, tokenized[index].Length);
        }

        var inputIds = new long[batchSize * seq]; // padding id 0 = [PAD]
        var attentionMask = new long[batchSize * seq];
        for (var b = 0; b < batchSize; b++)
        {
            var ids = tokenized[batch[b]];
            ids.CopyTo(inputIds.AsSpan(b * seq));
            attentionMask.AsSpan(b * seq, ids.Length).Fill(1);
        }

        long[] shape = [batchSize, seq];
        var names = new List<string>(3) { _inputIdsName, _attentionMaskName };
        var values = new List<OrtValue>(3)
        {
            OrtValue.CreateTensorValueFromMemory(inputIds, shape),
            OrtValue.CreateTensorValueFromMemory(attentionMask, shape),
        };
        if (_tokenTypeIdsName is not null)
        {
            names.Add(_tokenTypeIdsName);
            values.Add(OrtValue.CreateTensorValueFromMemory(new long[batchSize * seq], shape));
        }

        try
        {
            using var runOptions = new RunOptions();
            using var registration = cancellationToken.CanBeCanceled
                ? cancellationToken.Register(static state => ((RunOptions)state!).Terminate = true, runOptions)
                : default;
            IDisposableReadOnlyCollection<OrtValue> outputs;
            try
            {
                outputs = _session.Run(runOptions, names, values, [_outputName]);
            }
            catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }

            using (outputs)
            {
                var hidden = outputs[0].GetTensorDataAsSpan<float>(); // [batch, seq, 384]
                for (var b = 0; b < batchSize; b++)
                {
                    var length = tokenized[batch[b]].Length; // attention mask: 1 on the first `length` positions
                    var vector = new float[Dimensions];
                    var rows = hidden.Slice(b * seq * Dimensions, length * Dimensions);
                    for (var t = 0; t < length; t++)
                    {
                        TensorPrimitives.Add(vector, rows.Slice(t * Dimensions, Dimensions), vector);
                    }

                    // Mean pooling, then L2 normalization (sentence-transformers' clamps: 1e-9 tokens, 1e-12 norm).
                    TensorPrimitives.Divide(vector, Math.Max(length, 1e-9f), vector);
                    var norm = TensorPrimitives.Norm<float>(vector);
                    TensorPrimitives.Divide(vector, Math.Max(norm, 1e-12f), vector);
                    results[batch[b]] = vector;
                }
            }
        }
        finally
        {
            foreach (var value in values)
            {
                value.Dispose();
            }
        }
    }

    private static MiniLmOptions Validated(MiniLmOptions? options)
    {
        options ??= new MiniLmOptions();
        options.Validate();
        return options;
    }

    private static string? FindInput(IEnumerable<string> names, string wanted) =>
        names.FirstOrDefault(n => string.Equals(n, wanted, StringComparison.Ordinal))
        ?? names.FirstOrDefault(n => n.Contains(wanted, StringComparison.OrdinalIgnoreCase));
}
