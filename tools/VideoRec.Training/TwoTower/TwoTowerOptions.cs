using VideoRec.Core.Feedback;
using VideoRec.Core.Models.TwoTower;
using VideoRec.TwoTower.Features;

namespace VideoRec.Training.TwoTower;

/// <summary>The training objective of the two-tower network.</summary>
public enum TwoTowerLoss
{
    /// <summary>
    /// Binary cross-entropy (design, "Two-tower neural network": relevance as a classification): each relevant pair a
    /// positive, <see cref="TwoTowerOptions.NegativesPerPositive"/> sampled videos and the explicit negatives as negatives;
    /// logit = scale · cosine + bias.
    /// </summary>
    BinaryCrossEntropy,

    /// <summary>
    /// In-batch sampled softmax with log-Q correction (Yi et al., 2019, "Sampling-bias-corrected neural modeling for
    /// large corpus item recommendations"): the other positives of the batch are the negatives, and each logit is
    /// reduced by the log of its video's sampling probability so that popular videos are not over-penalised.
    /// </summary>
    SampledSoftmax,
}

/// <summary>Hyperparameters of <see cref="TwoTowerTrainer"/>.</summary>
public sealed record TwoTowerOptions
{
    /// <summary>
    /// The relevance label: which pairs are positives (and, for binary cross-entropy, explicit negatives). Default
    /// <see cref="RelevancePolicy.Default"/>; the CLI passes the one chosen with --min-watch-fraction and --dislike-wins.
    /// </summary>
    public RelevancePolicy Relevance { get; init; } = RelevancePolicy.Default;

    /// <summary>The objective. Default in-batch sampled softmax with log-Q correction (better nDCG@10 on ML-100K; see README).</summary>
    public TwoTowerLoss Loss { get; init; } = TwoTowerLoss.SampledSoftmax;

    /// <summary>Embedding widths and layers.</summary>
    public TwoTowerDimensions Dimensions { get; init; } = new();

    /// <summary>
    /// Whether the user tower's history bags read the video tower's id embeddings (one table, trained by both towers:
    /// a history is then the mean of the watched videos' own embeddings) instead of a table of their own. Default true.
    /// </summary>
    public bool ShareHistoryEmbeddings { get; init; } = true;

    /// <summary>Maximum epochs. Default 30.</summary>
    public int Epochs { get; init; } = 30;

    /// <summary>Positives per batch. Default 512.</summary>
    public int BatchSize { get; init; } = 512;

    /// <summary>Adam learning rate. Default 0.003.</summary>
    public double LearningRate { get; init; } = 0.003;

    /// <summary>Sampled negatives per positive (binary cross-entropy). Default 4.</summary>
    public int NegativesPerPositive { get; init; } = 4;

    /// <summary>How negatives are drawn (binary cross-entropy). Default popularity^0.75.</summary>
    public NegativeSampling NegativeSampling { get; init; } = NegativeSampling.Popularity;

    /// <summary>Weight of a positive against a negative in the binary loss (the class imbalance is 1 : negatives). Default 2.</summary>
    public double PositiveWeight { get; init; } = 2;

    /// <summary>
    /// Strength of the log-Q correction of the sampled softmax, 0 to 1: 1 removes the popularity bias of in-batch negatives
    /// entirely (Yi et al., 2019); 0 leaves it. Default 1 (on ML-100K, 0.5 and 0 gave lower nDCG@10: 0.300 and 0.084 against 0.386).
    /// </summary>
    public double LogQCorrection { get; init; } = 1;

    /// <summary>
    /// Weight of the popularity prior ln(1 + positives) added to the cosine at scoring time for every user
    /// (EmbeddingRecommender.PriorWeight: <c>PopularityPrior + ColdPrior / (1 + history items)</c>). Default 0.05.
    /// </summary>
    public double PopularityPrior { get; init; } = 0.05;

    /// <summary>Extra prior weight for a user without history, shrinking as 1 / (1 + history items / <see cref="ColdPriorHalfLife"/>). Default 0.3.</summary>
    public double ColdPrior { get; init; } = 0.3;

    /// <summary>History length at which the extra cold-user prior weight has halved. Default 2.</summary>
    public double ColdPriorHalfLife { get; init; } = 2;

    /// <summary>Softmax temperature: logits are cosine / temperature. Default 0.05.</summary>
    public double Temperature { get; init; } = 0.05;

    /// <summary>
    /// Share of examples made to look like a new user's request: the user id replaced by the out-of-vocabulary row and
    /// the history cut to at most <see cref="ShortHistoryMax"/> random items, so the towers learn to serve new users from
    /// demographics, context and a few interactions. Default 0.3.
    /// </summary>
    public double ColdUserRate { get; init; } = 0.3;

