namespace VideoRec.Core.CandidateGeneration.Index;

/// <summary>
/// How a vector index compares a query with a video vector. Scores are similarities: higher is better.
/// Choose the metric the model was trained with: WALS scores a user by the dot product of factors
/// (<see cref="InnerProduct"/>); the two-tower model L2-normalises both towers, so inner product and cosine agree.
/// </summary>
public enum VectorMetric
{
    /// <summary>Dot product q·v (the score WALS and the two-tower model are trained on).</summary>
    InnerProduct,

    /// <summary>Cosine similarity q·v / (|q|·|v|) in [−1, 1]; a zero vector never matches.</summary>
    Cosine,
}
