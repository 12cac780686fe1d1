using VideoRec.Core.Reranking;

namespace VideoRec.Core.Tests.Reranking;

/// <summary>Shared inputs of the re-ranking tests.</summary>
internal static class RerankFixtures
{
    public static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Every rule that changes scores or picks beyond the plain order is off, so each test turns on what it checks.</summary>
    public static RerankOptions Plain() => new()
    {
        OverexposureImpressions = 0,
        FreshnessBoost = 0,
        ClickbaitPenalty = 0,
        NearDuplicateCosine = 2,
        DiversityLambda = 1,
        MaxCreatorShare = 1,
        ExplorationShare = 0,
    };

    /// <summary>An established video (many impressions, no clickbait), uploaded a year ago.</summary>
    public static RerankVideo Video(string? creator = null, float[]? embedding = null) => new()
    {
        CreatorId = creator,
        UploadedAt = Now.AddDays(-365),
        Impressions = 10_000,
        Clicks = 500,
        Views = 500,
        Completions = 200,
        Embedding = embedding ?? ReadOnlyMemory<float>.Empty,
    };

    public static RerankCandidate C(string id, double score, RerankVideo? video = null, params string[] sources) =>
        new(id, score, sources.Length == 0 ? ["wals"] : sources, video ?? Video());

    public static RerankContext Context(int k = 10, string? country = null) => new() { K = k, Now = Now, Country = country };
}
