using VideoRec.Core.Domain;
using VideoRec.Core.Ingestion;

namespace VideoRec.Core.Serving.Recommend;

/// <summary>What the user tower reads about one request.</summary>
/// <param name="UserId">The user.</param>
/// <param name="Profile">The profile, or <c>null</c> when unknown.</param>
/// <param name="Aggregates">The user's aggregates (recent watches, likes, searches), or <c>null</c> for a user without events.</param>
/// <param name="Now">The request time.</param>
/// <param name="Device">The device, or <c>null</c>.</param>
public sealed record UserEmbeddingInput(string UserId, UserProfile? Profile, UserAggregates? Aggregates, DateTimeOffset Now, string? Device);

/// <summary>
/// The two-tower model's user tower at request time (ONNX Runtime in serving): the query vector of the two-tower ANN
/// candidate generator, in the space of the video embeddings shipped in the bundle's <c>twotower/</c> folder.
/// </summary>
public interface IUserEmbedder
{
    /// <summary>Length of the embeddings.</summary>
    int Dimensions { get; }

    /// <summary>The user's embedding, <c>[Dimensions]</c>; <c>null</c> when the tower cannot place the user.</summary>
    ValueTask<float[]?> EmbedAsync(UserEmbeddingInput input, CancellationToken cancellationToken);
}
