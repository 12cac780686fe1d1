using VideoRec.Core.CandidateGeneration.Index;

namespace VideoRec.Core.Evaluation.Candidates;

/// <summary>
/// A trained embedding space an ANN candidate source searches: one query vector per user and one vector per video,
/// aligned with the training set's user and video indices.
/// </summary>
/// <param name="Source">The candidate source it serves, such as <c>wals</c> or <c>twotower</c>.</param>
/// <param name="UserVectors">Row-major <c>[users, dimensions]</c>.</param>
/// <param name="VideoVectors">Row-major <c>[videos, dimensions]</c>.</param>
/// <param name="Dimensions">Vector length.</param>
/// <param name="Metric">The metric the model scores with.</param>
/// <param name="VideoBias">An additive per-video term of the model's score, <c>[videos]</c> (the two-tower popularity prior), or <c>null</c>.</param>
/// <param name="UserBiasWeights">Each user's weight of <paramref name="VideoBias"/>, <c>[users]</c>; <c>null</c> means 1.</param>
public sealed record RetrievalSpace(string Source, float[] UserVectors, float[] VideoVectors, int Dimensions, VectorMetric Metric,
    float[]? VideoBias = null, float[]? UserBiasWeights = null);
