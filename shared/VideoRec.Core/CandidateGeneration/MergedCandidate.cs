namespace VideoRec.Core.CandidateGeneration;

/// <summary>One source's proposal of a video: its score and rank in that source's list.</summary>
/// <param name="Source">The source.</param>
/// <param name="Score">The source's score.</param>
/// <param name="Rank">0-based position in the source's list once excluded videos are removed.</param>
public readonly record struct CandidateProvenance(string Source, float Score, int Rank);

/// <summary>A video in the merged candidate list, with every source that proposed it.</summary>
/// <param name="VideoId">The video.</param>
/// <param name="Position">0-based position in the merged list (by descending <paramref name="FusedScore"/>).</param>
/// <param name="Sources">Every source that proposed it: first the source that took it (by quota, or the largest fusion contribution), then the others in source priority order.</param>
/// <param name="FusedScore">Weighted reciprocal-rank fusion score, Σₛ wₛ / (60 + rankₛ) (see <see cref="CandidateMerger"/>).</param>
public sealed record MergedCandidate(string VideoId, int Position, IReadOnlyList<CandidateProvenance> Sources, double FusedScore)
{
    /// <summary>The score a source gave this video, or <c>null</c> when that source did not propose it.</summary>
    public float? ScoreFrom(string source)
    {
        foreach (var p in Sources)
        {
            if (p.Source == source)
            {
                return p.Score;
            }
        }

        return null;
    }
}
