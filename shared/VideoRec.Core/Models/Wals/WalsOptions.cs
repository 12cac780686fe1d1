namespace VideoRec.Core.Models.Wals;

/// <summary>
/// Hyperparameters of weighted alternating least squares on the loss of the design ("Matrix factorization
/// training"): Σ_obs c·(p − x·y)² + W·Σ_unobs (x·y)² + λ·(‖X‖² + ‖Y‖²), with confidence c = 1 + α·s for an
/// observed pair of strength s and target preference p (1 positive, 0 disliked).
/// </summary>
public sealed record WalsOptions
{
    /// <summary>Number of latent factors k. Default 64.</summary>
    public int Factors { get; init; } = 64;

    /// <summary>Number of alternating iterations (each solves users, then videos). Default 15.</summary>
    public int Iterations { get; init; } = 15;

    /// <summary>L2 regularization λ &gt; 0. Default 50 (chosen on a validation split of MovieLens 100K; see the README).</summary>
    public float Regularization { get; init; } = 50f;

    /// <summary>
    /// When <c>true</c>, row r uses λ·(1 + n_r) where n_r is its number of observed entries
    /// (Zhou et al., "Large-scale Parallel Collaborative Filtering for the Netflix Prize", 2008). Default <c>false</c>.
    /// </summary>
    public bool ScaleRegularizationByCount { get; init; }

    /// <summary>Weight W ≥ 0 of the squared error on unobserved pairs. Default 1.</summary>
    public float UnobservedWeight { get; init; } = 1f;

    /// <summary>Confidence scale α ≥ 0: an observed pair of strength s has confidence 1 + α·s. Default 5 (validation-tuned, as λ).</summary>
    public float Alpha { get; init; } = 5f;

    /// <summary>The per-row solver. Default <see cref="WalsSolver.ConjugateGradient"/>.</summary>
    public WalsSolver Solver { get; init; } = WalsSolver.ConjugateGradient;

    /// <summary>Conjugate-gradient steps per row and half-iteration. Default 3.</summary>
    public int ConjugateGradientSteps { get; init; } = 3;

    /// <summary>Seed of the factor initialization; equal seeds give equal models. Default 42.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Initial factors are drawn uniformly from [0, InitScale). Default 0.01.</summary>
    public float InitScale { get; init; } = 0.01f;

    /// <summary>Threads used for the row solves; <c>null</c> uses every core.</summary>
    public int? MaxDegreeOfParallelism { get; init; }

    /// <summary>Whether to compute the training loss after each iteration (one extra pass over the data). Default <c>true</c>.</summary>
    public bool ComputeLoss { get; init; } = true;

    /// <summary>
    /// With a validation callback, stop after this many iterations without improvement and keep the best
    /// factors; 0 disables early stopping. Default 0.
    /// </summary>
    public int EarlyStoppingPatience { get; init; }

    /// <summary>Checks every value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; the message names it.</exception>
    public void Validate()
    {
        Check(Factors is >= 1 and <= 1024, nameof(Factors), "must be between 1 and 1024");
        Check(Iterations is >= 1 and <= 1000, nameof(Iterations), "must be between 1 and 1000");
        Check(Regularization is > 0 and <= 1e9f, nameof(Regularization), "must be a positive number up to 1e9");
        Check(UnobservedWeight is >= 0 and <= 1e6f, nameof(UnobservedWeight), "must be between 0 and 1e6");
        Check(Alpha is >= 0 and <= 1e6f, nameof(Alpha), "must be between 0 and 1e6");
        Check(ConjugateGradientSteps is >= 1 and <= 100, nameof(ConjugateGradientSteps), "must be between 1 and 100");
        Check(InitScale is > 0 and <= 1e3f, nameof(InitScale), "must be a positive number up to 1000");
        Check(MaxDegreeOfParallelism is null or >= 1, nameof(MaxDegreeOfParallelism), "must be at least 1");
        Check(EarlyStoppingPatience >= 0, nameof(EarlyStoppingPatience), "must be zero or positive");
    }

    private static void Check(bool ok, string name, string rule)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(name, $"WALS option {name} {rule}.");
        }
    }
}
