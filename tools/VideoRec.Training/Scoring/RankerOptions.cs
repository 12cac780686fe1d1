using VideoRec.Scoring.Model;

namespace VideoRec.Training.Scoring;

/// <summary>Hyperparameters of the ranker and its training.</summary>
public sealed record RankerOptions
{
    /// <summary>The architectures trained; the one with the best validation nDCG@10 is kept. Default both.</summary>
    public IReadOnlyList<RankerArchitecture> Architectures { get; init; } = [RankerArchitecture.Mlp, RankerArchitecture.Dcn];

    /// <summary>Hidden layer widths. Default 128, 64.</summary>
    public IReadOnlyList<int> Hidden { get; init; } = [128, 64];

    /// <summary>Cross layers of the DCN-v2 variant. Default 2.</summary>
    public int CrossLayers { get; init; } = 2;

    /// <summary>Maximum epochs (early stopping on validation log loss, patience 2). Default 12.</summary>
    public int Epochs { get; init; } = 12;

    /// <summary>Rows per batch. Default 512.</summary>
    public int BatchSize { get; init; } = 512;

    /// <summary>Adam learning rate. Default 1e-3.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Adam weight decay (L2). Default 1e-5.</summary>
    public double WeightDecay { get; init; } = 1e-5;

    /// <summary>Weight of the watch-fraction head's loss (0 trains only the relevance head). Default 0.25.</summary>
    public double WatchLossWeight { get; init; } = 0.25;

    /// <summary>
    /// Weight of a listwise term added to the pointwise cross-entropy: the softmax cross-entropy of each request's
    /// positives against its whole candidate list (sampled negatives counted by their weight), which rewards the order
    /// within a request rather than the level across requests. 0 turns it off. Default 0.
    /// </summary>
    public double ListwiseWeight { get; init; }

    /// <summary>Score weight of the relevance probability. Default 1.</summary>
    public float RelevanceWeight { get; init; } = 1f;

    /// <summary>Score weight of the expected watch fraction. Default 0.</summary>
    public float WatchWeight { get; init; }

    /// <summary>Seed of initialisation and batch order.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>LibTorch threads; <c>null</c> keeps <see cref="TorchRuntime"/>'s choice.</summary>
    public int? Threads { get; init; }

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message names it.</exception>
    public void Validate()
    {
        if (Architectures.Count == 0 || Hidden.Any(h => h < 1) || CrossLayers < 0 || Epochs < 1 || BatchSize < 1 || !(LearningRate > 0) || WeightDecay < 0 || WatchLossWeight < 0 || ListwiseWeight < 0)
        {
            throw new ArgumentException("Ranker options: at least one architecture, hidden widths ≥ 1, cross layers ≥ 0, epochs and batch size ≥ 1, a positive learning rate, non-negative weight decay and watch loss weight.");
        }

        if (!(RelevanceWeight >= 0 && WatchWeight >= 0 && RelevanceWeight + WatchWeight > 0))
        {
            throw new ArgumentException("Ranker options: the score weights must be non-negative and not both 0.");
        }
    }
}
