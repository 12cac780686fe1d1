namespace VideoRec.Core.CandidateGeneration.Index;

/// <summary>One video to write into a vector index.</summary>
/// <param name="VideoId">The video id (the index key; writing it again replaces the earlier vector).</param>
/// <param name="Vector">Its embedding, <c>[dimensions]</c>, finite.</param>
/// <param name="Attributes">The fields filters test.</param>
public sealed record IndexedVideo(string VideoId, ReadOnlyMemory<float> Vector, VideoIndexAttributes Attributes);

/// <summary>A video found by a vector search.</summary>
/// <param name="VideoId">The video.</param>
/// <param name="Score">Similarity under the index's <see cref="VectorMetric"/>; higher is better.</param>
public readonly record struct VectorMatch(string VideoId, float Score);
