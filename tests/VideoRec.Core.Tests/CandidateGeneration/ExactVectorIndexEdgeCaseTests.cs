using VideoRec.Core.CandidateGeneration.Index;

namespace VideoRec.Core.Tests.CandidateGeneration;

/// <summary>Extreme but finite vectors against the exact index.</summary>
public sealed class ExactVectorIndexEdgeCaseTests
{
    private static IndexedVideo V(string id, float[] vector) => new(id, vector, VideoIndexAttributes.Unrestricted);

    private static ExactVectorIndex Cosine()
    {
        var index = new ExactVectorIndex(2, VectorMetric.Cosine);
        index.Upsert([V("big", [3e20f, 4e20f]), V("tiny", [0f, 1e-44f]), V("unit", [1f, 0f])]);
        return index;
    }

    [Fact]
    public void Cosine_finds_videos_whose_norm_overflows_or_underflows_float()
    {
        // |big|² overflowed to infinity, the stored row became all zeros and the video never matched; |tiny|² underflowed
        // to 0, the row was stored unnormalised and scored about 1e-44 instead of its cosine.
        var matches = Cosine().Search([1f, 1f], 3);

        Assert.Equal(["big", "tiny", "unit"], matches.Select(m => m.VideoId));
        Assert.Equal([0.98995, 0.70711, 0.70711], matches.Select(m => Math.Round((double)m.Score, 5)));
    }

    [Theory]
    [InlineData(3e20f, 4e20f)]
    [InlineData(3 * float.Epsilon, 4 * float.Epsilon)]
    public void Cosine_scores_a_query_whose_norm_overflows_or_underflows_float(float x, float y)
    {
        // A huge query scored every video 0 (dot / ∞); a subnormal one had norm 0 and returned nothing.
        var matches = Cosine().Search([x, y], 3);

        Assert.Equal(["big", "tiny", "unit"], matches.Select(m => m.VideoId));
        Assert.Equal([1.0, 0.8, 0.6], matches.Select(m => Math.Round((double)m.Score, 4)));
    }
}