    /// <summary>Share of the other examples whose user id alone is replaced by the out-of-vocabulary row. Default 0.1.</summary>
    public double UserIdDropout { get; init; } = 0.1;

    /// <summary>Share of examples whose video id is replaced by the out-of-vocabulary row, so content alone places new videos. Default 0.1.</summary>
    public double VideoIdDropout { get; init; } = 0.1;

    /// <summary>Share of the other examples whose history alone is cut to at most <see cref="ShortHistoryMax"/> random items. Default 0.1.</summary>
    public double ShortHistoryRate { get; init; } = 0.1;

    /// <summary>Longest cut history. Default 5.</summary>
    public int ShortHistoryMax { get; init; } = 5;

    /// <summary>Standard deviation of embedding initialisation. Default 0.05.</summary>
    public double EmbeddingStd { get; init; } = 0.05;

    /// <summary>Epochs without a better validation Recall@k before stopping; 0 trains every epoch. Default 3.</summary>
    public int Patience { get; init; } = 3;

    /// <summary>Share of each user's training positives held out for early stopping. Default 0.1.</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>The k of the validation Recall@k. Default 10.</summary>
    public int ValidationK { get; init; } = 10;

    /// <summary>Seed of initialisation, shuffling, sampling and dropout. Default 42.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>LibTorch intra-op threads; <c>null</c> is 1 on machines with two cores or fewer.</summary>
    public int? Threads { get; init; }

    /// <summary>
    /// Sparse embedding updates: the id and category tables are <c>nn.Embedding(sparse: true)</c>, so backward yields
    /// only the rows a batch looked up, and <see cref="SparseAdam"/> (lazy Adam: moments and weights of those rows only)
    /// updates them; Adam updates the dense layers. Dense Adam (the default, <c>false</c>) reads and writes every row of
    /// every table at every step, which dominates a step once the id tables reach millions of rows (see README,
    /// "Two-tower network", Performance).
    /// </summary>
    public bool SparseEmbeddings { get; init; }

    /// <summary>Stop each epoch after this many batches (benchmarks time a fixed number of steps); <c>null</c>, the default, runs every batch.</summary>
    public int? MaxBatchesPerEpoch { get; init; }

    /// <summary>Checks every value.</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message names it.</exception>
    public void Validate()
    {
        Dimensions.Validate();
        Check(Epochs >= 1, "epochs", Epochs);
        Check(BatchSize >= 2, "batchSize", BatchSize);
        Check(LearningRate > 0 && double.IsFinite(LearningRate), "learningRate", LearningRate);
        Check(NegativesPerPositive >= 1, "negativesPerPositive", NegativesPerPositive);
        Check(PositiveWeight > 0 && double.IsFinite(PositiveWeight), "positiveWeight", PositiveWeight);
        Check(LogQCorrection is >= 0 and <= 1, "logQCorrection", LogQCorrection);
        Check(PopularityPrior >= 0 && double.IsFinite(PopularityPrior), "popularityPrior", PopularityPrior);
        Check(ColdPrior >= 0 && double.IsFinite(ColdPrior), "coldPrior", ColdPrior);
        Check(ColdPriorHalfLife > 0 && double.IsFinite(ColdPriorHalfLife), "coldPriorHalfLife", ColdPriorHalfLife);
        Check(Temperature > 0 && double.IsFinite(Temperature), "temperature", Temperature);
        Check(ColdUserRate is >= 0 and < 1, "coldUserRate", ColdUserRate);
        Check(UserIdDropout is >= 0 and < 1, "userIdDropout", UserIdDropout);
        Check(VideoIdDropout is >= 0 and < 1, "videoIdDropout", VideoIdDropout);
        Check(ShortHistoryRate is >= 0 and <= 1, "shortHistoryRate", ShortHistoryRate);
        Check(ShortHistoryMax >= 0, "shortHistoryMax", ShortHistoryMax);
        Check(EmbeddingStd > 0 && double.IsFinite(EmbeddingStd), "embeddingStd", EmbeddingStd);
        Check(Patience >= 0, "patience", Patience);
        Check(ValidationFraction is >= 0 and < 1, "validationFraction", ValidationFraction);
        Check(ValidationK >= 1, "validationK", ValidationK);
        Check(MaxBatchesPerEpoch is null or >= 1, "maxBatchesPerEpoch", MaxBatchesPerEpoch ?? 0);
    }

    private static void Check(bool ok, string name, object value)
    {
        if (!ok)
        {
            throw new ArgumentException($"Two-tower option '{name}' is out of range: {value}.");
        }
    }
}
